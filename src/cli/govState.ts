// Where a proposal stands, told apart with real times: the Safe transaction (executed, superseded by
// another at its nonce, or waiting for signatures) and its timelocked part (not scheduled, scheduled until
// a date, ready since a date, done).
import { getAbiItem, type Hash, type PublicClient } from "viem";
import { formatDate, formatDuration } from "../chain/format.js";
import { getTimelockStatus, type Proposal } from "../governance/index.js";
import { safeAbi } from "../governance/abi.js";

export type SafeTxState =
  | { state: "executed"; hash: Hash; blockNumber: bigint; timestamp: bigint }
  | { state: "superseded"; safeNonce: bigint }
  | { state: "pending"; safeNonce: bigint };

/** Whether the proposal's SafeTx ran (its ExecutionSuccess), or its nonce went to another transaction. */
export async function readSafeTxState(client: PublicClient, proposal: Proposal): Promise<SafeTxState> {
  const safeNonce = (await client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "nonce" })) as bigint;
  if (safeNonce <= BigInt(proposal.safeTx.nonce)) return { state: "pending", safeNonce };
  const logs = await client.getLogs({
    address: proposal.safe,
    event: getAbiItem({ abi: safeAbi, name: "ExecutionSuccess" }) as never,
    args: { txHash: proposal.safeTxHash } as never,
    fromBlock: 0n,
  });
  const log = (logs as unknown as { args?: { txHash?: string }; blockNumber: bigint; transactionHash: Hash }[]).find(
    (l) => (l.args?.txHash ?? "").toLowerCase() === proposal.safeTxHash.toLowerCase(),
  );
  if (!log) return { state: "superseded", safeNonce };
  const block = await client.getBlock({ blockNumber: log.blockNumber });
  return { state: "executed", hash: log.transactionHash, blockNumber: log.blockNumber, timestamp: block.timestamp };
}

export type TimelockState =
  | { state: "not scheduled" }
  | { state: "scheduled"; readyAt: bigint; now: bigint }
  | { state: "ready"; readyAt: bigint; now: bigint }
  | { state: "done" };

/** The timelocked part's state; `readyAt` only where it means a time (OpenZeppelin marks done as 1). */
export async function readTimelockState(client: PublicClient, proposal: Proposal): Promise<TimelockState | null> {
  if (!proposal.timelock) return null;
  const s = await getTimelockStatus(client, { proposal });
  if (s.state === "unset") return { state: "not scheduled" };
  if (s.state === "done") return { state: "done" };
  if (s.state === "waiting") return { state: "scheduled", readyAt: s.readyAt, now: s.now };
  return { state: "ready", readyAt: s.readyAt, now: s.now };
}

export function describeSafeTx(s: SafeTxState, signatures: number, enough: boolean, detail: string): string {
  if (s.state === "executed") return `executed in ${s.hash} (block ${s.blockNumber}, ${formatDate(s.timestamp)})`;
  if (s.state === "superseded") return `not executed: the Safe's nonce is now ${s.safeNonce}, another transaction used this one's; propose again`;
  return `waiting: ${signatures} signature(s)${enough ? ", enough to execute" : ` (${detail})`}`;
}

export function describeTimelock(t: TimelockState, operationId: string, safe: SafeTxState): string {
  const head = `timelock operation ${operationId}`;
  if (t.state === "done") return `${head}: done (executed)`;
  if (t.state === "not scheduled") return `${head}: not scheduled${safe.state === "executed" ? "" : " (scheduled when the SafeTx is executed)"}`;
  if (t.state === "scheduled") return `${head}: scheduled, ready at ${formatDate(t.readyAt)} (in ${formatDuration(t.readyAt - t.now)}; on the devnet: trellis devnet advance --days N)`;
  return `${head}: ready since ${formatDate(t.readyAt)}: run trellis gov execute-timelock`;
}
