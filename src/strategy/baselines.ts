// Baseline allocations to compare the engine against (benchmarks only). Each spreads the same
// budget as the engine may use in the steady state: active stake + spare buffer.
import type { Instance } from "./model.js";

/** Stake the engine may deploy in the steady state: active stake plus buffer above the minimum. */
export function deployable(inst: Instance): number {
  const active = inst.positions.reduce((s, p) => s + p.active, 0);
  const matured = inst.matured.reduce((a, b) => a + b, 0);
  return active + Math.max(0, inst.buffer + matured - inst.limits.minBufferEth);
}

/** Equal split: every allowlisted operator gets the same stake (capped by the operator cap),
 *  spread over strategies in proportion to the budget per strategy. */
export function equalSplit(inst: Instance): Float64Array {
  const x = new Float64Array(inst.positions.length);
  const allowed = inst.operators.flatMap((o, k) => (o.allowed && inst.operatorPositions[k]!.length ? [k] : []));
  if (!allowed.length) return x;
  const perStrategy = inst.strategies.map((_, si) =>
    inst.positions.reduce((s, p) => s + (p.strategyIndex === si ? p.active : 0), 0) + inst.idle[si]! + inst.matured[si]!,
  );
  const total = perStrategy.reduce((a, b) => a + b, 0) || 1;
  const each = Math.min(deployable(inst) / allowed.length, inst.limits.operatorCapEth);
  for (const k of allowed)
    for (const i of inst.operatorPositions[k]!) x[i] = (each * perStrategy[inst.positions[i]!.strategyIndex]!) / total;
  return x;
}

/** Greedy: positions by undiluted reward APR, highest first, each filled up to the tightest
 *  remaining on-chain cap (operator, operator set, AVS, total slashable). */
export function greedy(inst: Instance): Float64Array {
  const P = inst.positions;
  const x = new Float64Array(P.length);
  let budget = deployable(inst);
  const opLeft = inst.operators.map(() => inst.limits.operatorCapEth);
  const setLeft = inst.sets.map((s) => s.capEth);
  const avsLeft = inst.avs.map((a) => a.capEth);
  let slashLeft = inst.limits.totalSlashableCapEth;
  const order = P.map((_, i) => i)
    .filter((i) => P[i]!.allowed)
    .sort((a, b) => P[b]!.rewardApr - P[a]!.rewardApr || a - b);
  for (const i of order) {
    const p = P[i]!;
    let room = Math.min(budget, opLeft[p.operatorIndex]!);
    for (const f of p.sets) {
      room = Math.min(room, setLeft[f.set]! / f.fraction, avsLeft[inst.sets[f.set]!.avsIndex]! / f.fraction);
    }
    if (p.slashableFraction > 0) room = Math.min(room, slashLeft / p.slashableFraction);
    room = Math.max(0, room);
    x[i] = room;
    budget -= room;
    opLeft[p.operatorIndex]! -= room;
    for (const f of p.sets) {
      setLeft[f.set]! -= room * f.fraction;
      avsLeft[inst.sets[f.set]!.avsIndex]! -= room * f.fraction;
    }
    slashLeft -= room * p.slashableFraction;
  }
  return x;
}
