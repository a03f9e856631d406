import { encodeFunctionData, numberToHex, pad, concat, type Address, type Hex, type PublicClient } from "viem";
import { safeAbi } from "./abi.js";
import type { GovernanceDeployment } from "./deployment.js";
import { flattenParams } from "./diffParams.js";
import { SimulationError } from "./errors.js";
import type { ParamsFile } from "./params.js";
import { buildExecuteTimelockProposal, type Proposal } from "./proposal.js";
import { readCurrentParams, type CurrentParams } from "./readCurrentParams.js";
import { describeRevert } from "./revert.js";

export type SimulatedChange = { parameter: string; before: string; expected: string; simulated: string; ok: boolean };

export type SimulateProposalParameters = { deployment: GovernanceDeployment; proposal: Proposal; params?: ParamsFile };
export type SimulateProposalReturnType =
  | { simulated: true; after: CurrentParams; changes: SimulatedChange[]; timelockSkippedSeconds: bigint }
  | { simulated: false; reason: string };

/**
 * Runs the proposal on an anvil node (the devnet, or `anvil --fork-url` of a live chain) and reads the values it
 * leaves, then rolls the node back. The real path is taken: owners (impersonated) approve the SafeTx hash and
 * `execTransaction` runs it through MultiSendCallOnly; a timelocked part is then executed by the Safe after
 * skipping the delay. Any revert is reported by its Solidity error name. Other nodes: `{ simulated: false }`.
 */
export async function simulateProposal(
  client: PublicClient,
  { deployment, proposal, params }: SimulateProposalParameters,
): Promise<SimulateProposalReturnType> {
  const rpc = (method: string, args: unknown[] = []) => (client.request as (a: { method: string; params: unknown[] }) => Promise<unknown>)({ method, params: args });
  try {
    await rpc("anvil_nodeInfo");
  } catch {
    return { simulated: false, reason: "the RPC is not anvil: simulate on the devnet or on `anvil --fork-url <rpc>`" };
  }
  const snapshot = (await rpc("evm_snapshot")) as Hex;
  try {
    await runAsOwners(client, rpc, proposal);
    let skipped = 0n;
    if (proposal.timelock) {
      skipped = proposal.timelock.delay + 1n;
      await rpc("evm_increaseTime", [numberToHex(skipped)]);
      await rpc("evm_mine");
      await runAsOwners(client, rpc, await buildExecuteTimelockProposal(client, { deployment, proposal }));
    }
    const after = await readCurrentParams(client, { deployment, params });
    const flat = flattenParams(after);
    const changes = proposal.changes.map((c) => {
      const simulated = flat.get(c.parameter) ?? "(not read)";
      return { parameter: c.parameter, before: c.current, expected: c.new, simulated, ok: simulated === c.new };
    });
    return { simulated: true, after, changes, timelockSkippedSeconds: skipped };
  } finally {
    await rpc("evm_revert", [snapshot]);
  }
}

/** Executes a SafeTx as `threshold` impersonated owners: all but the last `approveHash`, the last sends it. */
async function runAsOwners(client: PublicClient, rpc: (m: string, a?: unknown[]) => Promise<unknown>, proposal: Proposal): Promise<void> {
  const [owners, threshold] = await Promise.all([
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "getOwners" }),
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "getThreshold" }),
  ]);
  const signers = [...owners].slice(0, Number(threshold)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const sender = signers[signers.length - 1]!;
  const send = async (from: Address, data: Hex) => {
    try {
      await client.call({ account: from, to: proposal.safe, data });
    } catch (e) {
      throw new SimulationError(`Simulation reverted: ${describeRevert(e)}`);
    }
    await rpc("anvil_impersonateAccount", [from]);
    await rpc("anvil_setBalance", [from, numberToHex(10n ** 20n)]);
    try {
      const hash = (await rpc("eth_sendTransaction", [{ from, to: proposal.safe, data }])) as Hex;
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new SimulationError(`Simulated transaction ${hash} reverted`);
    } finally {
      await rpc("anvil_stopImpersonatingAccount", [from]);
    }
  };
  for (const owner of signers.slice(0, -1)) {
    await send(owner, encodeFunctionData({ abi: safeAbi, functionName: "approveHash", args: [proposal.safeTxHash] }));
  }
  // Pre-validated signatures: r = owner, s = 0, v = 1 (approved hash, or the sender itself).
  const signatures = concat(signers.map((o) => concat([pad(o), pad("0x00"), "0x01"])));
  const t = proposal.safeTx;
  await send(
    sender,
    encodeFunctionData({
      abi: safeAbi,
      functionName: "execTransaction",
      args: [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, signatures],
    }),
  );
}
