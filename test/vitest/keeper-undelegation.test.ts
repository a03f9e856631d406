// The keeper on the devnet when an operator force-undelegates Trellis' delegator: it notices, sends that
// delegator no stake, refreshes the RiskRegistry's cached exposure, and completes the resulting EigenLayer
// withdrawals into idle once EigenLayer's delay has passed; the vault refuses any allocation to it.
import { parseEther, zeroAddress, type Abi, type Address } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { delegationManagerAbi, riskRegistryAbi, vaultAbi } from "../../src/abi/generated/index.js";
import { createChainClients } from "../../src/chain/clients.js";
import { simulateCall } from "../../src/chain/send.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { createSim, type Sim } from "../../src/demo/sim.js";
import { runKeeperCycle, type KeeperOptions } from "../../src/keeper/keeper.js";
import { readKeeperState } from "../../src/keeper/readState.js";
import { useDevnet } from "../helpers/devnet.js";
import { DEVNET_AVS_DATA, devnetKeeperOptions, keeperSendContext } from "../helpers/keeperDevnet.js";

const devnet = useDevnet();
let sim: Sim;
let opts: KeeperOptions;

describe("keeper: forced undelegation", () => {
  beforeAll(async () => {
    const clients = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    sim = createSim({ publicClient: clients.publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    opts = devnetKeeperOptions(clients.publicClient, devnet.deployment, { engineParams: { turnoverBps: 10_000 } });
    const [alice] = sim.users as [Sim["users"][0]];
    await sim.deposit(alice, "rETH", await sim.mintLst("rETH", alice, parseEther("100")));
  });

  it("detects it, sends no stake, refreshes the risk cache and completes the withdrawals", async () => {
    const d = devnet.deployment;
    const rEth = sim.token("rETH");
    const { address: operator, delegator, keyIndex } = d.operators[0]!;
    await sim.tx(devnetAccount(DEVNET_KEY_INDEX.keeper), d.trellis.vault, vaultAbi as Abi, "allocate", [delegator, rEth, parseEther("10")]);

    // The operator undelegates Trellis' delegator: its stake is queued for withdrawal.
    await sim.tx(devnetAccount(keyIndex!), d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "undelegate", [delegator]);
    expect(await sim.read<Address>(d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "delegatedTo", [delegator])).toBe(zeroAddress);

    const first = await runKeeperCycle(opts);
    expect(first.notes.some((n) => n.includes(`forced undelegation of ${delegator}`))).toBe(true);
    expect(first.actions.filter((a) => a.kind === "refreshExposure" && a.status === "confirmed").map((a) => a.details.delegator)).toEqual([delegator]);
    expect(first.actions.some((a) => a.kind === "allocate" && a.details.delegator === delegator)).toBe(false);
    const exposure = await sim.read<{ delegatedTo: Address; stake: bigint }>(d.trellis.riskRegistry, riskRegistryAbi as Abi, "delegatorExposure", [delegator]);
    expect(exposure.delegatedTo).toBe(zeroAddress);
    expect(exposure.stake).toBeGreaterThan(0n); // queued: still counted, still slashable by the operator

    // The vault refuses new stake to it, with the registry's named error.
    const refused = await simulateCall(
      keeperSendContext(opts),
      { address: d.trellis.vault, abi: vaultAbi as Abi, functionName: "allocate", args: [delegator, rEth, parseEther("1")] },
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.revert.text).toContain("DelegatorNotDelegated");

    // After EigenLayer's withdrawal delay the keeper completes the queued withdrawal into idle.
    await sim.advance(3600, 101);
    const second = await runKeeperCycle(opts);
    const completed = second.actions.filter((a) => a.kind === "completeWithdrawal" && a.status === "confirmed" && a.details.delegator === delegator);
    expect(completed.length).toBe(1);
    expect(completed[0]!.details.amount).toBe(parseEther("10"));
    expect(second.actions.some((a) => a.kind === "allocate" && a.details.delegator === delegator)).toBe(false);
    const after = await readKeeperState(opts.publicClient, { deployment: d });
    expect(after.queued.filter((q) => q.delegator === delegator)).toEqual([]);
    expect(after.delegators.find((x) => x.address === delegator)!.positions.every((p) => p.underlying === 0n)).toBe(true);
    expect(after.delegators.find((x) => x.address === delegator)!.operator).toBe(operator);
  });
});
