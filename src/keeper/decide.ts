// Pure decisions of the keeper from a chain state read (no RPC, no clock).
import type { Address } from "viem";
import type { AssetInfo, KeeperState, QueuedWithdrawal } from "./readState.js";
import type { WithdrawalPick } from "./redemptions.js";

/** Queued EigenLayer withdrawals of Trellis' delegators that can be completed in the current block. */
export function maturedWithdrawals(state: KeeperState): QueuedWithdrawal[] {
  return state.queued.filter((q) => state.blockNumber >= q.completableBlock);
}

export const assetOfStrategy = (state: KeeperState, strategy: Address): AssetInfo | undefined =>
  state.assets.find((a) => a.strategy.toLowerCase() === strategy.toLowerCase());

/**
 * Deposit shares to queue for `amount` underlying: withdrawable shares for the amount (rounded up), scaled
 * by deposit/withdrawable shares (they differ once the operator was slashed), capped at what is held.
 */
export function depositSharesFor(pick: WithdrawalPick, withdrawableSharesForAmount: bigint): bigint {
  if (pick.withdrawableShares === 0n) return 0n;
  const ds = (withdrawableSharesForAmount * pick.depositShares + pick.withdrawableShares - 1n) / pick.withdrawableShares;
  return ds > pick.depositShares ? pick.depositShares : ds;
}

/**
 * Sync when the mark differs from what the books will reach: at once for a loss (slashing; every refresh books
 * one too), at most every `minIntervalSeconds` for a gain, which then streams in.
 */
export function shouldSync(state: KeeperState, minIntervalSeconds: number): boolean {
  if (state.measuredTotalAssets < state.totalAssets) return true;
  if (state.measuredTotalAssets <= state.bookedAndPending) return false;
  return state.timestamp - state.lastSyncTimestamp >= BigInt(minIntervalSeconds);
}

export type StrandedDelegator = {
  delegator: Address;
  operator: Address;
  delegatedTo: Address;
  reason: "forcedUndelegation" | "retired";
  /** The RiskRegistry's cached exposure predates the change: the keeper refreshes it. */
  staleExposure: boolean;
};

/**
 * Delegators that must get no new stake: retired ones, and those EigenLayer no longer shows delegated to their
 * operator (the operator undelegated Trellis: everything it held was queued, and phase 2 completes those
 * withdrawals into idle once matured). The vault refuses an allocation to either; the keeper does not try.
 */
export function strandedDelegators(state: KeeperState): StrandedDelegator[] {
  const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
  return state.delegators
    .filter((d) => d.retired || !same(d.delegatedTo, d.operator))
    .map((d) => ({
      delegator: d.address,
      operator: d.operator,
      delegatedTo: d.delegatedTo,
      reason: d.retired ? ("retired" as const) : ("forcedUndelegation" as const),
      staleExposure: !same(d.cachedDelegatedTo, d.delegatedTo),
    }));
}

/** Retired delegators that hold nothing any more (no position, nothing queued): the keeper removes them. */
export function removableDelegators(state: KeeperState): Address[] {
  return state.delegators
    .filter((d) => d.retired && d.positions.every((p) => p.depositShares === 0n) && !state.queued.some((q) => q.delegator === d.address))
    .map((d) => d.address);
}

export type RefreshDecision = { kind: "none" } | { kind: "round" } | { kind: "delegators"; delegators: Address[] };

/** Cached and true holdings may differ by a few wei of stETH share rounding without anything having happened. */
const HOLDING_TOLERANCE = 100n;

/** Delegators whose holdings moved without the vault seeing it (a slash): the books overstate them. */
export function staleDelegators(state: KeeperState): Address[] {
  return state.delegators
    .filter((d) => d.holding.some((h, i) => {
      const c = d.cached[i] ?? 0n;
      return h > c + HOLDING_TOLERANCE || c > h + HOLDING_TOLERANCE;
    }))
    .map((d) => d.address);
}

/**
 * How to refresh the vault's cached holdings this cycle: a full round when the last one is older than
 * `intervalSeconds` (deposits stop once it is older than `maxMeasurementAge`) or when more delegators are stale
 * than one batch refreshes; otherwise `refreshDelegator` for each stale one (books a slash at once); else nothing,
 * so an idle keeper sends nothing.
 */
export function refreshDecision(state: KeeperState, p: { intervalSeconds: bigint; batch: number }): RefreshDecision {
  if (state.timestamp - state.lastFullRefresh >= p.intervalSeconds) return { kind: "round" };
  // The queue pays a request only after a full round that started once it had matured (a slash while it waited
  // is then booked): a matured request newer than the last round calls for one.
  if (state.queue.pending.some((r) => r.payableFrom <= state.timestamp && r.payableFrom > state.lastFullRefresh)) return { kind: "round" };
  const stale = staleDelegators(state);
  if (stale.length > p.batch) return { kind: "round" };
  return stale.length ? { kind: "delegators", delegators: stale } : { kind: "none" };
}
