// The optimizer: one LP, solved with HiGHS, then checked again by `verify.ts`.
//
// Columns, per position i = (operator, strategy):
//   u_i  increase now, funded by the buffer or by completable withdrawals
//   l_i  increase later, funded by this plan's own withdrawals once they complete
//   d_i  decrease, queued now (0 <= d_i <= active_i)
// and per operator set k:
//   e_k  steady exposure  = E0_k + sum_i f_ik (u_i + l_i - d_i)   (E0_k: exposure of active stake)
//   g_k  growth now       = sum_i f_ik u_i                         (the transition state adds only u)
//   r_k  reward per year, under tangent cuts of R_k e/(S_o + e):
//        r_k <= R_k [g(e_j) + g'(e_j)(e_k - e_j)], g(e) = e/(S_o+e), g'(e) = S_o/(S_o+e)^2,
//        at e_j = U_k j/(K-1), j = 0..K-1, and at today's exposure (U_k = the set's cap).
//        The cuts over-estimate the concave reward between points, never at them.
// Objective (maximize, ETH over the horizon H):
//   H/365 [sum_k r_k - sum_k p_k sev_k e_k] - sum_i [(delay/365 apr_i + gas) d_i + gas (u_i + l_i)]
// Rows: see verify.ts for the limits; the LP states them on e, g, u, l, d:
//   total slashable = sum_k e_k (since sum_k f_ik is the slashable fraction of position i);
//   an AVS's exposure = sum of its sets' e_k; cluster loss = sum of its sets' e_k;
//   "now" rows bound g (or u) by max(cap, value now) - value now.
// Robustness is made linear by the snapshot: a set below its bound gets u = l = 0 on every
// position allocated to it (column bounds); a set at or above it gets the row e_k >= B_k - others.
// Rows implied by others (operator-compromise loss by the operator cap when L_max >= cap, AVS
// loss by the AVS cap when L_max >= cap) are left out to keep the LP small.
import { InfeasibleLimitsError, SolverError, type LimitFamily } from "./errors.js";
import { buildInstance, type Instance } from "./model.js";
import { dilutionOthers, evaluateObjective, gasPerEth, rewardBudget, zeroMoves, type Moves, type ObjectiveBreakdown } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type AvsData, type EngineParams, type Snapshot } from "./types.js";
import { verifyMoves } from "./verify.js";

type Highs = { solve(problem: string, options?: Record<string, unknown>): any };
let highsPromise: Promise<Highs> | undefined;
/** Loads the HiGHS WASM module once per process. */
export function loadHighs(): Promise<Highs> {
  highsPromise ??= import("highs").then(async (m) => (await (m.default as unknown as () => Promise<Highs>)()) as Highs);
  return highsPromise;
}

export const LIMIT_FAMILIES: readonly LimitFamily[] = [
  "allowlist",
  "robustness",
  "turnover",
  "minBuffer",
  "liquidity",
  "operatorCap",
  "operatorSetCap",
  "avsCap",
  "totalSlashableCap",
  "scenarioLoss",
];

interface Row {
  family: LimitFamily | "definition" | "reward";
  cols: string[];
  coefs: number[];
  sense: "<=" | ">=" | "=";
  rhs: number;
}

export interface LinearProgram {
  text: string;
  columns: number;
  rows: number;
  nonzeros: number;
}

/** Formats a coefficient deterministically (shortest round-trip form, no "-0"). */
const num = (v: number): string => (Object.is(v, -0) || v === 0 ? "0" : String(v));

