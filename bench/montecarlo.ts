// A seeded Monte-Carlo of yearly slashing losses, the same for every allocator: correlation
// through a global factor, the AVS and the cluster tag, plus operator compromise. It is not the
// engine's scenario set (tailRisk.ts): the engine is judged on a model it does not optimise.
import { prng } from "../src/strategy/generate.js";
import type { Instance } from "../src/strategy/model.js";
import { operatorCompromiseLosses, setExposures } from "../src/strategy/risk.js";

export const MC = {
  years: 20_000,
  /** Every set slashes (a systemic bug, a shared client). */
  global: 0.005,
  /** All sets of one cluster tag slash. */
  cluster: 0.01,
  /** Share of a set's own probability that comes through an AVS-wide event. */
  avsShare: 0.5,
  operatorCompromise: 0.001,
} as const;

export interface LossStats {
  meanLoss: number;
  /** Mean loss in the worst 1% of years, ETH. */
  es99: number;
  /** Share of years losing more than 5% of TVL. */
  lossProb5pct: number;
}

export function simulateLosses(inst: Instance, x: Float64Array, seed = 7): LossStats {
  const rnd = prng(seed);
  const e = setExposures(inst, x);
  const lo = operatorCompromiseLosses(inst, x);
  const K = inst.sets.length;
  const avsP = inst.avs.map((a) => MC.avsShare * Math.max(0, ...a.sets.map((k) => inst.sets[k]!.slashingProbability)));
  const losses = new Float64Array(MC.years);
  const hit = new Uint8Array(K);
  for (let y = 0; y < MC.years; y++) {
    hit.fill(0);
    if (rnd() < MC.global) hit.fill(1);
    for (const c of inst.clusters) if (rnd() < MC.cluster) for (const k of c.sets) hit[k] = 1;
    inst.avs.forEach((a, ai) => {
      if (rnd() < avsP[ai]!) for (const k of a.sets) hit[k] = 1;
    });
    let loss = 0;
    for (let k = 0; k < K; k++) {
      const s = inst.sets[k]!;
      if (!hit[k] && rnd() < (1 - MC.avsShare) * s.slashingProbability) hit[k] = 1;
      if (hit[k]) loss += s.slashingSeverity * e[k]!;
    }
    for (let o = 0; o < lo.length; o++) if (lo[o]! > 0 && rnd() < MC.operatorCompromise) loss += lo[o]!;
    losses[y] = loss;
  }
  const sorted = Float64Array.from(losses).sort();
  const tail = Math.max(1, Math.floor(MC.years / 100));
  let es = 0;
  for (let j = MC.years - tail; j < MC.years; j++) es += sorted[j]!;
  return {
    meanLoss: losses.reduce((a, b) => a + b, 0) / MC.years,
    es99: es / tail,
    lossProb5pct: losses.filter((l) => l > 0.05 * inst.tvl).length / MC.years,
  };
}
