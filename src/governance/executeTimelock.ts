import type { Account, Chain, Hash, PublicClient, Transport, WalletClient } from "viem";
import { zeroAddress } from "viem";
import { timelockControllerAbi } from "./abi.js";
import type { GovernanceDeployment } from "./deployment.js";
import { ProposalError, TimelockNotReadyError } from "./errors.js";
import { buildExecuteTimelockProposal, type Proposal } from "./proposal.js";
import { describeRevert } from "./revert.js";

/** OpenZeppelin's `TimelockController.OperationState`. */
export const OPERATION_STATES = ["unset", "waiting", "ready", "done"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export type TimelockStatus = { state: OperationState; readyAt: bigint; now: bigint };

/** Where the proposal's timelocked operation stands, and when it becomes executable. */
export async function getTimelockStatus(client: PublicClient, { proposal }: { proposal: Proposal }): Promise<TimelockStatus> {
  const op = proposal.timelock;
  if (!op) throw new ProposalError("The proposal has no timelocked calls");
  const [state, readyAt, block] = await Promise.all([
    client.readContract({ address: op.timelock, abi: timelockControllerAbi, functionName: "getOperationState", args: [op.operationId] }),
    client.readContract({ address: op.timelock, abi: timelockControllerAbi, functionName: "getTimestamp", args: [op.operationId] }),
    client.getBlock(),
  ]);
  return { state: OPERATION_STATES[state] ?? "unset", readyAt, now: block.timestamp };
}

export type ExecuteTimelockParameters = {
  deployment: GovernanceDeployment;
  proposal: Proposal;
  /** Sends `executeBatch` directly when the timelock lets anyone execute. */
  wallet?: WalletClient<Transport, Chain | undefined, Account>;
};
export type ExecuteTimelockReturnType =
  | { kind: "executed"; hash: Hash }
  /** The executor is the Safe: a Safe transaction calling `executeBatch`, to sign and execute like any proposal. */
  | { kind: "proposal"; proposal: Proposal };

/**
 * After the delay, runs the scheduled batch with the same targets, values, payloads, predecessor and salt.
 * Refuses (`TimelockNotReadyError`) before the delay, when not scheduled, or when already done.
 */
export async function executeTimelock(
  client: PublicClient,
  { deployment, proposal, wallet }: ExecuteTimelockParameters,
): Promise<ExecuteTimelockReturnType> {
  const op = proposal.timelock;
  if (!op) throw new ProposalError("The proposal has no timelocked calls");
  const status = await getTimelockStatus(client, { proposal });
  if (status.state === "unset") throw new TimelockNotReadyError(`Timelock operation ${op.operationId} is not scheduled: execute the proposal first`);
  if (status.state === "done") throw new TimelockNotReadyError(`Timelock operation ${op.operationId} was already executed`);
  if (status.state === "waiting") {
    const wait = status.readyAt - status.now;
    throw new TimelockNotReadyError(`Timelock operation ${op.operationId} is not ready: ${wait} s left`, [
      `executable from ${new Date(Number(status.readyAt) * 1000).toISOString()} (chain time now ${new Date(Number(status.now) * 1000).toISOString()})`,
    ]);
  }
  const [executorRole] = await Promise.all([client.readContract({ address: op.timelock, abi: timelockControllerAbi, functionName: "EXECUTOR_ROLE" })]);
  const open = await client.readContract({ address: op.timelock, abi: timelockControllerAbi, functionName: "hasRole", args: [executorRole, zeroAddress] });
  if (open && wallet) {
    const args = [op.targets, op.values, op.payloads, op.predecessor, op.salt] as const;
    try {
      await client.simulateContract({ account: wallet.account, address: op.timelock, abi: timelockControllerAbi, functionName: "executeBatch", args });
    } catch (e) {
      throw new ProposalError(`executeBatch would revert: ${describeRevert(e)}`);
    }
    const hash = await wallet.writeContract({
      account: wallet.account,
      chain: wallet.chain,
      address: op.timelock,
      abi: timelockControllerAbi,
      functionName: "executeBatch",
      args,
    });
    await client.waitForTransactionReceipt({ hash });
    return { kind: "executed", hash };
  }
  return { kind: "proposal", proposal: await buildExecuteTimelockProposal(client, { deployment, proposal }) };
}
