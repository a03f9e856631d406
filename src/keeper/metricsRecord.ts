// Updates the keeper's metrics (metrics.ts) from what a cycle did and from one read of the chain.
import type { Status } from "../chain/status.js";
import type { ActionRecord } from "./executor.js";
import type { KeeperMetrics } from "./metrics.js";
import type { KeeperState } from "./readState.js";

const eth = (wei: bigint) => Number(wei) / 1e18;

/** Counts one action of a cycle. */
export function recordAction(m: KeeperMetrics, a: ActionRecord): void {
  m.actions.inc({ kind: a.kind, status: a.status });
  if (a.status === "rejected" || a.status === "reverted") m.errors.inc({ kind: a.kind });
}

/** Sets the state gauges from one chain snapshot (the keeper's state and the status built on it). */
export function recordState(m: KeeperMetrics, p: { state: KeeperState; status: Status; avsNames?: Map<string, string> | undefined }): void {
  const { state, status } = p;
  m.rate.set(eth(status.rate));
  m.tvl.set(eth(status.totalAssets));
  m.measured.set(eth(status.measuredTotalAssets));
  m.supply.set(eth(status.trEthSupply));
  m.buffer.set(eth(status.idle.reduce((s, i) => s + i.ethValue, 0n)));
  for (const i of status.idle) m.idle.set({ asset: i.symbol }, eth(i.units));
  m.queuePending.set(status.queue.pending);
  m.queuePendingValue.set(eth(status.queue.pendingValue));
  // Pending requests are oldest first (ids ascending).
  const head = state.queue.pending[0];
  m.queueOldestAge.set(head ? Number(state.timestamp - head.requestedAt) : 0);
  m.inFlight.set(status.queuedWithdrawals);
  const name = (avs: string) => p.avsNames?.get(avs.toLowerCase()) ?? "";
  for (const a of status.avs) {
    m.avsExposure.set({ avs: a.avs, name: name(a.avs) }, eth(a.exposure));
    m.avsCap.set({ avs: a.avs, name: name(a.avs) }, eth(a.cap));
  }
  for (const s of status.operatorSets) {
    const labels = { avs: s.avs, operator_set: String(s.operatorSetId), name: name(s.avs) };
    m.setExposure.set(labels, eth(s.exposure));
    m.setCap.set(labels, eth(s.cap));
  }
  m.slashable.set(eth(status.totalSlashable.exposure));
  m.slashableCap.set(eth(status.totalSlashable.cap));
  m.sinceSync.set(Number(state.timestamp - state.lastSyncTimestamp));
  m.block.set(Number(state.blockNumber));
}

