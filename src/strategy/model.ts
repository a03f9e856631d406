// Normalises a Snapshot + AVS data + params into float ETH arrays that the risk model, the LP and
// the verifier all read. Wei becomes ETH, magnitudes become fractions, everything is sorted so the
// same input always gives the same instance.
import { operatorSetKey } from "./avsData.js";
import { MissingAvsDataError, SnapshotError } from "./errors.js";
import { buildTailScenarios, type TailScenario } from "./tailRisk.js";
import {
  DEFAULT_ENGINE_PARAMS,
  type Address,
  type AvsData,
  type AvsOperatorSetData,
  type EngineParams,
  type RobustnessMode,
  type Snapshot,
  type SnapshotWithdrawal,
} from "./types.js";

/** The robustness mode of an instance (params read from JSON may lack the field: the default). */
export const robustnessMode = (inst: { params: EngineParams }): RobustnessMode =>
  inst.params.robustness ?? DEFAULT_ENGINE_PARAMS.robustness;

export const weiToEth = (wei: bigint): number => Number(wei) / 1e18;
export const bpsOf = (bps: number, eth: number): number => (bps / 10_000) * eth;

/** One (operator, strategy) pair: Trellis' stake through the operator's delegator in one strategy. */
export interface Position {
  operator: Address;
  operatorIndex: number;
  delegator: Address;
  strategy: Address;
  strategyIndex: number;
  /** Active (withdrawable) stake, ETH. */
  active: number;
  /** Queued stake that is not yet completable (still slashable), ETH. */
  queued: number;
  /** Allocated magnitude / max magnitude per operator set; `net`: the part of it that pays
   *  depositors (fraction x (1 - operator commission), 0 when the reward token is not restaked). */
  sets: { set: number; fraction: number; net: number }[];
  /** Sum of the fractions above (<= 1), plus `reachable`: the slashable share of this stake in
   *  the worst case. */
  slashableFraction: number;
  /**
   * Magnitude fraction the operator could still allocate to any one of its sets before Trellis
   * could leave (its allocation delay is shorter than the withdrawal delay): 1 - committed
   * fractions; 0 when it cannot (delay at least the withdrawal delay, none set, or not read).
   */
  reachable: number;
  /** Operator policy: may not receive new stake (allocation delay below the configured minimum). */
  policyBlocked: boolean;
  /** Undiluted AVS reward APR of this stake to depositors: sum over sets of net fraction x APR. */
  rewardApr: number;
  /** Expected slashing loss per year per ETH of this stake: sum over sets of fraction x p x sev. */
  slashingRate: number;
  /** May this position receive new stake (allowlisted operator)? */
  allowed: boolean;
}

export interface OperatorSetInfo {
  key: string;
  avs: Address;
  avsIndex: number;
  operatorSetId: number;
  data: AvsOperatorSetData | null;
  rewardApr: number;
  /** Is the reward paid in a token the vault restakes (depositors' yield)? */
  restaked: boolean;
  slashingProbability: number;
  slashingSeverity: number;
  /** Slashed stake goes to a recipient (AllocationManager.isRedistributingOperatorSet). */
  redistributing: boolean;
  /** Total stake allocated to the set by everyone (snapshot), ETH. */
  totalStake: number;
  /** Trellis' exposure now (active + queued), ETH. */
  trellisNow: number;
  /** Everyone else's stake: totalStake - trellisNow (>= 0), ETH. */
  others: number;
  /** (1 + gamma) x PfC / threshold, ETH (Infinity when the set has no data). */
  robustnessBound: number;
  /** others + Trellis' active exposure >= robustnessBound in the snapshot. */
  robustNow: boolean;
  capEth: number;
  clusters: number[];
}

export interface MaturedWithdrawal extends SnapshotWithdrawal {
  delegator: Address;
  operator: Address;
  strategyIndex: number;
}

