// An independent check of every limit, in plain TypeScript, run after every solve. It recomputes
// each quantity from the moves with the risk model (not from the LP's rows) and lists every check
// as `value <= limit`. Each check's value is affine in the moves and the list depends only on the
// instance, which the brute-force test relies on (with one exception: the "bootstrap" robustness
// check below is a disjunction, min of two affine values; the brute-force test uses "snapshot").
//
// The limits, for the steady state x (after the withdrawal delay) and the transition state t
// (right after the immediate actions; queued stake still slashable):
//   bounds        0 <= increaseNow, increaseLater, decrease;  decrease <= active
//   liquidity     per strategy: sum increaseNow <= idle + completable withdrawals;
//                 per strategy: sum increaseLater <= sum decrease (later increases are redeposits)
//   minBuffer     sum increaseNow <= max(0, buffer + completable - minBuffer);
//                 buffer + completable - sum increaseNow - sum increaseLater + sum decrease >= minBuffer
//   caps          operator stake, set exposure, AVS exposure, total slashable, scenario losses:
//                 steady value <= cap; transition value <= max(cap, value now) (stake that is
//                 already over a cap may stay while it leaves, but nothing may be added)
//   turnover      sum increaseNow + sum decrease <= turnover cap
//   allowlist     an operator off the allowlist gets no increase and is exited: x = 0
//   robustness    a set at or above its bound B_k in the snapshot stays there:
//                 others_k + E_k(x) >= B_k. A set below it, by EngineParams.robustness:
//                 "snapshot": Trellis' steady exposure to it does not grow, E_k(x) <= E_k(active)
//                 (an operator in the set may gain stake that another operator in it loses);
//                 both hold for "no move", so robustness alone is never infeasible.
//                 "bootstrap": no growth, or robust after the plan with Trellis' own stake
//                 counted: checked as min(E_k(x) - E_k(active), B_k - others_k - E_k(x)) <= 0.
//                 The glide path (shrinking such exposure) is a soft target of the objective,
//                 not a check.
//   tailRisk      CVaR_alpha of the annual loss over the scenarios of tailRisk.ts, steady
//                 state, <= cvarLimitBps of TVL (when the limit is below 100%).
import { PlanVerificationError, type LimitFamily, type Violation } from "./errors.js";
import { robustnessMode, type Instance } from "./model.js";
import { portfolioCvar } from "./tailRisk.js";
import {
  activeExposures,
  avsExposures,
  reachableExtra,
  clusterLosses,
  currentStake,
  operatorCompromiseLosses,
  operatorStakes,
  setExposures,
  steadyStake,
  totalSlashable,
  transitionStake,
  type Moves,
} from "./risk.js";

export interface Check {
  family: LimitFamily | "bounds";
  name: string;
  value: number;
  limit: number;
}