/** Builds the CPLEX-LP text of the model with some limit families left out. */
export function buildLp(
  inst: Instance,
  relax: ReadonlySet<LimitFamily> = new Set(),
  feasibilityOnly = false,
): LinearProgram {
  const P = inst.positions;
  const { limits, params } = inst;
  const on = (f: LimitFamily) => !relax.has(f);
  const rows: Row[] = [];
  const add = (family: Row["family"], cols: string[], coefs: number[], sense: Row["sense"], rhs: number) => {
    if (family !== "definition" && family !== "reward" && !on(family)) return;
    rows.push({ family, cols, coefs, sense, rhs });
  };
  const u = (i: number) => `u${i}`;
  const l = (i: number) => `l${i}`;
  const d = (i: number) => `d${i}`;
  const e = (k: number) => `e${k}`;
  const g = (k: number) => `g${k}`;
  const r = (k: number) => `r${k}`;

  // Positions allocated to each set.
  const setPositions: { i: number; f: number }[][] = inst.sets.map(() => []);
  P.forEach((p, i) => p.sets.forEach((s) => setPositions[s.set]!.push({ i, f: s.fraction })));

  // Column bounds.
  const upper = new Float64Array(P.length).fill(Infinity); // for u and l
  const dLower = new Float64Array(P.length);
  P.forEach((p, i) => {
    if (!p.allowed && on("allowlist")) {
      upper[i] = 0;
      dLower[i] = p.active;
    }
  });
  if (on("robustness"))
    inst.sets.forEach((s, k) => {
      if (!s.robustNow) for (const { i, f } of setPositions[k]!) if (f > 0) upper[i] = 0;
    });

  // Liquidity and buffer.
  const matured = inst.matured.reduce((a, b) => a + b, 0);
  inst.strategies.forEach((_, si) => {
    const idx = P.flatMap((p, i) => (p.strategyIndex === si ? [i] : []));
    add("liquidity", idx.map(u), idx.map(() => 1), "<=", inst.idle[si]! + inst.matured[si]!);
    add("liquidity", [...idx.map(l), ...idx.map(d)], [...idx.map(() => 1), ...idx.map(() => -1)], "<=", 0);
  });
  const all = P.map((_, i) => i);
  const spare = inst.buffer + matured - limits.minBufferEth;
  add("minBuffer", all.map(u), all.map(() => 1), "<=", Math.max(0, spare));
  add("minBuffer", [...all.map(u), ...all.map(l), ...all.map(d)], [...all.map(() => 1), ...all.map(() => 1), ...all.map(() => -1)], "<=", spare);
  add("turnover", [...all.map(u), ...all.map(d)], [...all.map(() => 1), ...all.map(() => 1)], "<=", limits.turnoverEth);

  // Definitions of e_k and g_k.
  inst.sets.forEach((_, k) => {
    const sp = setPositions[k]!;
    const e0 = sp.reduce((s, { i, f }) => s + f * P[i]!.active, 0);
    add(
      "definition",
      [e(k), ...sp.map(({ i }) => u(i)), ...sp.map(({ i }) => l(i)), ...sp.map(({ i }) => d(i))],
      [1, ...sp.map(({ f }) => -f), ...sp.map(({ f }) => -f), ...sp.map(({ f }) => f)],
      "=",
      e0,
    );
    add("definition", [g(k), ...sp.map(({ i }) => u(i))], [1, ...sp.map(({ f }) => -f)], "=", 0);
  });

  // Per operator: cap, and compromise loss when the cap does not imply it.
  const opCap = limits.operatorCapEth;
  const L = limits.scenarioLossEth;
  inst.operatorPositions.forEach((ps) => {
    if (!ps.length) return;
    const a = ps.reduce((s, i) => s + P[i]!.active, 0);
    const cur = ps.reduce((s, i) => s + P[i]!.active + P[i]!.queued, 0);
    add("operatorCap", [...ps.map(u), ...ps.map(l), ...ps.map(d)], [...ps.map(() => 1), ...ps.map(() => 1), ...ps.map(() => -1)], "<=", opCap - a);
    add("operatorCap", ps.map(u), ps.map(() => 1), "<=", Math.max(opCap, cur) - cur);
    if (L < opCap || !on("operatorCap")) {
      const sf = ps.map((i) => P[i]!.slashableFraction);
      const la = ps.reduce((s, i) => s + P[i]!.slashableFraction * P[i]!.active, 0);
      const lc = ps.reduce((s, i) => s + P[i]!.slashableFraction * (P[i]!.active + P[i]!.queued), 0);
      add("scenarioLoss", [...ps.map(u), ...ps.map(l), ...ps.map(d)], [...sf, ...sf, ...sf.map((x) => -x)], "<=", L - la);
      add("scenarioLoss", ps.map(u), sf, "<=", Math.max(L, lc) - lc);
    }
  });

  // Per set, per AVS, per cluster, total.
  const capRows = (family: LimitFamily, ks: number[], cap: number) => {
    const now = ks.reduce((s, k) => s + inst.sets[k]!.trellisNow, 0);
    add(family, ks.map(e), ks.map(() => 1), "<=", cap);
    add(family, ks.map(g), ks.map(() => 1), "<=", Math.max(cap, now) - now);
  };
  inst.sets.forEach((s, k) => capRows("operatorSetCap", [k], s.capEth));
  inst.avs.forEach((a) => {
    capRows("avsCap", a.sets, a.capEth);
    if (L < a.capEth || !on("avsCap")) capRows("scenarioLoss", a.sets, L);
  });
  inst.clusters.forEach((c) => capRows("scenarioLoss", c.sets, L));
  capRows("totalSlashableCap", inst.sets.map((_, k) => k), limits.totalSlashableCapEth);

  // Robustness: sets robust now stay robust.
  inst.sets.forEach((s, k) => {
    if (s.robustNow && s.robustnessBound > s.others) add("robustness", [e(k)], [1], ">=", s.robustnessBound - s.others);
  });

  // Objective.
  const h = params.horizonDays / 365;
  const gas = gasPerEth(inst);
  const delay = params.withdrawalDelayDays / 365;
  const obj: [string, number][] = [];
  const rewardCols: number[] = [];
  inst.sets.forEach((s, k) => {
    let coef = -h * s.slashingProbability * s.slashingSeverity;
    if (!params.dilution) coef += h * s.rewardApr;
    else if (s.rewardApr > 0) {
      rewardCols.push(k);
      obj.push([r(k), h]);
      const R = rewardBudget(s.rewardApr, s.totalStake);
      const so = dilutionOthers(s.others);
      const U = Math.max(s.capEth, 1e-9);
      const K = Math.max(2, params.tangentCuts);
      const pts = new Set<number>();
      for (let j = 0; j < K; j++) pts.add((U * j) / (K - 1));
      const e0 = setPositions[k]!.reduce((sum, { i, f }) => sum + f * P[i]!.active, 0);
      if (e0 < U) pts.add(e0);
      for (const ej of [...pts].sort((a, b) => a - b)) {
        const slope = (R * so) / ((so + ej) * (so + ej));
        const icpt = (R * ej * ej) / ((so + ej) * (so + ej));
        add("reward", [r(k), e(k)], [1, -slope], "<=", icpt);
      }
    }
    if (coef !== 0) obj.push([e(k), coef]);
  });
  P.forEach((p, i) => {
    if (gas) obj.push([u(i), -gas], [l(i), -gas]);
    const dc = delay * p.rewardApr + gas;
    if (dc) obj.push([d(i), -dc]);
  });

  // Text.
  const out: string[] = ["Maximize", " obj:"];
  const terms = (cols: string[], coefs: number[], sink: string[]) => {
    let line = "";
    let n = 0;
    for (let j = 0; j < cols.length; j++) {
      const c = coefs[j]!;
      if (c === 0) continue;
      line += c < 0 ? ` - ${num(-c)} ${cols[j]}` : ` + ${num(c)} ${cols[j]}`;
      if (++n % 8 === 0) {
        sink.push(line);
        line = "";
      }
    }
    if (line) sink.push(line);
    return n;
  };
  const nObj = feasibilityOnly ? 0 : terms(obj.map((t) => t[0]), obj.map((t) => t[1]), out);
  if (nObj === 0) out.push(" 0 zero");
  out.push("Subject To");
  let nnz = 0;
  const usedRows = rows.filter((row) => row.coefs.some((c) => c !== 0) || row.family === "definition");
  usedRows.forEach((row, n) => {
    const body: string[] = [];
    const cnt = terms(row.cols, row.coefs, body);
    nnz += cnt;
    if (cnt === 0) {
      // An empty row still constrains: 0 <= rhs. Keep it visible to HiGHS via a zero-cost column.
      body.push(" 0 zero");
    }
    out.push(` c${n}:${body.join("\n")} ${row.sense} ${num(row.rhs)}`);
  });
  out.push("Bounds");
  P.forEach((p, i) => {
    out.push(` 0 <= ${u(i)} <= ${upper[i] === Infinity ? "+inf" : num(upper[i]!)}`);
    out.push(` 0 <= ${l(i)} <= ${upper[i] === Infinity ? "+inf" : num(upper[i]!)}`);
    out.push(` ${num(Math.min(dLower[i]!, p.active))} <= ${d(i)} <= ${num(p.active)}`);
  });
  inst.sets.forEach((_, k) => {
    out.push(` ${e(k)} free`);
    out.push(` ${g(k)} free`);
  });
  for (const k of rewardCols) out.push(` ${r(k)} free`);
  out.push(" zero = 0");
  out.push("End");
  return {
    text: out.join("\n"),
    columns: 3 * P.length + 2 * inst.sets.length + rewardCols.length,
    rows: usedRows.length,
    nonzeros: nnz,
  };
}

