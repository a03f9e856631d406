// Tail risk: a set of correlated slashing scenarios and their CVaR (expected shortfall).
//
// Each scenario is one event in a year, with a probability and a loss that is linear in the
// stake (so CVaR fits the LP, Rockafellar and Uryasev 2000):
//   global        every operator set slashes at its severity         p = globalSlashProbability
//   avs a         every set of AVS a slashes at its severity          p = 1 - prod_k (1 - p_k)
//   cluster c     every set tagged c slashes at its severity          p = clusterSlashProbability
//   operator o    operator o is compromised: all its allocated stake  p = operatorCompromiseProbability
//                 is slashed (loss = L_o of risk.ts)
// and "nothing happens" with the rest of the probability. When the probabilities add up to more
// than 1 they are scaled down to 1 (then some event happens every year, which is pessimistic).
//   CVaR_alpha(L) = min_zeta zeta + 1/(1-alpha) sum_s pi_s max(0, L_s - zeta)
// is the mean loss in the worst (1 - alpha) of years; at alpha = 0.99 it is ES99.
import type { Instance } from "./model.js";
import { operatorCompromiseLosses, setExposures } from "./risk.js";

export type TailScenarioKind = "global" | "avs" | "cluster" | "operator";

export interface TailScenario {
  kind: TailScenarioKind;
  key: string;
  /** Probability per year (after scaling). */
  probability: number;
  /** Loss = sum of coef x exposure to the set (ETH per ETH of exposure). */
  setLoss: { set: number; coef: number }[];
  /** Operator compromise: index of the operator whose allocated stake is lost, else null. */
  operator: number | null;
}

export interface TailParams {
  globalSlashProbability: number;
  clusterSlashProbability: number;
  operatorCompromiseProbability: number;
}

/** The scenario set of an instance (depends on the sets, clusters and operators only). */
export function buildTailScenarios(
  sets: Instance["sets"],
  avs: Instance["avs"],
  clusters: Instance["clusters"],
  operators: { address: string; hasPositions: boolean }[],
  p: TailParams,
): TailScenario[] {
  const out: TailScenario[] = [];
  const sev = (k: number) => ({ set: k, coef: sets[k]!.slashingSeverity });
  if (p.globalSlashProbability > 0 && sets.length)
    out.push({ kind: "global", key: "global", probability: p.globalSlashProbability, setLoss: sets.map((_, k) => sev(k)), operator: null });
  for (const a of avs) {
    const pa = 1 - a.sets.reduce((q, k) => q * (1 - sets[k]!.slashingProbability), 1);
    if (pa > 0) out.push({ kind: "avs", key: a.address, probability: pa, setLoss: a.sets.map(sev), operator: null });
  }
  if (p.clusterSlashProbability > 0)
    for (const c of clusters)
      out.push({ kind: "cluster", key: c.tag, probability: p.clusterSlashProbability, setLoss: c.sets.map(sev), operator: null });
  if (p.operatorCompromiseProbability > 0)
    operators.forEach((o, oi) => {
      if (o.hasPositions)
        out.push({ kind: "operator", key: o.address, probability: p.operatorCompromiseProbability, setLoss: [], operator: oi });
    });
  const total = out.reduce((s, x) => s + x.probability, 0);
  if (total > 1) for (const s of out) s.probability /= total;
  return out;
}

/** Loss of each scenario (ETH) for a stake vector x (ETH per position). */
export function tailScenarioLosses(inst: Instance, x: Float64Array): Float64Array {
  const e = setExposures(inst, x);
  const lo = operatorCompromiseLosses(inst, x);
  return Float64Array.from(inst.scenarios, (s) =>
    s.operator !== null ? lo[s.operator]! : s.setLoss.reduce((sum, { set, coef }) => sum + coef * e[set]!, 0),
  );
}

/**
 * CVaR_alpha of a discrete loss distribution: the mean of the worst (1 - alpha) probability mass.
 * Mass not covered by the scenarios is a loss of 0.
 */
export function cvar(probabilities: ArrayLike<number>, losses: ArrayLike<number>, alpha: number): number {
  const tail = 1 - alpha;
  if (tail <= 0) return Math.max(0, ...Array.from(losses));
  const order = Array.from(losses, (_, s) => s).sort((a, b) => losses[b]! - losses[a]! || a - b);
  let mass = 0;
  let sum = 0;
  for (const s of order) {
    const loss = losses[s]!;
    if (loss <= 0) break;
    const take = Math.min(probabilities[s]!, tail - mass);
    sum += take * loss;
    mass += take;
    if (mass >= tail) break;
  }
  return sum / tail;
}

/** CVaR_alpha (ETH, per year) of Trellis' loss with stake x. */
export function portfolioCvar(inst: Instance, x: Float64Array): number {
  return cvar(
    inst.scenarios.map((s) => s.probability),
    tailScenarioLosses(inst, x),
    inst.params.cvarAlpha,
  );
}
