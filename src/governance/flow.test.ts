// End to end on the devnet with the real Safe and timelock: propose from a parameter file, sign with two of the
// three owners, execute; loosening waits for the timelock.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, numberToHex, zeroAddress, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { beforeAll, describe, expect, it } from "vitest";
import { delegationManagerAbi, riskRegistryAbi, vaultAbi } from "../abi/generated/index.js";
import { devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { useDevnet } from "../../test/helpers/devnet.js";
import { safeAbi, timelockControllerAbi } from "./abi.js";
import { NotEnoughSignaturesError, ParamsFileError, TimelockNotReadyError } from "./errors.js";
import { executeProposal } from "./execute.js";
import { executeTimelock, getTimelockStatus } from "./executeTimelock.js";
import { addSignature, readProposalDir, readSignatures, writeProposalDir } from "./files.js";
import { MAX_FEE_BPS, parseParamsFile } from "./params.js";
import { buildProposal, type Proposal } from "./proposal.js";
import { proposeParams } from "./propose.js";
import { readCurrentParams } from "./readCurrentParams.js";
import { signProposal } from "./sign.js";
import { simulateProposal } from "./simulate.js";

const devnet = useDevnet();
const owners = DEVNET_KEY_INDEX.safeOwners.map((i) => privateKeyToAccount(devnetPrivateKey(i)));
let client: PublicClient;
const wallet = () => createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account: owners[0]! });

beforeAll(() => {
  client = createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl) });
});

async function signBy(dir: string, proposal: Proposal, n: number) {
  for (const account of owners.slice(0, n)) addSignature(dir, proposal, await signProposal(client, { proposal, account }));
  return readSignatures(dir, proposal);
}

const limits = () => client.readContract({ address: devnet.deployment.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "limits" });