/** Every check of the moves, in a fixed order that depends on the instance only. */
export function checkMoves(inst: Instance, m: Moves): Check[] {
  const out: Check[] = [];
  const push = (family: Check["family"], name: string, value: number, limit: number) =>
    out.push({ family, name, value, limit });
  const P = inst.positions;
  const { limits } = inst;

  P.forEach((p, i) => {
    const id = `${p.operator}/${p.strategy}`;
    push("bounds", `increaseNow>=0 ${id}`, -m.increaseNow[i]!, 0);
    push("bounds", `increaseLater>=0 ${id}`, -m.increaseLater[i]!, 0);
    push("bounds", `decrease>=0 ${id}`, -m.decrease[i]!, 0);
    push("bounds", `decrease<=active ${id}`, m.decrease[i]!, p.active);
    if (!p.allowed) {
      push("allowlist", `no increase ${id}`, m.increaseNow[i]! + m.increaseLater[i]!, 0);
      push("allowlist", `exit ${id}`, p.active - m.decrease[i]!, 0);
    }
  });

  const matured = inst.matured.reduce((a, b) => a + b, 0);
  let sumNow = 0;
  let sumLater = 0;
  let sumDec = 0;
  inst.strategies.forEach((s, si) => {
    let now = 0;
    let later = 0;
    let dec = 0;
    P.forEach((p, i) => {
      if (p.strategyIndex !== si) return;
      now += m.increaseNow[i]!;
      later += m.increaseLater[i]!;
      dec += m.decrease[i]!;
    });
    push("liquidity", `increaseNow ${s.symbol}`, now, inst.idle[si]! + inst.matured[si]!);
    push("liquidity", `redeposit ${s.symbol}`, later - dec, 0);
    sumNow += now;
    sumLater += later;
    sumDec += dec;
  });
  const spare = inst.buffer + matured - limits.minBufferEth;
  push("minBuffer", "buffer now", sumNow, Math.max(0, spare));
  push("minBuffer", "buffer steady", sumNow + sumLater - sumDec, spare);
  push("turnover", "turnover", sumNow + sumDec, limits.turnoverEth);

  const x = steadyStake(inst, m);
  const t = transitionStake(inst, m);
  const c = currentStake(inst);
  const both = (family: LimitFamily, name: string, steady: number, trans: number, now: number, cap: number) => {
    push(family, `${name} steady`, steady, cap);
    push(family, `${name} now`, trans, Math.max(cap, now));
  };

  const [ox, ot, oc] = [operatorStakes(inst, x), operatorStakes(inst, t), operatorStakes(inst, c)];
  const [lx, lt, lc] = [
    operatorCompromiseLosses(inst, x),
    operatorCompromiseLosses(inst, t),
    operatorCompromiseLosses(inst, c),
  ];
  inst.operators.forEach((o, k) => {
    if (!inst.operatorPositions[k]!.length) return;
    both("operatorCap", `operator ${o.address}`, ox[k]!, ot[k]!, oc[k]!, limits.operatorCapEth);
    both("scenarioLoss", `operator compromised ${o.address}`, lx[k]!, lt[k]!, lc[k]!, limits.scenarioLossEth);
  });

  // Set, AVS, cluster and total limits at the worst case operators can reach (reachableExtra).
  const anyReach = inst.positions.some((p) => p.reachable > 0);
  const extra = (ks: number[] | null) =>
    anyReach ? [x, t, c].map((v) => reachableExtra(inst, v, ks && new Set(ks))) : [0, 0, 0];
  const [ex, et, ec] = [setExposures(inst, x), setExposures(inst, t), setExposures(inst, c)];
  inst.sets.forEach((s, k) => {
    const [dx, dt, dc] = extra([k]);
    both("operatorSetCap", `set ${s.key}`, ex[k]! + dx!, et[k]! + dt!, ec[k]! + dc!, s.capEth);
  });
  const [ax, at, ac] = [avsExposures(inst, ex), avsExposures(inst, et), avsExposures(inst, ec)];
  inst.avs.forEach((a, k) => {
    const [dx, dt, dc] = extra(a.sets);
    both("avsCap", `avs ${a.address}`, ax[k]! + dx!, at[k]! + dt!, ac[k]! + dc!, a.capEth);
    both("scenarioLoss", `avs slashes ${a.address}`, ax[k]! + dx!, at[k]! + dt!, ac[k]! + dc!, limits.scenarioLossEth);
  });
  const [cx, ct, cc] = [clusterLosses(inst, ex), clusterLosses(inst, et), clusterLosses(inst, ec)];
  inst.clusters.forEach((cl, k) => {
    const [dx, dt, dc] = extra(cl.sets);
    both("scenarioLoss", `cluster fails ${cl.tag}`, cx[k]! + dx!, ct[k]! + dt!, cc[k]! + dc!, limits.scenarioLossEth);
  });
  // totalSlashable already counts reachable magnitude (slashableFraction is the worst case).
  both("totalSlashableCap", "total slashable", totalSlashable(inst, x), totalSlashable(inst, t), totalSlashable(inst, c), limits.totalSlashableCapEth);

  // Operator policy: no new stake to an operator whose allocation delay is below the minimum, and
  // no growth of exposure to a redistributing set unless allowed.
  P.forEach((p, i) => {
    if (p.policyBlocked) push("operatorPolicy", `no new stake ${p.operator}/${p.strategy} (allocation delay)`, m.increaseNow[i]! + m.increaseLater[i]!, 0);
  });
  const ea = activeExposures(inst);
  if (!inst.params.allowRedistributingSets)
    inst.sets.forEach((s, k) => {
      if (s.redistributing) push("operatorPolicy", `set ${s.key} redistributing: no growth`, ex[k]!, ea[k]!);
    });

  const e0 = activeExposures(inst);
  const bootstrap = robustnessMode(inst) === "bootstrap";
  inst.sets.forEach((s, k) => {
    if (s.robustNow) push("robustness", `set ${s.key} stays robust`, s.robustnessBound - s.others - ex[k]!, 0);
    else if (bootstrap)
      push("robustness", `set ${s.key} no growth or robust`, Math.min(ex[k]! - e0[k]!, s.robustnessBound - s.others - ex[k]!), 0);
    else push("robustness", `set ${s.key} below bound: no growth`, ex[k]!, e0[k]!);
  });
  if (inst.params.cvarLimitBps < 10_000)
    push("tailRisk", "CVaR of annual loss", portfolioCvar(inst, x), (inst.params.cvarLimitBps / 10_000) * inst.tvl);
  return out;
}

/** Absolute tolerance of the checks: solver round-off on numbers of the size of the TVL. */
export const verifyTolerance = (inst: Instance): number => 1e-7 * Math.max(1, inst.tvl);

export function violations(inst: Instance, m: Moves, tol = verifyTolerance(inst)): Violation[] {
  return checkMoves(inst, m)
    .filter((c) => c.value > c.limit + tol)
    .map((c) => ({ family: c.family, name: c.name, value: c.value, limit: c.limit }));
}

/** Throws `PlanVerificationError` if the moves break any limit. */
export function verifyMoves(inst: Instance, m: Moves, tol?: number): void {
  const v = violations(inst, m, tol);
  if (v.length) throw new PlanVerificationError(v);
}
