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
//                 "snapshot": gets no new stake (every position allocated to it has no
//                 increase); both hold for "no move", so robustness alone is never infeasible,
//                 and together they imply "backed sets are robust or get nothing new".
//                 "bootstrap": no new stake, or robust after the plan with Trellis' own stake
//                 counted: others_k + E_k(x) >= B_k; checked as min(added_k, B_k - others_k -
//                 E_k(x)) <= 0. On a set where Trellis has nothing yet this is the exact
//                 condition "E_k(x) = 0 or robust"; stake already on a set below its bound may
//                 stay (as in "snapshot"), so "no move" always passes here too.
import { PlanVerificationError, type LimitFamily, type Violation } from "./errors.js";
import { robustnessMode, type Instance } from "./model.js";
import {
  avsExposures,
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

  const [ex, et, ec] = [setExposures(inst, x), setExposures(inst, t), setExposures(inst, c)];
  inst.sets.forEach((s, k) => both("operatorSetCap", `set ${s.key}`, ex[k]!, et[k]!, ec[k]!, s.capEth));
  const [ax, at, ac] = [avsExposures(inst, ex), avsExposures(inst, et), avsExposures(inst, ec)];
  inst.avs.forEach((a, k) => {
    both("avsCap", `avs ${a.address}`, ax[k]!, at[k]!, ac[k]!, a.capEth);
    both("scenarioLoss", `avs slashes ${a.address}`, ax[k]!, at[k]!, ac[k]!, limits.scenarioLossEth);
  });
  const [cx, ct, cc] = [clusterLosses(inst, ex), clusterLosses(inst, et), clusterLosses(inst, ec)];
  inst.clusters.forEach((cl, k) =>
    both("scenarioLoss", `cluster fails ${cl.tag}`, cx[k]!, ct[k]!, cc[k]!, limits.scenarioLossEth),
  );
  both("totalSlashableCap", "total slashable", totalSlashable(inst, x), totalSlashable(inst, t), totalSlashable(inst, c), limits.totalSlashableCapEth);

  const addedTo = new Float64Array(inst.sets.length);
  P.forEach((p, i) => {
    for (const f of p.sets) if (f.fraction > 0) addedTo[f.set]! += m.increaseNow[i]! + m.increaseLater[i]!;
  });
  const bootstrap = robustnessMode(inst) === "bootstrap";
  inst.sets.forEach((s, k) => {
    if (s.robustNow) push("robustness", `set ${s.key} stays robust`, s.robustnessBound - s.others - ex[k]!, 0);
    else if (bootstrap)
      push("robustness", `set ${s.key} no new stake or robust`, Math.min(addedTo[k]!, s.robustnessBound - s.others - ex[k]!), 0);
    else push("robustness", `set ${s.key} below bound gets no new stake`, addedTo[k]!, 0);
  });
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
