// The risk model: plain functions of an Instance and a stake vector (ETH per position).
//
// Notation. For a position i = (operator o, strategy s) with stake x_i and, for each operator set
// k, f_ik = allocatedMagnitude(o, k, s) / maxMagnitude(o, s):
//   exposure of Trellis to set k        E_k   = sum_i x_i f_ik
//   exposure to AVS a                   A_a   = sum_{k in a} E_k
//   total slashable stake               TS    = sum_i x_i sum_k f_ik
//   loss if AVS a slashes all its sets  L_a   = A_a                 (sum_k f_ik <= 1, so no double count)
//   loss if operator o is compromised   L_o   = sum_{i of o} x_i sum_k f_ik
//   loss if cluster c fails             L_c   = sum_{k tagged c} E_k
//   expected slashing loss per year     EL    = sum_k p_k sev_k E_k
//   reward per year of set k            R_k E_k / (S_k^other + E_k)  with the set's budget
//                                       R_k = apr_k x S_k (its APR at today's total stake S_k);
//                                       without dilution apr_k x E_k.
// Robustness (Durvasula and Roughgarden, "Robust Restaking Networks", 2024): a set k is robust
// when the stake backing it covers the attacker's profit with margin gamma:
//   S_k x theta_k >= (1 + gamma) PfC_k,  i.e.  S_k >= B_k = (1 + gamma) PfC_k / theta_k,
// where theta_k is the fraction of stake needed to corrupt it; margin_k = S_k - B_k. S_k is the
// set's unique stake in EigenLayer's sense: stake allocated to the set (magnitude), which cannot
// be slashed by any other set; Trellis' share of it is E_k, everyone else's S_k^other.
// Stake queued for withdrawal is still slashable: the "now" state counts it, the steady state
// (after the withdrawal delay) does not.
import type { Instance } from "./model.js";
import { portfolioCvar } from "./tailRisk.js";

/** Moves per position (ETH): increases funded now (buffer or completed withdrawals), increases
 *  funded later by this plan's own withdrawals (after the delay), and decreases (queued now). */
export interface Moves {
  increaseNow: Float64Array;
  increaseLater: Float64Array;
  decrease: Float64Array;
}

export function zeroMoves(inst: Instance): Moves {
  const n = inst.positions.length;
  return { increaseNow: new Float64Array(n), increaseLater: new Float64Array(n), decrease: new Float64Array(n) };
}

/** Stake after the withdrawal delay: x_i = active + increaseNow + increaseLater - decrease. */
export function steadyStake(inst: Instance, m: Moves): Float64Array {
  return Float64Array.from(inst.positions, (p, i) => p.active + m.increaseNow[i]! + m.increaseLater[i]! - m.decrease[i]!);
}

/** Slashable stake right after the plan's immediate actions: active + queued + increaseNow
 *  (a decrease only moves active stake to the queue, where it stays slashable). */
export function transitionStake(inst: Instance, m: Moves): Float64Array {
  return Float64Array.from(inst.positions, (p, i) => p.active + p.queued + m.increaseNow[i]!);
}

/** Slashable stake now, before any action. */
export function currentStake(inst: Instance): Float64Array {
  return Float64Array.from(inst.positions, (p) => p.active + p.queued);
}

export function setExposures(inst: Instance, x: Float64Array): Float64Array {
  const e = new Float64Array(inst.sets.length);
  inst.positions.forEach((p, i) => {
    for (const f of p.sets) e[f.set]! += x[i]! * f.fraction;
  });
  return e;
}

/** Exposure that pays depositors, per set: sum_i x_i f_ik (1 - commission_ik) (0 for rewards in
 *  tokens the vault does not restake). The reward model's E_k. */
export function netExposures(inst: Instance, x: Float64Array): Float64Array {
  const e = new Float64Array(inst.sets.length);
  inst.positions.forEach((p, i) => {
    for (const f of p.sets) e[f.set]! += x[i]! * f.net;
  });
  return e;
}