describe("governance on the devnet Safe", () => {
  it("two of three owners tighten a cap and it applies at once", async () => {
    const { deployment } = devnet;
    const before = await limits();
    const params = parseParamsFile({ description: "tighten", risk: { operatorCapBps: before.operatorCapBps - 500, minBufferBps: before.minBufferBps + 100 } });
    const { diff, proposal } = await proposeParams(client, { deployment, params });
    expect(diff.changes.map((c) => [c.parameter, c.direction, c.route])).toEqual([
      ["risk.operatorCapBps", "tighten", "safe"],
      ["risk.minBufferBps", "tighten", "safe"],
    ]);
    expect(proposal.timelock).toBeNull();
    expect(proposal.safeTx.operation).toBe(1); // two calls through MultiSendCallOnly
    expect(proposal.safeTx.to).toBe(deployment.trellis.multiSend);

    // Our EIP-712 hash is the Safe's own.
    const t = proposal.safeTx;
    const onChain = await client.readContract({
      address: proposal.safe,
      abi: safeAbi,
      functionName: "getTransactionHash",
      args: [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, t.nonce],
    });
    expect(proposal.safeTxHash).toBe(onChain);

    const sim = await simulateProposal(client, { deployment, proposal, params });
    expect(sim.simulated).toBe(true);
    if (sim.simulated) expect(sim.changes.every((c) => c.ok)).toBe(true);
    expect(await limits()).toEqual(before); // the simulation was rolled back

    const dir = mkdtempSync(join(tmpdir(), "gov-tighten-"));
    writeProposalDir(dir, proposal);
    const signatures = await signBy(dir, readProposalDir(dir), 2);
    const res = await executeProposal(client, { proposal: readProposalDir(dir), signatures, wallet: wallet() });
    expect(res.receipt.status).toBe("success");
    const after = await limits();
    expect(after.operatorCapBps).toBe(before.operatorCapBps - 500);
    expect(after.minBufferBps).toBe(before.minBufferBps + 100);
  });

  it("refuses one signature of three, here and on chain", async () => {
    const { deployment } = devnet;
    const before = await limits();
    const params = parseParamsFile({ risk: { totalSlashableCapBps: before.totalSlashableCapBps - 100 } });
    const { proposal } = await proposeParams(client, { deployment, params });
    const dir = mkdtempSync(join(tmpdir(), "gov-one-"));
    writeProposalDir(dir, proposal);
    const signatures = await signBy(dir, proposal, 1);
    await expect(executeProposal(client, { proposal, signatures, wallet: wallet() })).rejects.toThrow(NotEnoughSignaturesError);
    // The Safe itself refuses too (GS020: signatures data too short).
    const t = proposal.safeTx;
    await expect(
      client.simulateContract({
        account: owners[0]!,
        address: proposal.safe,
        abi: safeAbi,
        functionName: "execTransaction",
        args: [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, signatures[0]!.signature],
      }),
    ).rejects.toThrow(/GS020/);
    expect(await limits()).toEqual(before);
  });

  it("schedules a loosening, refuses it before the delay and applies it after", async () => {
    const { deployment } = devnet;
    const before = await limits();
    const params = parseParamsFile({
      risk: { operatorCapBps: before.operatorCapBps + 1000, defaultAvsCapBps: before.defaultAvsCapBps - 100 },
      vault: { feeBps: 500 },
    });
    const { diff, proposal } = await proposeParams(client, { deployment, params });
    expect(diff.changes.map((c) => [c.parameter, c.direction, c.route])).toEqual([
      ["risk.operatorCapBps", "loosen", "timelock"],
      ["risk.defaultAvsCapBps", "tighten", "safe"],
      ["vault.feeBps", "change", "timelock"],
    ]);
    expect(proposal.timelock?.calls).toHaveLength(2);
    expect(proposal.timelock?.delay).toBe(86_400n);

    // Simulating skips the delay on a snapshot and rolls it back: chain time and the timelock are untouched.
    const t0 = (await client.getBlock({ blockTag: "latest" })).timestamp;
    const sim = await simulateProposal(client, { deployment, proposal, params });
    expect(sim.simulated && sim.changes.every((c) => c.ok)).toBe(true);
    expect((await client.getBlock({ blockTag: "latest" })).timestamp - t0).toBeLessThan(60n);
    expect((await getTimelockStatus(client, { proposal })).state).toBe("unset");

    const dir = mkdtempSync(join(tmpdir(), "gov-loosen-"));
    writeProposalDir(dir, proposal);
    await executeProposal(client, { proposal, signatures: await signBy(dir, proposal, 2), wallet: wallet() });
    // The tightening applied at once; the loosening waits.
    const mid = await limits();
    expect(mid.defaultAvsCapBps).toBe(before.defaultAvsCapBps - 100);
    expect(mid.operatorCapBps).toBe(before.operatorCapBps);
    expect((await getTimelockStatus(client, { proposal })).state).toBe("waiting");
    await expect(executeTimelock(client, { deployment, proposal })).rejects.toThrow(TimelockNotReadyError);

    await client.request({ method: "evm_increaseTime" as never, params: [numberToHex(86_400)] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
    const exec = await executeTimelock(client, { deployment, proposal });
    expect(exec.kind).toBe("proposal"); // the executor is the Safe: one more Safe transaction
    if (exec.kind !== "proposal") return;
    const execDir = join(dir, "execute");
    writeProposalDir(execDir, exec.proposal);
    await executeProposal(client, { proposal: exec.proposal, signatures: await signBy(execDir, exec.proposal, 2), wallet: wallet() });
    const after = await limits();
    expect(after.operatorCapBps).toBe(before.operatorCapBps + 1000);
    const current = await readCurrentParams(client, { deployment });
    expect(current.vault.feeBps).toBe(500);
    expect((await getTimelockStatus(client, { proposal })).state).toBe("done");
  });

  it("pauses deposits from the Safe at once; unpausing goes through the timelock", async () => {
    const { deployment } = devnet;
    const { diff, proposal } = await proposeParams(client, { deployment, params: parseParamsFile({ pause: ["Deposit"] }) });
    expect(diff.changes).toEqual([{ parameter: "vault.paused.Deposit", current: "false", new: "true", direction: "tighten", route: "safe" }]);
    const dir = mkdtempSync(join(tmpdir(), "gov-pause-"));
    writeProposalDir(dir, proposal);
    await executeProposal(client, { proposal, signatures: await signBy(dir, proposal, 2), wallet: wallet() });
    expect((await readCurrentParams(client, { deployment })).vault.paused.Deposit).toBe(true);
    const unpause = await proposeParams(client, { deployment, params: parseParamsFile({ unpause: ["Deposit"] }) });
    expect(unpause.diff.changes[0]?.route).toBe("timelock");
    const sim = await simulateProposal(client, { deployment, proposal: unpause.proposal });
    expect(sim.simulated && sim.changes[0]).toMatchObject({ simulated: "false", ok: true });
  });

  it("allowlists a new operator and adds its delegator through the timelock", async () => {
    const { deployment } = devnet;
    const operator = privateKeyToAccount(devnetPrivateKey(25));
    await client.request({ method: "anvil_setBalance" as never, params: [operator.address, numberToHex(10n ** 19n)] as never });
    const opWallet = createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account: operator });
    const reg = await opWallet.writeContract({
      address: deployment.eigenlayer.delegationManager,
      abi: delegationManagerAbi,
      functionName: "registerAsOperator",
      args: [zeroAddress, 1, ""],
    });
    await client.waitForTransactionReceipt({ hash: reg });

    const params = parseParamsFile({ risk: { operatorAllowlist: [{ operator: operator.address, allowed: true }] }, addOperatorDelegators: [operator.address] });
    const { diff, proposal } = await proposeParams(client, { deployment, params });
    expect(diff.changes.map((c) => [c.parameter, c.direction, c.route])).toEqual([
      [`risk.operatorAllowlist[${operator.address}]`, "loosen", "timelock"],
      [`delegators[${operator.address}]`, "loosen", "timelock"],
    ]);
    const sim = await simulateProposal(client, { deployment, proposal, params });
    expect(sim.simulated && sim.changes.every((c) => c.ok)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), "gov-operator-"));
    writeProposalDir(dir, proposal);
    await executeProposal(client, { proposal, signatures: await signBy(dir, proposal, 2), wallet: wallet() });
    await client.request({ method: "evm_increaseTime" as never, params: [numberToHex(86_401)] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
    const exec = await executeTimelock(client, { deployment, proposal });
    if (exec.kind !== "proposal") throw new Error("expected a Safe proposal");
    const execDir = join(dir, "execute");
    writeProposalDir(execDir, exec.proposal);
    await executeProposal(client, { proposal: exec.proposal, signatures: await signBy(execDir, exec.proposal, 2), wallet: wallet() });
    const delegator = await client.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "delegatorOf", args: [operator.address] });
    expect(delegator).not.toBe(zeroAddress);
    expect(await client.readContract({ address: deployment.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "isOperatorAllowed", args: [operator.address] })).toBe(true);
  });

  it("executes the timelocked batch directly when the timelock lets anyone execute", async () => {
    const { deployment } = devnet;
    const tl = deployment.trellis.timelock;
    // Open execution (EXECUTOR_ROLE for address(0)) is a timelock decision; here the timelock grants it to itself.
    const role = await client.readContract({ address: tl, abi: timelockControllerAbi, functionName: "EXECUTOR_ROLE" });
    await client.request({ method: "anvil_impersonateAccount" as never, params: [tl] as never });
    await client.request({ method: "anvil_setBalance" as never, params: [tl, numberToHex(10n ** 18n)] as never });
    const asTimelock = createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account: tl });
    await client.waitForTransactionReceipt({
      hash: await asTimelock.writeContract({ address: tl, abi: timelockControllerAbi, functionName: "grantRole", args: [role, zeroAddress] }),
    });
    await client.request({ method: "anvil_stopImpersonatingAccount" as never, params: [tl] as never });

    const before = await limits();
    const params = parseParamsFile({ risk: { defaultOperatorSetCapBps: before.defaultOperatorSetCapBps + 500 } });
    const { proposal } = await proposeParams(client, { deployment, params });
    const dir = mkdtempSync(join(tmpdir(), "gov-open-"));
    writeProposalDir(dir, proposal);
    await executeProposal(client, { proposal, signatures: await signBy(dir, proposal, 2), wallet: wallet() });
    await client.request({ method: "evm_increaseTime" as never, params: [numberToHex(86_401)] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
    const keeperLike = createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account: privateKeyToAccount(devnetPrivateKey(9)) });
    const res = await executeTimelock(client, { deployment, proposal, wallet: keeperLike });
    expect(res.kind).toBe("executed");
    expect((await limits()).defaultOperatorSetCapBps).toBe(before.defaultOperatorSetCapBps + 500);
    await expect(executeTimelock(client, { deployment, proposal, wallet: keeperLike })).rejects.toThrow(/already executed/);
  });

  it("a loosening sent straight from the Safe fails simulation with RiskRegistry's error", async () => {
    const { deployment } = devnet;
    const before = await limits();
    const diff = {
      changes: [],
      actions: [{ contract: "riskRegistry" as const, functionName: "setOperatorCap", args: [before.operatorCapBps + 1], route: "safe" as const, parameters: [] }],
    };
    const proposal = await buildProposal(client, { deployment, diff });
    await expect(simulateProposal(client, { deployment, proposal })).rejects.toThrow(/LoosenRequiresAdmin/);
    expect(await limits()).toEqual(before);
  });

  it("bounds the fee as the vault does", async () => {
    const onChain = await client.readContract({ address: devnet.deployment.trellis.vault, abi: vaultAbi, functionName: "MAX_FEE_BPS" });
    expect(onChain).toBe(BigInt(MAX_FEE_BPS));
  });

  it("refuses a bad parameter file by field and changes nothing", async () => {
    const before = await limits();
    const nonce = await client.readContract({ address: devnet.deployment.trellis.safe, abi: safeAbi, functionName: "nonce" });
    let error: unknown;
    try {
      parseParamsFile({ risk: { operatorCapBps: 10_001, avsCaps: [{ avs: devnet.deployment.avss[0]!.address.toLowerCase(), capBps: 100 }] }, vault: { feeBps: 3001, fee: 1 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsFileError);
    const paths = (error as ParamsFileError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["risk.avsCaps.0.avs", "risk.operatorCapBps", "vault.fee", "vault.feeBps"]);
    expect(await limits()).toEqual(before);
    expect(await client.readContract({ address: devnet.deployment.trellis.safe, abi: safeAbi, functionName: "nonce" })).toBe(nonce);
  });
});