interface SolveOutcome {
  status: "optimal" | "infeasible";
  moves: Moves;
  lpObjective: number;
}

async function solveLp(
  inst: Instance,
  relax: ReadonlySet<LimitFamily>,
  feasibilityOnly = false,
): Promise<SolveOutcome & { lp: LinearProgram }> {
  const highs = await loadHighs();
  const lp = buildLp(inst, relax, feasibilityOnly);
  let res: any;
  try {
    res = highs.solve(lp.text, { output_flag: false });
  } catch (e) {
    throw new SolverError("HiGHS failed", [(e as Error).message]);
  }
  const status: string = res.Status;
  if (status === "Infeasible" || status === "Primal infeasible or unbounded")
    return { status: "infeasible", moves: zeroMoves(inst), lpObjective: NaN, lp };
  if (status !== "Optimal") throw new SolverError(`HiGHS returned status "${status}"`);
  const cols = res.Columns as Record<string, { Primal: number }>;
  const moves = zeroMoves(inst);
  inst.positions.forEach((p, i) => {
    // Clamp solver round-off into the column bounds.
    moves.increaseNow[i] = Math.max(0, cols[`u${i}`]?.Primal ?? 0);
    moves.increaseLater[i] = Math.max(0, cols[`l${i}`]?.Primal ?? 0);
    moves.decrease[i] = Math.min(p.active, Math.max(0, cols[`d${i}`]?.Primal ?? 0));
  });
  return { status: "optimal", moves, lpObjective: res.ObjectiveValue as number, lp };
}