/**
 * Worst-case extra exposure of a group of sets (null: all sets) from magnitude operators may
 * still allocate before Trellis could leave: sum over positions allocated to the group of
 * reachable_i x_i (an operator can put its free magnitude on one set of the group, or spread it).
 */
export function reachableExtra(inst: Instance, x: Float64Array, sets: ReadonlySet<number> | null): number {
  let sum = 0;
  inst.positions.forEach((p, i) => {
    if (p.reachable > 0 && (sets === null || p.sets.some((f) => sets.has(f.set)))) sum += p.reachable * x[i]!;
  });
  return sum;
}

export function avsExposures(inst: Instance, setExp: Float64Array): Float64Array {
  return Float64Array.from(inst.avs, (a) => a.sets.reduce((s, k) => s + setExp[k]!, 0));
}

export function clusterLosses(inst: Instance, setExp: Float64Array): Float64Array {
  return Float64Array.from(inst.clusters, (c) => c.sets.reduce((s, k) => s + setExp[k]!, 0));
}

export function operatorStakes(inst: Instance, x: Float64Array): Float64Array {
  return Float64Array.from(inst.operatorPositions, (ps) => ps.reduce((s, i) => s + x[i]!, 0));
}

/** L_o: what Trellis loses if operator o is slashed fully on every set it is allocated to. */
export function operatorCompromiseLosses(inst: Instance, x: Float64Array): Float64Array {
  return Float64Array.from(inst.operatorPositions, (ps) =>
    ps.reduce((s, i) => s + x[i]! * inst.positions[i]!.slashableFraction, 0),
  );
}

export function totalSlashable(inst: Instance, x: Float64Array): number {
  return inst.positions.reduce((s, p, i) => s + x[i]! * p.slashableFraction, 0);
}

export interface ScenarioLoss {
  kind: "avs" | "operator" | "cluster";
  key: string;
  lossEth: number;
}

