// The RiskRegistry's exposure measurement (contracts/libraries/ExposureLib.sol), mirrored from the one chain
// read: per delegator, what `RiskRegistry.refresh` would store now, next to what its cache holds. The cache
// feeds the aggregates `Vault.allocate` checks against the caps (per operator set, per AVS, total slashable);
// only the delegator an allocation touches is re-measured there, so a cache that is higher than the live value
// (an operator deallocated, a withdrawal completed, a slash, a price drop since its refresh) makes the chain
// refuse a move the strategy engine planned, on live values, up to a cap.
import { getAddress, zeroAddress, type Address } from "viem";
import type { AllocationRead, CachedExposure, DelegatorRead, OperatorSet } from "./chainReads.js";
import type { ChainReads } from "./chainSnapshot.js";
import { underlyingKey } from "./chainReads.js";

const WAD = 10n ** 18n;
const lc = (a: string) => a.toLowerCase();
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** One delegator's stake grouped by the operator that can slash it (ExposureLib's `Group`). */
export type ExposureGroup = { operator: Address; shares: bigint[] };

/**
 * As `ExposureLib._groupShares`: withdrawable shares belong to the current delegation (`delegatedTo`); each
 * queued withdrawal's shares to the operator it was queued under (merged into the first group with that
 * operator). Shares per strategy in `strategies`' order; a strategy Trellis does not hold is left out.
 */
export function exposureGroupsOf(
  strategies: readonly Address[],
  d: Pick<DelegatorRead, "delegatedTo" | "withdrawals" | "withdrawalShares">,
  withdrawable: readonly bigint[],
): ExposureGroup[] {
  const groups: ExposureGroup[] = [{ operator: d.delegatedTo, shares: strategies.map((_, i) => withdrawable[i] ?? 0n) }];
  d.withdrawals.forEach((w, q) => {
    let g = groups.find((x) => lc(x.operator) === lc(w.delegatedTo));
    if (!g) groups.push((g = { operator: getAddress(w.delegatedTo), shares: strategies.map(() => 0n) }));
    const group = g;
    w.strategies.forEach((s, k) => {
      const i = strategies.findIndex((x) => lc(x) === lc(s));
      if (i >= 0) group.shares[i]! += d.withdrawalShares[q]?.[k] ?? 0n;
    });
  });
  return groups;
}

/** What `RiskRegistry.refresh` would store for a delegator (ETH, wei). */
export type MeasuredExposure = {
  stake: bigint;
  slashable: bigint;
  /** An operator of the delegator has more sets than the policy's bound: the cached per-set entries stay. */
  beyondSetBound: boolean;
  sets: { avs: Address; id: number; value: bigint }[];
};

export type DelegatorExposure = {
  delegator: Address;
  /** The RiskRegistry's cache (`delegatorExposure`). */
  cached: CachedExposure & { beyondSetBound: boolean };
  /** Measured from this read as the RiskRegistry would now; null when it cannot be (`unmeasurable` says why). */
  live: MeasuredExposure | null;
  unmeasurable?: string | undefined;
};

type OperatorExposureRead = { operator: Address; sets: OperatorSet[]; maxMagnitudes: readonly bigint[]; encumbered: (bigint | null)[]; allocations: AllocationRead[] };

/** Every delegator's cached and live exposure (see `measureExposure`). */
export function exposureOf(r: ChainReads): DelegatorExposure[] {
  const operators = new Map<string, OperatorExposureRead>();
  r.holdings.operators.forEach((o, i) => operators.set(lc(o.operator), { ...o, allocations: r.allocations.allocations[i]! }));
  r.holdings.formerOperators.forEach((o, i) => operators.set(lc(o.operator), { ...o, allocations: r.allocations.formerAllocations[i]! }));
  const strategies = r.items.assets.map((a) => a.strategy);
  return r.items.delegators.map((d, j): DelegatorExposure => {
    const cached = { ...d.cachedExposure, beyondSetBound: d.beyondSetBound };
    const groups = exposureGroupsOf(strategies, d, r.holdings.holdings[j]!.withdrawable);
    try {
      return { delegator: d.address, cached, live: measureExposure(r, groups, operators) };
    } catch (e) {
      return { delegator: d.address, cached, live: null, unmeasurable: (e as Error).message };
    }
  });
}