export interface OptimizeResult {
  instance: Instance;
  moves: Moves;
  /** Objective of the target (true dilution, not the cuts). */
  objective: ObjectiveBreakdown;
  /** Objective of doing nothing. */
  current: ObjectiveBreakdown;
  /** The LP's own objective value (tangent cuts, no constant). */
  lpObjective: number;
  lp: { columns: number; rows: number; nonzeros: number };
}

export interface OptimizeOptions {
  /** Leave these limit families out (diagnostics only; the result is not a valid plan). */
  relax?: LimitFamily[];
}

/** Solves the LP for an instance and verifies the result; throws typed errors. */
export async function optimizeInstance(inst: Instance, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const relax = new Set(options.relax ?? []);
  const out = await solveLp(inst, relax);
  if (out.status === "infeasible") throw await diagnoseInfeasibility(inst, relax);
  if (!relax.size) verifyMoves(inst, out.moves);
  return {
    instance: inst,
    moves: out.moves,
    objective: evaluateObjective(inst, out.moves),
    current: evaluateObjective(inst, zeroMoves(inst)),
    lpObjective: out.lpObjective,
    lp: { columns: out.lp.columns, rows: out.lp.rows, nonzeros: out.lp.nonzeros },
  };
}

/** Builds the instance from a snapshot and solves it. */
export async function optimize(
  snapshot: Snapshot,
  avsData: AvsData,
  params: Partial<EngineParams> = {},
  options: OptimizeOptions = {},
): Promise<OptimizeResult> {
  return optimizeInstance(buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...params }), options);
}