/** Every scenario's loss, sorted by loss (largest first) then key. */
export function scenarioLosses(inst: Instance, x: Float64Array): ScenarioLoss[] {
  const e = setExposures(inst, x);
  const out: ScenarioLoss[] = [];
  avsExposures(inst, e).forEach((l, a) => out.push({ kind: "avs", key: inst.avs[a]!.address, lossEth: l }));
  operatorCompromiseLosses(inst, x).forEach((l, o) => out.push({ kind: "operator", key: inst.operators[o]!.address, lossEth: l }));
  clusterLosses(inst, e).forEach((l, c) => out.push({ kind: "cluster", key: inst.clusters[c]!.tag, lossEth: l }));
  return out.sort((a, b) => b.lossEth - a.lossEth || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface Robustness {
  key: string;
  /** Total stake on the set with Trellis at `trellisStake`, ETH. */
  stake: number;
  trellisStake: number;
  /** B_k = (1 + gamma) PfC / theta, ETH. */
  bound: number;
  /** stake - bound, ETH (negative: not robust). */
  marginEth: number;
  robust: boolean;
}

/** Robustness of each set when Trellis' exposure is E (others' stake unchanged). */
export function robustness(inst: Instance, setExp: Float64Array): Robustness[] {
  return inst.sets.map((s, k) => {
    const stake = s.others + setExp[k]!;
    return {
      key: s.key,
      stake,
      trellisStake: setExp[k]!,
      bound: s.robustnessBound,
      marginEth: stake - s.robustnessBound,
      robust: stake >= s.robustnessBound,
    };
  });
}

/** Others' stake used in the dilution model, floored at 1 ETH so g is defined and concave. */
export const dilutionOthers = (others: number): number => Math.max(others, 1);
/** Reward budget per year of a set: its APR at today's total stake (at least 1 ETH). */
export const rewardBudget = (apr: number, totalStake: number): number => apr * Math.max(totalStake, 1);

/** Expected AVS reward per year to depositors, ETH, for net set exposures E (`netExposures`).
 *  Dilution is modelled on the net exposure too: stake an operator takes commission on dilutes
 *  the set at its net share (exact without dilution; close while others' stake dominates). */
export function expectedReward(inst: Instance, setExp: Float64Array, dilution = inst.params.dilution): number {
  return inst.sets.reduce((sum, s, k) => {
    const e = setExp[k]!;
    if (!dilution) return sum + s.rewardApr * e;
    const so = dilutionOthers(s.others);
    return sum + (rewardBudget(s.rewardApr, s.totalStake) * e) / (so + e);
  }, 0);
}

/** Expected slashing loss per year, ETH. */
export function expectedSlashingLoss(inst: Instance, setExp: Float64Array): number {
  return inst.sets.reduce((sum, s, k) => sum + s.slashingProbability * s.slashingSeverity * setExp[k]!, 0);
}

/** Gas per ETH moved in the LP (the planner charges exact gas per action). */
export const gasPerEth = (inst: Instance): number => inst.params.gasPerActionEth / Math.max(inst.params.typicalMoveEth, 1e-9);

/**
 * Cost of moves, ETH: stake that leaves a position forgoes its reward for the withdrawal delay
 * (delayDays/365 x the position's APR), and every ETH moved pays gas spread per typical move.
 */
export function moveCost(inst: Instance, m: Moves): number {
  const delay = inst.params.withdrawalDelayDays / 365;
  const g = gasPerEth(inst);
  return inst.positions.reduce(
    (s, p, i) => s + (delay * p.rewardApr + g) * m.decrease[i]! + g * (m.increaseNow[i]! + m.increaseLater[i]!),
    0,
  );
}

/**
 * Box uncertainty of the value of one ETH of stake in position i over the horizon, times the
 * configured multiple: the worst case of sum_i v_i dx_i over v_i in [v^_i - s_i, v^_i + s_i] is
 * sum_i v^_i dx_i - sum_i s_i |dx_i|, so every ETH moved in or out of i is charged s_i.
 */
export function uncertaintyPerEth(inst: Instance, i: number): number {
  const p = inst.positions[i]!;
  const { params } = inst;
  const h = params.horizonDays / 365;
  return params.uncertaintyMultiple * h * ((params.aprUncertainty + params.othersStakeUncertainty) * p.rewardApr + params.slashingUncertainty * p.slashingRate);
}

/** The uncertainty margin of moves, ETH: sum_i s_i (increases + decreases). */
export function uncertaintyMargin(inst: Instance, m: Moves): number {
  return inst.positions.reduce(
    (s, _, i) => s + uncertaintyPerEth(inst, i) * (m.increaseNow[i]! + m.increaseLater[i]! + m.decrease[i]!),
    0,
  );
}

/** An equal share of the deployable stake per allowlisted operator, but at least a typical move,
 *  ETH (diversification): a small vault is not split into slices too small to be worth a move. */
export function fairShare(inst: Instance): number {
  const n = inst.operators.filter((o, k) => o.allowed && inst.operatorPositions[k]!.length).length;
  return Math.max(inst.deployable / Math.max(1, n), inst.params.typicalMoveEth);
}

/** Diversification cost over the horizon, ETH: penalty x sum_o max(0, stake_o - fair share). */
export function diversificationCost(inst: Instance, x: Float64Array): number {
  const fair = fairShare(inst);
  const h = inst.params.horizonDays / 365;
  return inst.params.diversificationPenalty * h * operatorStakes(inst, x).reduce((s, v) => s + Math.max(0, v - fair), 0);
}

/** Exposure of active stake per set with no move (the steady state of "do nothing"), ETH. */
export function activeExposures(inst: Instance): Float64Array {
  return setExposures(inst, Float64Array.from(inst.positions, (p) => p.active));
}

/**
 * Sets below their robustness bound that Trellis has active stake on: the glide path applies.
 * Only under "snapshot" robustness: under "bootstrap" such a set may be lifted over its bound
 * instead of left.
 */
export function glideSets(inst: Instance): number[] {
  if ((inst.params.robustness ?? "snapshot") === "bootstrap" || inst.params.glideBps <= 0) return [];
  const e0 = activeExposures(inst);
  // Only sets below the bound even with others' stake at the top of its uncertainty: a set that
  // noise in the others' stake puts below or above the bound does not start or stop the glide.
  const band = 1 + inst.params.othersStakeUncertainty;
  return inst.sets.flatMap((s, k) => (!s.robustNow && e0[k]! > 0 && s.others * band + e0[k]! < s.robustnessBound ? [k] : []));
}

/** Glide-path target per glide set: (1 - glideBps) x today's active exposure, ETH. */
export function glideTargets(inst: Instance): Map<number, number> {
  const e0 = activeExposures(inst);
  return new Map(glideSets(inst).map((k) => [k, (1 - inst.params.glideBps / 10_000) * e0[k]!]));
}

/** Exposure above the glide targets, ETH (each set's shortfall). */
export function glideShortfalls(inst: Instance, x: Float64Array): Map<number, number> {
  const e = setExposures(inst, x);
  return new Map([...glideTargets(inst)].map(([k, t]) => [k, Math.max(0, e[k]! - t)]));
}

export interface ObjectiveBreakdown {
  /** Expected reward over the horizon in the steady state, ETH. */
  rewardEth: number;
  /** Expected slashing loss over the horizon in the steady state, ETH. */
  slashingLossEth: number;
  /** CVaR_alpha of the annual loss (scenarios of tailRisk.ts), ETH (not scaled by anything). */
  cvarEth: number;
  /** Tail-risk term: cvarWeight x horizon x CVaR, ETH. */
  tailRiskEth: number;
  /** Diversification term, ETH. */
  diversificationEth: number;
  /** Glide-path shortfall x glidePenalty, ETH. */
  glideEth: number;
  moveCostEth: number;
  /** Uncertainty margin of the moves, ETH. */
  uncertaintyEth: number;
  /** reward - loss - tail - diversification - glide - move cost - uncertainty. */
  valueEth: number;
}

/** The LP's objective, computed independently in plain TypeScript. */
export function evaluateObjective(inst: Instance, m: Moves, dilution = inst.params.dilution): ObjectiveBreakdown {
  const h = inst.params.horizonDays / 365;
  const x = steadyStake(inst, m);
  const e = setExposures(inst, x);
  const rewardEth = h * expectedReward(inst, netExposures(inst, x), dilution);
  const slashingLossEth = h * expectedSlashingLoss(inst, e);
  const cvarEth = portfolioCvar(inst, x);
  const tailRiskEth = inst.params.cvarWeight * h * cvarEth;
  const diversificationEth = diversificationCost(inst, x);
  const glideEth = inst.params.glidePenalty * [...glideShortfalls(inst, x).values()].reduce((a, b) => a + b, 0);
  const moveCostEth = moveCost(inst, m);
  const uncertaintyEth = uncertaintyMargin(inst, m);
  return {
    rewardEth,
    slashingLossEth,
    cvarEth,
    tailRiskEth,
    diversificationEth,
    glideEth,
    moveCostEth,
    uncertaintyEth,
    valueEth: rewardEth - slashingLossEth - tailRiskEth - diversificationEth - glideEth - moveCostEth - uncertaintyEth,
  };
}

/** Value of a state before move costs: reward - expected loss - tail - diversification - glide. */
export const stateValue = (o: ObjectiveBreakdown): number =>
  o.rewardEth - o.slashingLossEth - o.tailRiskEth - o.diversificationEth - o.glideEth;

/** Risk-adjusted yield (APR on TVL) of a stake vector: (reward - expected loss) per year / TVL. */
export function riskAdjustedYield(inst: Instance, x: Float64Array, dilution = inst.params.dilution): number {
  const e = setExposures(inst, x);
  return (expectedReward(inst, netExposures(inst, x), dilution) - expectedSlashingLoss(inst, e)) / Math.max(inst.tvl, 1e-18);
}
