// Pure decisions of the keeper from a chain state read (no RPC, no clock).
import type { Address } from "viem";
import type { AssetInfo, KeeperState, QueuedWithdrawal } from "./readState.js";

/** Queued EigenLayer withdrawals of Trellis' delegators that can be completed in the current block. */
export function maturedWithdrawals(state: KeeperState): QueuedWithdrawal[] {
  return state.queued.filter((q) => state.blockNumber >= q.completableBlock);
}

export const assetOfStrategy = (state: KeeperState, strategy: Address): AssetInfo | undefined =>
  state.assets.find((a) => a.strategy.toLowerCase() === strategy.toLowerCase());

export type Shortfall = {
  asset: Address;
  symbol: string;
  strategy: Address;
  /** Units the unfinalized requests of this asset need. */
  need: bigint;
  idle: bigint;
  /** Units already on their way back: every queued EigenLayer withdrawal of the asset's strategy. */
  inFlight: bigint;
  /** need - idle - inFlight, with a small margin for rounding, or 0. */
  shortfall: bigint;
};

/**
 * What the withdrawal queue needs per asset beyond the idle buffer and what is already queued on EigenLayer.
 * Counting the queued withdrawals (read from chain) is what keeps the keeper from queueing twice for one need.
 */
export function withdrawalShortfalls(state: KeeperState): Shortfall[] {
  return state.assets.map((a) => {
    const need = state.queue.pending.filter((p) => p.asset === a.asset).reduce((s, p) => s + p.amount, 0n);
    const idle = state.idle.get(a.asset) ?? 0n;
    const inFlight = state.queued.reduce(
      (s, q) => s + q.withdrawal.strategies.reduce((t, st, k) => (st === a.strategy ? t + q.underlying[k]! : t), 0n),
      0n,
    );
    const gap = need - idle - inFlight;
    // Margin: LST share rounding (stETH 1-2 wei) and strategy share conversions round against us.
    const shortfall = gap > 0n ? gap + gap / 10_000n + 1_000n : 0n;
    return { asset: a.asset, symbol: a.symbol, strategy: a.strategy, need, idle, inFlight, shortfall };
  });
}

/** Idle units per asset owed to unfinalized requests: the planner must not allocate them. */
export function reservedForQueue(state: KeeperState): Map<Address, bigint> {
  const out = new Map<Address, bigint>();
  for (const s of withdrawalShortfalls(state)) out.set(s.asset, s.need < s.idle ? s.need : s.idle);
  return out;
}

export type WithdrawalPick = { delegator: Address; asset: Address; strategy: Address; amount: bigint; withdrawableShares: bigint; depositShares: bigint };

/**
 * Which delegators withdraw for a shortfall, and how much each. The split is a function of the need and of
 * each delegator's holding counted with what it already has in flight (largest first), so it comes out the
 * same whether computed once or again after a crash halfway through queueing: a restart queues exactly the
 * part not yet queued.
 */
export function pickWithdrawals(state: KeeperState, shortfall: Shortfall): WithdrawalPick[] {
  const gap = shortfall.need - shortfall.idle;
  if (gap <= 0n || shortfall.shortfall === 0n) return [];
  // Margin: LST share rounding (stETH 1-2 wei) and strategy share conversions round against us.
  let left = gap + gap / 10_000n + 1_000n;
  const inFlightOf = (delegator: Address) =>
    state.queued
      .filter((q) => q.delegator === delegator)
      .reduce((s, q) => s + q.withdrawal.strategies.reduce((t, st, k) => (st === shortfall.strategy ? t + q.underlying[k]! : t), 0n), 0n);
  const holders = state.delegators
    .map((d) => {
      const p = d.positions.find((x) => x.strategy === shortfall.strategy);
      const inFlight = inFlightOf(d.address);
      return { d, p, inFlight, total: (p?.underlying ?? 0n) + inFlight };
    })
    .filter((x) => x.total > 0n)
    .sort((a, b) => (b.total > a.total ? 1 : b.total < a.total ? -1 : a.d.address < b.d.address ? -1 : 1));
  const picks: WithdrawalPick[] = [];
  for (const h of holders) {
    if (left <= 0n) break;
    const share = left < h.total ? left : h.total;
    left -= share;
    const toQueue = share - h.inFlight;
    if (toQueue <= 0n || !h.p || h.p.underlying === 0n) continue;
    const amount = toQueue < h.p.underlying ? toQueue : h.p.underlying;
    picks.push({ delegator: h.d.address, asset: shortfall.asset, strategy: shortfall.strategy, amount, withdrawableShares: h.p.withdrawableShares, depositShares: h.p.depositShares });
  }
  return picks;
}

/**
 * Deposit shares to queue for `amount` underlying: withdrawable shares for the amount (rounded up), scaled
 * by deposit/withdrawable shares (they differ once the operator was slashed), capped at what is held.
 */
export function depositSharesFor(pick: WithdrawalPick, withdrawableSharesForAmount: bigint): bigint {
  if (pick.withdrawableShares === 0n) return 0n;
  const ds = (withdrawableSharesForAmount * pick.depositShares + pick.withdrawableShares - 1n) / pick.withdrawableShares;
  return ds > pick.depositShares ? pick.depositShares : ds;
}

/** Whether the head of the queue can be finalized from idle now. */
export function canFinalize(state: KeeperState): boolean {
  const head = state.queue.pending[0];
  return head !== undefined && head.amount <= (state.idle.get(head.asset) ?? 0n);
}

/** Sync when the measurement differs: at once for a loss (slashing), at most every `minIntervalSeconds` for a gain. */
export function shouldSync(state: KeeperState, minIntervalSeconds: number): boolean {
  if (state.measuredTotalAssets < state.totalAssets) return true;
  if (state.measuredTotalAssets === state.totalAssets) return false;
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