/**
 * `ExposureLib.measure` over the read: per group, ETH value per strategy (underlying x price, rounded down);
 * slashable = Σ value x min(encumbered, max) / max; per allocated set of the group's operator (within the
 * policy's bound), Σ value x min(current + pending increase, max) / max; each rounded up, zero sets left out.
 */
function measureExposure(r: ChainReads, groups: ExposureGroup[], operators: Map<string, OperatorExposureRead>): MeasuredExposure {
  const assets = r.items.assets;
  const maxSets = r.lists.policy.maxOperatorSets;
  const out: MeasuredExposure = { stake: 0n, slashable: 0n, beyondSetBound: false, sets: [] };
  for (const g of groups) {
    const values = g.shares.map((shares, s) => {
      if (shares === 0n) return 0n;
      const a = assets[s]!;
      // The RiskRegistry reads the AssetRegistry's price, which reverts here: so would its refresh.
      if (a.priceError !== undefined) throw new Error(`no price for ${a.asset}: ${a.priceError}`);
      const units = r.allocations.underlying.get(underlyingKey(a.strategy, shares));
      if (units === undefined) throw new Error(`no underlying read for ${shares} shares of ${a.strategy}`);
      return (units * a.price) / WAD;
    });
    const total = values.reduce((x, v) => x + v, 0n);
    out.stake += total;
    if (g.operator === zeroAddress || total === 0n) continue;
    const o = operators.get(lc(g.operator));
    if (!o) throw new Error(`operator ${g.operator} not read`);
    const maxOf = (s: number) => BigInt(o.maxMagnitudes[s] ?? 0n);
    values.forEach((v, s) => {
      const max = maxOf(s);
      if (v === 0n || max === 0n) return;
      out.slashable += ceilDiv(v * min(o.encumbered[s] ?? max, max), max);
    });
    if (o.sets.length > maxSets) {
      out.beyondSetBound = true;
      continue;
    }
    for (const set of o.sets) {
      let e = 0n;
      values.forEach((v, s) => {
        const max = maxOf(s);
        if (v === 0n || max === 0n) return;
        const a = o.allocations.find((x) => lc(x.set.avs) === lc(set.avs) && x.set.id === set.id && lc(x.strategy) === lc(assets[s]!.strategy));
        if (!a) throw new Error(`no allocation read for ${g.operator} in ${set.avs}/${set.id}`);
        const mag = a.currentMagnitude + (a.pendingDiff > 0n ? a.pendingDiff : 0n);
        e += ceilDiv(v * min(mag, max), max);
      });
      if (e > 0n) out.sets.push({ avs: set.avs, id: set.id, value: e });
    }
  }
  // A bound breach keeps the cached per-set entries (RiskRegistry._store): nothing of the sets is stored.
  if (out.beyondSetBound) out.sets = [];
  return out;
}

const setKey = (avs: string, id: number) => `${lc(avs)}/${id}`;

/** Per set (and AVS, which sums the same entries) the cached value minus the live one, positive where the cache is higher. */
function sumBySet(sets: readonly { avs: Address; id: number; value: bigint }[]): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const e of sets) m.set(setKey(e.avs, e.id), (m.get(setKey(e.avs, e.id)) ?? 0n) + e.value);
  return m;
}

/**
 * How far a delegator's cache is above what a refresh would store: the largest of (cached - live) over its
 * slashable total and, unless a set-bound breach keeps the cached sets, each operator set (an AVS's aggregate
 * sums the same entries). 0 when the cache is nowhere higher. Only a higher cache can make the chain refuse a
 * move the engine planned on live values; a lower one makes it accept more than the engine plans.
 */
export function cacheExcess(e: DelegatorExposure): bigint {
  if (!e.live) return 0n;
  let excess = e.cached.slashable - e.live.slashable;
  if (!e.live.beyondSetBound) {
    const cached = sumBySet(e.cached.sets);
    const live = sumBySet(e.live.sets);
    for (const [k, v] of cached) {
      const d = v - (live.get(k) ?? 0n);
      if (d > excess) excess = d;
    }
  }
  return excess > 0n ? excess : 0n;
}

/** The cache equals what a refresh would store now (stake, slashable, flag and every set's value). */
export function cacheMatches(e: DelegatorExposure): boolean {
  if (!e.live) return false;
  const { cached, live } = e;
  if (cached.stake !== live.stake || cached.slashable !== live.slashable || cached.beyondSetBound !== live.beyondSetBound) return false;
  if (live.beyondSetBound) return true;
  const a = sumBySet(cached.sets);
  const b = sumBySet(live.sets);
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
