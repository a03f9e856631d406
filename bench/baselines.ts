// Baseline allocators to compare the engine against (benchmarks only). Each proposes a steady
// stake vector; `feasible` then projects it onto the engine's limits (the same LP rows, the
// nearest feasible target in L1), so every baseline respects every limit the engine must.
import type { Highs } from "highs";
import { buildLp } from "../src/strategy/optimize.js";
import type { Instance } from "../src/strategy/model.js";
import { steadyStake, zeroMoves, type Moves } from "../src/strategy/risk.js";
import { violations } from "../src/strategy/verify.js";

/** Equal split: every allowlisted operator gets the same stake, spread over strategies in
 *  proportion to the budget per strategy. */
export function equalSplit(inst: Instance): Float64Array {
  const x = new Float64Array(inst.positions.length);
  const allowed = inst.operators.flatMap((o, k) => (o.allowed && inst.operatorPositions[k]!.length ? [k] : []));
  if (!allowed.length) return x;
  const perStrategy = inst.strategies.map((_, si) =>
    inst.positions.reduce((s, p) => s + (p.strategyIndex === si ? p.active : 0), 0) + inst.idle[si]! + inst.matured[si]!,
  );
  const total = perStrategy.reduce((a, b) => a + b, 0) || 1;
  const each = Math.min(inst.deployable / allowed.length, inst.limits.operatorCapEth);
  for (const k of allowed)
    for (const i of inst.operatorPositions[k]!) x[i] = (each * perStrategy[inst.positions[i]!.strategyIndex]!) / total;
  return x;
}

/** Greedy: positions by undiluted reward APR, highest first, each filled up to the tightest
 *  remaining cap (operator, operator set, AVS, total slashable). */
export function greedy(inst: Instance): Float64Array {
  const P = inst.positions;
  const x = new Float64Array(P.length);
  let budget = inst.deployable;
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
    for (const f of p.sets) room = Math.min(room, setLeft[f.set]! / f.fraction, avsLeft[inst.sets[f.set]!.avsIndex]! / f.fraction);
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

/**
 * The moves whose steady stake is nearest (L1) to `target` among those that meet every limit:
 * the engine's LP rows with the objective replaced by -sum_i |x_i - target_i|. Verified after.
 */
export function feasible(highs: Highs, inst: Instance, target: Float64Array): { moves: Moves; x: Float64Array } {
  const lp = buildLp(inst, new Set(), true);
  const n = inst.positions.length;
  const P = inst.positions;
  // Extra columns t_i >= |active_i + u_i + l_i - d_i - target_i|, two rows each.
  const cols = lp.columns + n;
  const rows = lp.rows + 2 * n;
  const starts = Array.from(lp.starts);
  const indices = Array.from(lp.indices);
  const values = Array.from(lp.values);
  const rowLower = Array.from(lp.rowLower);
  const rowUpper = Array.from(lp.rowUpper);
  for (let i = 0; i < n; i++)
    for (const sign of [1, -1]) {
      // t_i - sign (u + l - d) >= sign (active - target)
      indices.push(lp.columns + i, i, n + i, 2 * n + i);
      values.push(1, -sign, -sign, sign);
      starts.push(indices.length);
      rowLower.push(sign * (P[i]!.active - target[i]!));
      rowUpper.push(Infinity);
    }
  const colCost = [...new Array<number>(lp.columns).fill(0), ...new Array<number>(n).fill(-1)];
  const colLower = [...lp.colLower, ...new Array<number>(n).fill(0)];
  const colUpper = [...lp.colUpper, ...new Array<number>(n).fill(Infinity)];
  const inf = (v: number) => (v === Infinity ? highs.infinity : v === -Infinity ? -highs.infinity : v);
  const x = highs.withModel(
    {
      numCols: cols,
      numRows: rows,
      sense: highs.constants.objectiveSense.maximize,
      colCost,
      colLower: colLower.map(inf),
      colUpper: colUpper.map(inf),
      rowLower: rowLower.map(inf),
      rowUpper: rowUpper.map(inf),
      matrix: { format: "csr", numRows: rows, numCols: cols, starts, indices, values },
    },
    (model) => {
      model.options.set({ output_flag: false });
      model.run();
      if (model.getModelStatus() !== highs.constants.modelStatus.optimal) throw new Error("baseline projection infeasible");
      return model.getSolution().colValue;
    },
  );
  const moves = zeroMoves(inst);
  P.forEach((p, i) => {
    moves.increaseNow[i] = Math.max(0, x[i]!);
    moves.increaseLater[i] = Math.max(0, x[n + i]!);
    moves.decrease[i] = Math.min(p.active, Math.max(0, x[2 * n + i]!));
  });
  const broken = violations(inst, moves);
  if (broken.length) throw new Error(`baseline breaks ${broken[0]!.family} ${broken[0]!.name}`);
  return { moves, x: steadyStake(inst, moves) };
}