/**
 * Names the limits that conflict: a deletion filter over limit families (drop a family; if the LP
 * stays infeasible, it was not needed for the conflict) leaves a minimal conflicting set; and each
 * family is also tried alone to list those whose relaxation restores feasibility.
 */
async function diagnoseInfeasibility(inst: Instance, baseRelax: ReadonlySet<LimitFamily>): Promise<InfeasibleLimitsError> {
  const families = LIMIT_FAMILIES.filter((f) => !baseRelax.has(f));
  // Zero objective: a relaxed model may be unbounded, which says nothing about feasibility.
  const feasible = async (relax: Set<LimitFamily>) => (await solveLp(inst, relax, true)).status === "optimal";
  const relaxed = new Set(baseRelax);
  for (const f of families) {
    relaxed.add(f);
    if (await feasible(relaxed)) relaxed.delete(f);
  }
  const conflict = families.filter((f) => !relaxed.has(f));
  const relaxable: LimitFamily[] = [];
  for (const f of conflict) if (await feasible(new Set([...baseRelax, f]))) relaxable.push(f);
  const details = conflictDetails(inst, conflict);
  return new InfeasibleLimitsError(conflict, relaxable, details);
}

/** Human-readable facts about the conflicting families (what is forced, what is allowed). */
function conflictDetails(inst: Instance, conflict: LimitFamily[]): string[] {
  const P = inst.positions;
  const fmt = (x: number) => `${x.toFixed(2)} ETH`;
  const out: string[] = [];
  const has = (f: LimitFamily) => conflict.includes(f);
  if (has("turnover")) out.push(`turnover cap allows ${fmt(inst.limits.turnoverEth)} of moves per plan`);
  if (has("operatorCap")) {
    const over = inst.operatorPositions
      .map((ps, o) => ({ o, a: ps.reduce((s, i) => s + P[i]!.active, 0) }))
      .filter((x) => x.a > inst.limits.operatorCapEth);
    for (const x of over)
      out.push(`operator ${inst.operators[x.o]!.address} holds ${fmt(x.a)} over its cap ${fmt(inst.limits.operatorCapEth)}`);
  }
  if (has("allowlist")) {
    const off = P.filter((p) => !p.allowed && p.active > 0);
    for (const p of off) out.push(`operator ${p.operator} is off the allowlist with ${fmt(p.active)} in ${p.strategy}`);
  }
  if (has("minBuffer"))
    out.push(`buffer ${fmt(inst.buffer)} + completable ${fmt(inst.matured.reduce((a, b) => a + b, 0))} vs minimum ${fmt(inst.limits.minBufferEth)}`);
  if (has("totalSlashableCap")) out.push(`total slashable cap ${fmt(inst.limits.totalSlashableCapEth)}`);
  if (has("scenarioLoss")) out.push(`worst-case loss per scenario at most ${fmt(inst.limits.scenarioLossEth)}`);
  if (has("avsCap") || has("operatorSetCap") || has("robustness")) {
    const exp = new Float64Array(inst.sets.length);
    P.forEach((p) => p.sets.forEach((f) => (exp[f.set]! += f.fraction * p.active)));
    if (has("operatorSetCap"))
      inst.sets.forEach((s, k) => {
        if (exp[k]! > s.capEth) out.push(`operator set ${s.key} exposure ${fmt(exp[k]!)} over its cap ${fmt(s.capEth)}`);
      });
    if (has("avsCap"))
      inst.avs.forEach((a) => {
        const x = a.sets.reduce((s, k) => s + exp[k]!, 0);
        if (x > a.capEth) out.push(`AVS ${a.address} exposure ${fmt(x)} over its cap ${fmt(a.capEth)}`);
      });
    if (has("robustness"))
      inst.sets.forEach((s) => {
        if (s.robustNow && s.robustnessBound > s.others)
          out.push(`operator set ${s.key} needs ${fmt(s.robustnessBound - s.others)} of Trellis stake to stay robust`);
      });
  }
  return out;
}
