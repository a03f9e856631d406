// Pure decisions of the keeper about redemptions (ERC-7540 requests of the withdrawal queue), from a chain state
// read: which requests to finalize, what each asset still needs from EigenLayer, and how much idle is owed to
// the queue. No RPC, no clock: `state.timestamp` is the block's.
import type { Address } from "viem";
import type { KeeperState, PendingRequest } from "./readState.js";

/** The queue pays a request short of idle by at most this (rounding), as `WithdrawalQueue.MAX_DUST`. */
export const MAX_DUST = 10n ** 9n;

/** Margin on what is queued from EigenLayer: LST share rounding (stETH 1-2 wei) and share conversions round against us. */
const withMargin = (gap: bigint) => gap + gap / 10_000n + 1_000n;

const byId = (a: PendingRequest, b: PendingRequest) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Requests whose `minRedeemDelay` has passed at the state's block. */
export function maturedRequests(state: KeeperState): PendingRequest[] {
  return state.queue.pending.filter((p) => p.payableFrom <= state.timestamp).sort(byId);
}

/**
 * The ids `finalize(ids)` will pay now, oldest first: every matured request its asset's idle balance covers,
 * counting what the earlier ones in the list take. A request idle cannot pay is left out and blocks nobody:
 * later requests (in its asset or another) are still picked if they fit.
 */
export function finalizableIds(state: KeeperState): bigint[] {
  const idle = new Map(state.idle);
  const ids: bigint[] = [];
  for (const r of maturedRequests(state)) {
    const left = idle.get(r.asset) ?? 0n;
    if (r.amount === 0n) continue;
    if (r.amount > left + MAX_DUST) continue;
    idle.set(r.asset, r.amount > left ? 0n : left - r.amount);
    ids.push(r.id);
  }
  return ids;
}

export type Shortfall = {
  asset: Address;
  symbol: string;
  strategy: Address;
  /** Units the pending requests of this asset need (matured or maturing: each matures within `minRedeemDelay`). */
  need: bigint;
  idle: bigint;
  /** Units already on their way back: every queued EigenLayer withdrawal of the asset's strategy. */
  inFlight: bigint;
  /** Units still restaked in the asset's strategy, over all delegators. */
  restaked: bigint;
  /** need - idle - inFlight, with a small margin for rounding, or 0. */
  shortfall: bigint;
};

const inFlightIn = (state: KeeperState, strategy: Address, delegator?: Address) =>
  state.queued
    .filter((q) => delegator === undefined || q.delegator === delegator)
    .reduce((s, q) => s + q.withdrawal.strategies.reduce((t, st, k) => (st === strategy ? t + q.underlying[k]! : t), 0n), 0n);

/**
 * What each asset's pending requests need beyond its idle balance and what is already queued on EigenLayer.
 * Every pending request counts, not only the matured ones: `minRedeemDelay` is at least EigenLayer's withdrawal
 * delay, so stake queued when a request is made is back by the time the request matures. Counting the queued
 * withdrawals (read from chain) is what keeps the keeper from queueing twice for one need.
 */
export function redemptionShortfalls(state: KeeperState): Shortfall[] {
  return state.assets.map((a) => {
    const need = state.queue.pending.filter((p) => p.asset === a.asset).reduce((s, p) => s + p.amount, 0n);
    const idle = state.idle.get(a.asset) ?? 0n;
    const inFlight = inFlightIn(state, a.strategy);
    const restaked = state.delegators.reduce((t, d) => t + (d.positions.find((p) => p.strategy === a.strategy)?.underlying ?? 0n), 0n);
    const gap = need - idle - inFlight;
    return { asset: a.asset, symbol: a.symbol, strategy: a.strategy, need, idle, inFlight, restaked, shortfall: gap > 0n ? withMargin(gap) : 0n };
  });
}

/** Idle units per asset owed to pending requests: the planner must not allocate them. */
export function reservedForQueue(state: KeeperState): Map<Address, bigint> {
  const out = new Map<Address, bigint>();
  for (const s of redemptionShortfalls(state)) out.set(s.asset, s.need < s.idle ? s.need : s.idle);
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
  let left = withMargin(gap);
  const holders = state.delegators
    .map((d) => {
      const p = d.positions.find((x) => x.strategy === shortfall.strategy);
      const inFlight = inFlightIn(state, shortfall.strategy, d.address);
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

/** How many `refresh(batch)` calls one full round over `delegators` takes. */
export function refreshCalls(delegators: number, batch: number): number {
  if (batch <= 0) throw new RangeError(`refresh batch must be positive, got ${batch}`);
  return Math.max(1, Math.ceil(delegators / batch));
}