export interface Instance {
  tvl: number;
  buffer: number;
  /** Idle buffer per strategy, ETH. */
  idle: number[];
  /** Completable withdrawals per strategy, ETH: liquid once completed in this plan. */
  matured: number[];
  maturedWithdrawals: MaturedWithdrawal[];
  strategies: { address: Address; symbol: string; ethPerAssetWad: bigint }[];
  operators: { address: Address; delegator: Address | null; allowed: boolean }[];
  /** Positions of each operator (indices into `positions`). */
  operatorPositions: number[][];
  positions: Position[];
  sets: OperatorSetInfo[];
  avs: { address: Address; capEth: number; sets: number[] }[];
  clusters: { tag: string; sets: number[] }[];
  /** Correlated slashing scenarios for the CVaR term (tailRisk.ts). */
  scenarios: TailScenario[];
  /** Operator sets missing from the AVS data file (modelled with the explicit defaults). */
  missingSets: string[];
  /** Stake Trellis may deploy in the steady state: active stake + buffer above the minimum, ETH. */
  deployable: number;
  limits: {
    operatorCapEth: number;
    totalSlashableCapEth: number;
    minBufferEth: number;
    scenarioLossEth: number;
    turnoverEth: number;
  };
  params: EngineParams;
}

const lc = (a: string) => a.toLowerCase() as Address;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildInstance(snapshot: Snapshot, avsData: AvsData, params: EngineParams): Instance {
  const tvl = weiToEth(snapshot.vault.totalAssets);
  const strategies = [...snapshot.strategies]
    .map((s) => ({ address: lc(s.address), symbol: s.symbol, ethPerAssetWad: s.ethPerAssetWad }))
    .sort((a, b) => cmp(a.address, b.address));
  const strategyIndex = new Map<string, number>(strategies.map((s, i) => [s.address, i]));
  const sIdx = (a: string, where: string | (() => string)): number => {
    const i = strategyIndex.get(a) ?? strategyIndex.get(lc(a));
    if (i === undefined) throw new SnapshotError(`Unknown strategy ${a} in ${typeof where === "string" ? where : where()}`);
    return i;
  };

  const idle = strategies.map(() => 0);
  for (const b of snapshot.vault.idle) idle[sIdx(b.strategy, "vault.idle")]! += weiToEth(b.ethValue);

  const allow = new Set(snapshot.limits.operatorAllowlist.map(lc));
  const delegatorOf = new Map<Address, Address>();
  for (const d of snapshot.delegators) {
    if (delegatorOf.has(lc(d.operator))) throw new SnapshotError(`Two delegators for operator ${d.operator}`);
    delegatorOf.set(lc(d.operator), lc(d.address));
  }
  const operatorAddrs = [
    ...new Set([...snapshot.operators.map((o) => lc(o.address)), ...delegatorOf.keys(), ...allow]),
  ].sort(cmp);
  const operators = operatorAddrs.map((address) => ({
    address,
    delegator: delegatorOf.get(address) ?? null,
    allowed: allow.has(address) && delegatorOf.has(address),
  }));
  const operatorIndex = new Map<string, number>(operatorAddrs.map((a, i) => [a, i]));

  // Operator sets: every set in the snapshot or allocated to by an operator.
  const dataByKey = new Map(avsData.operatorSets.map((s) => [operatorSetKey(s.avs, s.operatorSetId), s]));
  const redistributingKeys = new Set(
    snapshot.operatorSets.filter((s) => s.redistributing && !s.redistributionAllowed).map((s) => operatorSetKey(s.avs, s.operatorSetId)),
  );
  const totalByKey = new Map(
    snapshot.operatorSets.map((s) => [operatorSetKey(s.avs, s.operatorSetId), weiToEth(s.totalAllocatedStake)]),
  );
  const setKeys = new Set(totalByKey.keys());
  const committed = (a: { allocatedMagnitude: bigint; pendingMagnitude?: bigint | undefined }) =>
    a.pendingMagnitude !== undefined && a.pendingMagnitude > a.allocatedMagnitude ? a.pendingMagnitude : a.allocatedMagnitude;
  for (const o of snapshot.operators)
    for (const a of o.allocations) if (committed(a) > 0n) setKeys.add(operatorSetKey(a.avs, a.operatorSetId));
  const sortedKeys = [...setKeys].sort((a, b) => {
    const [aa, ai] = a.split("/") as [string, string];
    const [ba, bi] = b.split("/") as [string, string];
    return cmp(aa, ba) || Number(ai) - Number(bi);
  });
  const avsAddrs = [...new Set(sortedKeys.map((k) => k.split("/")[0] as Address))].sort(cmp);
  const avsIndex = new Map(avsAddrs.map((a, i) => [a, i]));
  const avsCapOverride = new Map(snapshot.limits.avsCapBps.map((c) => [lc(c.avs), c.capBps]));
  const setCapOverride = new Map(
    snapshot.limits.operatorSetCapBps.map((c) => [operatorSetKey(c.avs, c.operatorSetId), c.capBps]),
  );
  const clusterTags = [...new Set(avsData.operatorSets.flatMap((s) => s.clusters))].sort(cmp);
  const clusterIndex = new Map(clusterTags.map((t, i) => [t, i]));
  const { gamma } = params;
  const restakedTokens = new Set(snapshot.strategies.map((s) => lc(s.asset)));
  const missingSets = sortedKeys.filter((k) => !dataByKey.has(k));
  if (missingSets.length && (params.missingSets ?? DEFAULT_ENGINE_PARAMS.missingSets) === "error")
    throw new MissingAvsDataError(missingSets);
  const sets: OperatorSetInfo[] = sortedKeys.map((key) => {
    const [avs, id] = key.split("/") as [Address, string];
    const data = dataByKey.get(key) ?? null;
    const bound = data ? ((1 + gamma) * data.profitFromCorruptionEth) / data.corruptionThreshold : Infinity;
    const totalStake = totalByKey.get(key) ?? 0;
    return {
      key,
      avs,
      avsIndex: avsIndex.get(avs)!,
      operatorSetId: Number(id),
      data,
      rewardApr: data?.rewardApr ?? 0,
      restaked: !data?.rewardToken || restakedTokens.has(lc(data.rewardToken)),
      redistributing: redistributingKeys.has(key),
      slashingProbability: data?.slashingProbability ?? params.unknownSetSlashingProbability,
      slashingSeverity: data?.slashingSeverity ?? 1,
      totalStake,
      trellisNow: 0,
      others: 0,
      robustnessBound: bound,
      robustNow: totalStake >= bound,
      capEth: bpsOf(setCapOverride.get(key) ?? snapshot.limits.defaultOperatorSetCapBps, tvl),
      clusters: (data?.clusters ?? []).map((t) => clusterIndex.get(t)!),
    };
  });
  const setIndex = new Map(sets.map((s, i) => [s.key, i]));
  const setIndexCache = new Map<string, Map<number, number>>();
  const setIndexOf = (avs: string, id: number): number => {
    let byId = setIndexCache.get(avs);
    if (!byId) setIndexCache.set(avs, (byId = new Map()));
    let k = byId.get(id);
    if (k === undefined) byId.set(id, (k = setIndex.get(operatorSetKey(avs, id))!));
    return k;
  };

  // Per operator and strategy (key: operator index x strategies + strategy index): fraction of
  // delegated stake allocated to each set.
  const nS = strategies.length;
  const pairKey = (operator: string, strategy: string, where: string) =>
    (operatorIndex.get(operator) ?? operatorIndex.get(lc(operator)))! * nS + sIdx(strategy, where);
  const fractions = new Map<number, { set: number; fraction: number; net: number }[]>();
  const defaultSplit = params.defaultOperatorSplitBps ?? DEFAULT_ENGINE_PARAMS.defaultOperatorSplitBps;
  for (const o of snapshot.operators) {
    const splits = new Map((o.splits ?? []).map((x) => [operatorSetKey(x.avs, x.operatorSetId), x]));
    /** The share of the set's rewards that reaches the staker: 1 - the operator's split. */
    const keep = (k: number): number => {
      const s = sets[k]!;
      if (!s.restaked) return 0;
      const x = splits.get(s.key);
      const bps = (s.data?.distribution === "operatorSet" ? x?.operatorSetSplitBps : x?.avsSplitBps) ?? defaultSplit;
      return 1 - Math.min(10_000, Math.max(0, bps)) / 10_000;
    };
    const max = new Map(o.maxMagnitudes.map((m) => [sIdx(m.strategy, () => `operator ${o.address}`), m.maxMagnitude]));
    for (const a of o.allocations) {
      const c = committed(a);
      if (c <= 0n) continue;
      const k = pairKey(o.address, a.strategy, "allocations");
      const m = max.get(k % nS) ?? 0n;
      if (m <= 0n) continue;
      // Both are < 2^64 and WAD-scaled: the float ratio is exact to ~1e-16. Risk counts the
      // committed magnitude (a pending increase lands whatever Trellis does); reward the current.
      const fraction = Number(c) / Number(m);
      const list = fractions.get(k) ?? [];
      const set = setIndexOf(a.avs, a.operatorSetId);
      list.push({ set, fraction, net: (Number(a.allocatedMagnitude) / Number(m)) * keep(set) });
      fractions.set(k, list);
    }
  }

  const stakeByKey = new Map<number, { active: number; queued: number }>();
  const stakeAt = (k: number) => {
    let e = stakeByKey.get(k);
    if (!e) stakeByKey.set(k, (e = { active: 0, queued: 0 }));
    return e;
  };
  const matured = strategies.map(() => 0);
  const maturedWithdrawals: MaturedWithdrawal[] = [];
  for (const d of snapshot.delegators) {
    const queuedSum = new Map<number, bigint>();
    for (const w of d.withdrawals) {
      const si = sIdx(w.strategy, () => `withdrawal ${w.withdrawalRoot}`);
      queuedSum.set(si, (queuedSum.get(si) ?? 0n) + w.ethValue);
    }
    for (const st of d.stake) {
      const si = sIdx(st.strategy, () => `delegator ${d.address}`);
      if ((queuedSum.get(si) ?? 0n) !== st.queued)
        throw new SnapshotError(`Delegator ${d.address}: queued ${st.queued} != sum of withdrawals in ${st.strategy}`);
      queuedSum.delete(si);
      stakeAt(pairKey(d.operator, st.strategy, "delegator")).active += weiToEth(st.active);
    }
    for (const [si, v] of queuedSum)
      if (v !== 0n) throw new SnapshotError(`Delegator ${d.address}: withdrawals in ${strategies[si]!.address} without a stake entry`);
    for (const w of d.withdrawals) {
      const si = sIdx(w.strategy, "withdrawal");
      if (w.completableBlock <= snapshot.blockNumber) {
        matured[si]! += weiToEth(w.ethValue);
        maturedWithdrawals.push({ ...w, strategy: lc(w.strategy), delegator: lc(d.address), operator: lc(d.operator), strategyIndex: si });
      } else stakeAt(pairKey(d.operator, w.strategy, "withdrawal")).queued += weiToEth(w.ethValue);
    }
  }
  maturedWithdrawals.sort((a, b) => cmp(a.delegator, b.delegator) || cmp(a.withdrawalRoot, b.withdrawalRoot));

  // Allocation delays: an operator that can allocate faster than Trellis can leave may put its
  // unallocated magnitude on any of its sets; one below the policy minimum gets no new stake.
  const delayOf = new Map(snapshot.operators.map((o) => [lc(o.address), o.allocationDelayBlocks]));
  // The chain's policy, when the snapshot carries it, wins over the config's mirror of it.
  const minDelay = snapshot.limits.minAllocationDelayBlocks ?? params.minAllocationDelayBlocks ?? DEFAULT_ENGINE_PARAMS.minAllocationDelayBlocks;
  const refused = new Set(snapshot.operators.filter((o) => o.newStakeRefused).map((o) => lc(o.address)));
  const worstCase = params.worstCaseAllocations ?? DEFAULT_ENGINE_PARAMS.worstCaseAllocations;
  const canOutrun = (op: Address) => {
    const d = delayOf.get(op);
    if (!worstCase) return false;
    return typeof d === "number" && BigInt(d) < snapshot.withdrawalDelayBlocks;
  };
  const belowPolicy = (op: Address) => {
    if (refused.has(op)) return true;
    const d = delayOf.get(op);
    return typeof d === "number" && d < minDelay;
  };
  const positions: Position[] = [];
  const operatorPositions: number[][] = operators.map(() => []);
  operators.forEach((op, oi) => {
    if (!op.delegator) return;
    strategies.forEach((s, si) => {
      const st = stakeByKey.get(oi * nS + si) ?? { active: 0, queued: 0 };
      let fr = (fractions.get(oi * nS + si) ?? []).sort((a, b) => a.set - b.set);
      let total = fr.reduce((x, f) => x + f.fraction, 0);
      if (total > 1) {
        fr = fr.map((f) => ({ set: f.set, fraction: f.fraction / total, net: f.net / total }));
        total = 1;
      }
      if (!op.allowed && st.active === 0 && st.queued === 0) return;
      const reachable = canOutrun(op.address) && fr.length ? Math.max(0, 1 - total) : 0;
      operatorPositions[oi]!.push(positions.length);
      positions.push({
        operator: op.address,
        operatorIndex: oi,
        delegator: op.delegator!,
        strategy: s.address,
        strategyIndex: si,
        active: st.active,
        queued: st.queued,
        sets: fr,
        slashableFraction: Math.min(1, total + reachable),
        reachable,
        policyBlocked: belowPolicy(op.address),
        rewardApr: fr.reduce((x, f) => x + f.net * sets[f.set]!.rewardApr, 0),
        slashingRate: fr.reduce((x, f) => x + f.fraction * sets[f.set]!.slashingProbability * sets[f.set]!.slashingSeverity, 0),
        allowed: op.allowed,
      });
    });
  });
  const trellisActive = sets.map(() => 0);
  for (const p of positions)
    for (const f of p.sets) {
      sets[f.set]!.trellisNow += f.fraction * (p.active + p.queued);
      trellisActive[f.set]! += f.fraction * p.active;
    }
  sets.forEach((s, k) => {
    // A set missing from the snapshot's list: its total is at least what Trellis has in it.
    if (!totalByKey.has(s.key)) s.totalStake = s.trellisNow;
    s.others = Math.max(0, s.totalStake - s.trellisNow);
    // Robust "now" means robust once Trellis' queued stake has left, with no move: then keeping
    // the set robust never forces an increase.
    s.robustNow = s.others + trellisActive[k]! >= s.robustnessBound;
  });

  const avs = avsAddrs.map((address) => ({
    address,
    capEth: bpsOf(avsCapOverride.get(address) ?? snapshot.limits.defaultAvsCapBps, tvl),
    sets: sets.flatMap((s, i) => (s.avs === address ? [i] : [])),
  }));
  const clusters = clusterTags.map((tag, ti) => ({ tag, sets: sets.flatMap((s, i) => (s.clusters.includes(ti) ? [i] : [])) }));
  const p = { ...DEFAULT_ENGINE_PARAMS, ...params };
  const scenarios = buildTailScenarios(
    sets,
    avs,
    clusters,
    operators.map((o, oi) => ({ address: o.address, hasPositions: operatorPositions[oi]!.length > 0 })),
    p,
  );
  const buffer = weiToEth(snapshot.vault.liquidBuffer);
  const minBufferEth = bpsOf(snapshot.limits.minBufferBps, tvl);
  const maturedSum = matured.reduce((a, b) => a + b, 0);
  const deployable = positions.reduce((s, x) => s + x.active, 0) + Math.max(0, buffer + maturedSum - minBufferEth);
  return {
    tvl,
    buffer,
    idle,
    matured,
    maturedWithdrawals,
    strategies,
    operators,
    operatorPositions,
    positions,
    sets,
    avs,
    clusters,
    scenarios,
    missingSets,
    deployable,
    limits: {
      operatorCapEth: bpsOf(snapshot.limits.operatorCapBps, tvl),
      totalSlashableCapEth: bpsOf(snapshot.limits.totalSlashableCapBps, tvl),
      minBufferEth,
      scenarioLossEth: bpsOf(params.maxScenarioLossBps, tvl),
      turnoverEth: bpsOf(params.turnoverBps, tvl),
    },
    params: p,
  };
}
