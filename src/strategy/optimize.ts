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
// Robustness. A set at or above its bound B_k in the snapshot gets the row e_k >= B_k - others
// (it stays robust). A set below it, by mode (EngineParams.robustness):
//   "snapshot"   u = l = 0 on every position allocated to it (column bounds): no new stake;
//   "bootstrap"  the disjunction "no new stake, or the set is robust after the plan (Trellis'
//                own stake counted)", with one binary b_k per such set, G_k = B_k - others_k > 0
//                  I_k <= M'_k b_k,   e_k >= G_k b_k,
//                I_k = sum_i f_ik (u_i + l_i) (zero iff no position allocated to the set grows)
//                and M'_k a tight bound on it (see maxSetExposures). When M_k, the largest e_k
//                the limits allow (set, AVS, total caps, loss limit, funding), is below G_k, Trellis cannot
//                lift the set: no binary, "snapshot" bounds. The LP becomes a MIP (HiGHS branch
//                and bound). On a set where Trellis has nothing yet (a fresh network) b_k = 0
//                means no exposure at all, so this is the exact condition; stake Trellis already
//                has on a set below its bound may stay, as in "snapshot" (forcing it out would
//                make today's state a violation and plans infeasible under the turnover cap).
// Rows implied by others (operator-compromise loss by the operator cap when L_max >= cap, AVS
// loss by the AVS cap when L_max >= cap) are left out to keep the LP small.
import type { Highs } from "highs";
import { InfeasibleLimitsError, SolverError, type LimitFamily } from "./errors.js";
import { buildInstance, robustnessMode, type Instance } from "./model.js";
import {
  dilutionOthers,
  evaluateObjective,
  fairShare,
  gasPerEth,
  glideTargets,
  netExposures,
  rewardBudget,
  uncertaintyPerEth,
  zeroMoves,
  type Moves,
  type ObjectiveBreakdown,
} from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type AvsData, type EngineParams, type Snapshot } from "./types.js";
import { verifyMoves } from "./verify.js";

let highsPromise: Promise<Highs> | undefined;
/** Loads the HiGHS WASM module once per process. */
export function loadHighs(): Promise<Highs> {
  // The package is CommonJS-typed; under ESM its default export is the loader itself.
  highsPromise ??= import("highs").then((m) => (m as unknown as { default: () => Promise<Highs> }).default());
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
  "tailRisk",
  "operatorPolicy",
];

/** What a limit row concerns: moves of one operator, of positions allocated to some sets, of
 *  one strategy, or every move. */
export type RowScope = { operator: number } | { sets: number[] } | { strategy: number } | "all";

interface Row {
  family: LimitFamily | "definition" | "reward" | "objective";
  /** A limit row's name, as `verify.ts` names the check (explanations). */
  name?: string | undefined;
  scope?: RowScope | undefined;
  cols: number[];
  coefs: number[];
  sense: "<=" | ">=" | "=";
  rhs: number;
}

/** The LP as sparse arrays (rows in CSR), maximized. `lpText` renders it in CPLEX LP format. */
export interface LinearProgram {
  /** Column j's name in the LP text: u/l/d + position, e/g + set, su/sl/sd + strategy, r + set,
   *  b + set (robustness binaries). */
  colName: (j: number) => string;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  /** Integer columns (binaries b_k of "bootstrap" robustness), or null for a pure LP. */
  integerCols: Int32Array | null;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  rowFamilies: Row["family"][];
  /** Name of each row ("" for definitions and reward cuts). */
  rowNames: string[];
  rowScopes: RowScope[];
  /** Column of n_k (net exposure of set k, paying depositors) and the reward columns r_k. */
  exposureCol: (k: number) => number;
  rewardCols: { set: number; col: number }[];
  /**
   * "bootstrap" with fixed lifts: one row per liftable set, e_k <= E0_k (not lifted: no growth)
   * or e_k >= B_k - others_k (lifted: robust after the plan). The greedy lift search turns one
   * into the other by changing the row's bounds.
   */
  lifts: { set: number; row: number; noGrowth: number; robust: number; name: string }[];
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  columns: number;
  rows: number;
  nonzeros: number;
}

const TANGENT_STEPS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

/** Formats a coefficient deterministically (shortest round-trip form, no "-0"). */
const num = (v: number): string => (Object.is(v, -0) || v === 0 ? "0" : String(v));

/**
 * Builds the LP with some limit families left out (`feasibilityOnly`: zero objective). Under
 * "bootstrap" robustness, `lifted` fixes the binaries (the sets in it must be robust after the
 * plan, the other liftable sets get no new stake): a pure LP again.
 */
export function buildLp(
  inst: Instance,
  relax: ReadonlySet<LimitFamily> = new Set(),
  feasibilityOnly = false,
  lifted?: ReadonlySet<number>,
): LinearProgram {
  const P = inst.positions;
  const n = P.length;
  const K = inst.sets.length;
  const nS = inst.strategies.length;
  const { limits, params } = inst;
  const on = (f: LimitFamily) => !relax.has(f);
  // Column layout: u, l, d per position; e, g per set; U, L, D per strategy; r per rewarded set.
  const u = (i: number) => i;
  const l = (i: number) => n + i;
  const d = (i: number) => 2 * n + i;
  const e = (k: number) => 3 * n + k;
  const g = (k: number) => 3 * n + K + k;
  const U = (si: number) => 3 * n + 2 * K + si;
  const Ls = (si: number) => 3 * n + 2 * K + nS + si;
  const D = (si: number) => 3 * n + 2 * K + 2 * nS + si;
  const rBase = 3 * n + 2 * K + 3 * nS;
  const rewardSets = params.dilution ? inst.sets.flatMap((s, k) => (s.rewardApr > 0 ? [k] : [])) : [];
  const rIndex = new Map(rewardSets.map((k, j) => [k, rBase + j]));
  const bBase = rBase + rewardSets.length;

  // Positions allocated to each set, and each set's steady exposure with no move.
  const setPositions: { i: number; f: number; net: number }[][] = inst.sets.map(() => []);
  P.forEach((p, i) => p.sets.forEach((s) => setPositions[s.set]!.push({ i, f: s.fraction, net: s.net })));
  const e0 = inst.sets.map((_, k) => setPositions[k]!.reduce((sum, { i, f }) => sum + f * P[i]!.active, 0));

  // "bootstrap" robustness: sets below their bound that Trellis could lift get a binary; the
  // others get no new stake (as in "snapshot").
  const bootstrap = on("robustness") && robustnessMode(inst) === "bootstrap";
  const reach = bootstrap ? maxSetExposures(inst, relax, setPositions, e0) : { maxExp: [], maxGrowth: [] };
  const binarySets: number[] = [];
  if (bootstrap)
    inst.sets.forEach((s, k) => {
      if (!s.robustNow && reach.maxExp[k]! >= s.robustnessBound - s.others) binarySets.push(k);
    });
  const liftable = new Set(lifted ? binarySets.filter((k) => lifted.has(k)) : binarySets);
  const fixedLifts = lifted ? [...liftable] : [];
  const liftSets = new Set(lifted ? binarySets : []);
  if (lifted) binarySets.length = 0;
  const bIndex = new Map(binarySets.map((k, j) => [k, bBase + j]));
  // Tail risk (zeta, z_s), diversification (t_o), glide-path shortfall (s_k).
  const tail = params.cvarWeight > 0 || (on("tailRisk") && params.cvarLimitBps < 10_000);
  const scenarios = tail ? inst.scenarios : [];
  const zetaCol = bBase + binarySets.length;
  const zBase = zetaCol + (tail ? 1 : 0);
  const divOps = params.diversificationPenalty > 0 ? inst.operatorPositions.flatMap((ps, o) => (ps.length ? [o] : [])) : [];
  const tBase = zBase + scenarios.length;
  const glide = on("robustness") && params.glideBps > 0 ? [...glideTargets(inst)] : [];
  const sBase = tBase + divOps.length;
  // Net exposure n_k (the part that pays depositors) of every set with a reward.
  const paying = inst.sets.flatMap((s, k) => (s.rewardApr > 0 ? [k] : []));
  const nBase = sBase + glide.length;
  const nIndex = new Map(paying.map((k, j) => [k, nBase + j]));
  const en = (k: number) => nIndex.get(k)!;
  const numCols = nBase + paying.length;

  // Rows go straight into growing CSR arrays (no per-row objects: at 2000 x 200 that was most of
  // the build time, in garbage collection). An empty row is kept only if it is violated (then the
  // LP must be infeasible).
  let scope: RowScope = "all";
  let indices = new Int32Array(1 << 16);
  let values = new Float64Array(1 << 16);
  const starts: number[] = [0];
  const lowers: number[] = [];
  const uppers: number[] = [];
  const rowFamilies: Row["family"][] = [];
  const rowNames: string[] = [];
  const rowScopes: RowScope[] = [];
  const lifts: LinearProgram["lifts"] = [];
  let z = 0;
  const add = (family: Row["family"], cols: number[], coefs: number[], sense: Row["sense"], rhs: number, name?: string, lift?: number) => {
    if (family !== "definition" && family !== "reward" && family !== "objective" && !on(family)) return;
    if (!coefs.some((c) => c !== 0) && rowHolds({ family, cols, coefs, sense, rhs }, 0)) return;
    if (z + cols.length > indices.length) {
      const size = Math.max(2 * indices.length, z + cols.length);
      const ni = new Int32Array(size);
      ni.set(indices);
      indices = ni;
      const nv = new Float64Array(size);
      nv.set(values);
      values = nv;
    }
    for (let j = 0; j < cols.length; j++) {
      const v = coefs[j]!;
      if (v === 0) continue;
      indices[z] = cols[j]!;
      values[z++] = v;
    }
    if (lift !== undefined) {
      const s = inst.sets[lift]!;
      lifts.push({ set: lift, row: lowers.length, noGrowth: e0[lift]!, robust: s.robustnessBound - s.others, name: `set ${s.key}` });
    }
    starts.push(z);
    lowers.push(sense === "<=" ? -Infinity : rhs);
    uppers.push(sense === ">=" ? Infinity : rhs);
    rowFamilies.push(family);
    rowNames.push(name ?? "");
    rowScopes.push(scope);
  };
  const ones = (m: number) => new Array<number>(m).fill(1);
  const neg = (m: number) => new Array<number>(m).fill(-1);

  // Column bounds.
  const colLower = new Float64Array(numCols).fill(-Infinity);
  const colUpper = new Float64Array(numCols).fill(Infinity);
  P.forEach((p, i) => {
    colLower[u(i)] = colLower[l(i)] = colLower[d(i)] = 0;
    colUpper[d(i)] = p.active;
    if (!p.allowed && on("allowlist")) {
      colUpper[u(i)] = colUpper[l(i)] = 0;
      colLower[d(i)] = p.active;
    }
  });
  for (const k of binarySets) {
    colLower[bIndex.get(k)!] = 0;
    colUpper[bIndex.get(k)!] = 1;
  }
  for (let j = zetaCol; j < nBase; j++) colLower[j] = 0;
  // Operator policy: an operator whose allocation delay is below the minimum gets no new stake.
  if (on("operatorPolicy"))
    P.forEach((p, i) => {
      if (p.policyBlocked) colUpper[u(i)] = colUpper[l(i)] = 0;
    });

  // Liquidity and buffer, on per-strategy sums (U_s, L_s, D_s) to keep the dense rows short.
  const byStrategy: number[][] = inst.strategies.map(() => []);
  P.forEach((p, i) => byStrategy[p.strategyIndex]!.push(i));
  const S = inst.strategies.map((_, si) => si);
  S.forEach((si) => {
    const idx = byStrategy[si]!;
    add("definition", [U(si), ...idx.map(u)], [1, ...neg(idx.length)], "=", 0);
    add("definition", [Ls(si), ...idx.map(l)], [1, ...neg(idx.length)], "=", 0);
    add("definition", [D(si), ...idx.map(d)], [1, ...neg(idx.length)], "=", 0);
    const sym = inst.strategies[si]!.symbol;
    scope = { strategy: si };
    add("liquidity", [U(si)], [1], "<=", inst.idle[si]! + inst.matured[si]!, `increaseNow ${sym}`);
    add("liquidity", [Ls(si), D(si)], [1, -1], "<=", 0, `redeposit ${sym}`);
  });
  const matured = inst.matured.reduce((a, b) => a + b, 0);
  const spare = inst.buffer + matured - limits.minBufferEth;
  scope = "all";
  add("minBuffer", S.map(U), ones(nS), "<=", Math.max(0, spare), "buffer now");
  add("minBuffer", [...S.map(U), ...S.map(Ls), ...S.map(D)], [...ones(2 * nS), ...neg(nS)], "<=", spare, "buffer steady");
  add("turnover", [...S.map(U), ...S.map(D)], ones(2 * nS), "<=", limits.turnoverEth, "turnover");

  // Definitions of e_k (steady exposure) and g_k (growth now).
  inst.sets.forEach((_, k) => {
    const sp = setPositions[k]!;
    const cols = [e(k)];
    const coefs = [1];
    for (const { i, f } of sp) cols.push(u(i), l(i), d(i)), coefs.push(-f, -f, f);
    add("definition", cols, coefs, "=", e0[k]!);
    add("definition", [g(k), ...sp.map(({ i }) => u(i))], [1, ...sp.map(({ f }) => -f)], "=", 0);
  });
  for (const k of paying) {
    const sp = setPositions[k]!;
    const cols = [en(k)];
    const coefs = [1];
    for (const { i, net } of sp) cols.push(u(i), l(i), d(i)), coefs.push(-net, -net, net);
    add("definition", cols, coefs, "=", sp.reduce((sum, { i, net }) => sum + net * P[i]!.active, 0));
  }

  // Per operator: cap, and compromise loss when the cap does not imply it.
  const opCap = limits.operatorCapEth;
  const L = limits.scenarioLossEth;
  inst.operatorPositions.forEach((ps, o) => {
    if (!ps.length) return;
    const who = inst.operators[o]!.address;
    scope = { operator: o };
    const a = ps.reduce((s, i) => s + P[i]!.active, 0);
    const cur = ps.reduce((s, i) => s + P[i]!.active + P[i]!.queued, 0);
    const steadyCols = [...ps.map(u), ...ps.map(l), ...ps.map(d)];
    add("operatorCap", steadyCols, [...ones(2 * ps.length), ...neg(ps.length)], "<=", opCap - a, `operator ${who} steady`);
    add("operatorCap", ps.map(u), ones(ps.length), "<=", Math.max(opCap, cur) - cur, `operator ${who} now`);
    if (L < opCap || !on("operatorCap")) {
      const sf = ps.map((i) => P[i]!.slashableFraction);
      const la = ps.reduce((s, i) => s + P[i]!.slashableFraction * P[i]!.active, 0);
      const lc = ps.reduce((s, i) => s + P[i]!.slashableFraction * (P[i]!.active + P[i]!.queued), 0);
      add("scenarioLoss", steadyCols, [...sf, ...sf, ...sf.map((x) => -x)], "<=", L - la, `operator compromised ${who} steady`);
      add("scenarioLoss", ps.map(u), sf, "<=", Math.max(L, lc) - lc, `operator compromised ${who} now`);
    }
  });

  // Per set, per AVS, per cluster, total (total slashable = sum_k e_k).
  // Worst case: positions whose operator can still allocate before Trellis could leave add
  // reachable_i x_i to every group of sets they are allocated to (risk.ts reachableExtra).
  const reaching = P.flatMap((p, i) => (p.reachable > 0 ? [i] : []));
  const capRows = (family: LimitFamily, ks: number[], cap: number, name: string) => {
    scope = ks.length === inst.sets.length ? "all" : { sets: ks };
    let rs = reaching;
    if (ks.length !== inst.sets.length) {
      const seen = new Set<number>();
      for (const k of ks) for (const { i } of setPositions[k]!) if (P[i]!.reachable > 0) seen.add(i);
      rs = [...seen].sort((a, b) => a - b);
    }
    const phi = rs.map((i) => P[i]!.reachable);
    const extraSteady = rs.reduce((acc, i) => acc + P[i]!.reachable * P[i]!.active, 0);
    const extraNow = rs.reduce((acc, i) => acc + P[i]!.reachable * (P[i]!.active + P[i]!.queued), 0);
    const now = ks.reduce((s, k) => s + inst.sets[k]!.trellisNow, 0) + extraNow;
    add(
      family,
      [...ks.map(e), ...rs.map(u), ...rs.map(l), ...rs.map(d)],
      [...ones(ks.length), ...phi, ...phi, ...phi.map((x) => -x)],
      "<=",
      cap - extraSteady,
      `${name} steady`,
    );
    add(family, [...ks.map(g), ...rs.map(u)], [...ones(ks.length), ...phi], "<=", Math.max(cap, now) - now, `${name} now`);
  };
  inst.sets.forEach((s, k) => capRows("operatorSetCap", [k], s.capEth, `set ${s.key}`));
  inst.avs.forEach((a) => {
    capRows("avsCap", a.sets, a.capEth, `avs ${a.address}`);
    if (L < a.capEth || !on("avsCap")) capRows("scenarioLoss", a.sets, L, `avs slashes ${a.address}`);
  });
  inst.clusters.forEach((c) => capRows("scenarioLoss", c.sets, L, `cluster fails ${c.tag}`));
  capRows("totalSlashableCap", inst.sets.map((_, k) => k), limits.totalSlashableCapEth, "total slashable");

  // Robustness: sets robust now stay robust; below the bound, Trellis' steady exposure does not
  // grow (other operators in the set may gain stake another one loses), and the glide path
  // shrinks it (soft: a shortfall s_k is charged glidePenalty per ETH).
  inst.sets.forEach((s, k) => {
    scope = { sets: [k] };
    if (s.robustNow && s.robustnessBound > s.others)
      add("robustness", [e(k)], [1], ">=", s.robustnessBound - s.others, `set ${s.key} stays robust`);
    else if (!s.robustNow && !liftable.has(k) && setPositions[k]!.length)
      add("robustness", [e(k)], [1], "<=", e0[k]!, `set ${s.key} below bound: no growth`, liftSets.has(k) ? k : undefined);
  });
  // Operator policy: a redistributing set's exposure does not grow unless allowed.
  if (!params.allowRedistributingSets)
    inst.sets.forEach((s, k) => {
      scope = { sets: [k] };
      if (s.redistributing && setPositions[k]!.length)
        add("operatorPolicy", [e(k)], [1], "<=", e0[k]!, `set ${s.key} redistributing: no growth`);
    });
  glide.forEach(([k, target], j) => add("objective", [e(k), sBase + j], [1, -1], "<=", target, `set ${inst.sets[k]!.key} glide path`));
  // "bootstrap": below the bound, either no new stake (b = 0) or robust after the plan (b = 1).
  for (const k of binarySets) {
    const b = bIndex.get(k)!;
    const s = inst.sets[k]!;
    const inc = setPositions[k]!.filter(({ f }) => f > 0);
    const fs = inc.map(({ f }) => f);
    add("robustness", [...inc.map(({ i }) => u(i)), ...inc.map(({ i }) => l(i)), b], [...fs, ...fs, -reach.maxGrowth[k]!], "<=", 0);
    add("robustness", [e(k), b], [1, -(s.robustnessBound - s.others)], ">=", 0);
  }
  for (const k of fixedLifts)
    add("robustness", [e(k)], [1], ">=", inst.sets[k]!.robustnessBound - inst.sets[k]!.others, `set ${inst.sets[k]!.key} lifted: robust after the plan`, k);

  // Tail risk: z_s >= loss_s - zeta, loss_s linear in e (set scenarios) or in the operator's
  // positions (compromise: its slashable stake). CVaR = zeta + 1/(1-alpha) sum pi_s z_s.
  const tailW = 1 / Math.max(1 - params.cvarAlpha, 1e-9);
  scenarios.forEach((sc, j) => {
    if (sc.operator !== null) {
      const ps = inst.operatorPositions[sc.operator]!;
      const sf = ps.map((i) => P[i]!.slashableFraction);
      const base = ps.reduce((acc, i) => acc + P[i]!.slashableFraction * P[i]!.active, 0);
      add("definition", [zBase + j, zetaCol, ...ps.map(u), ...ps.map(l), ...ps.map(d)], [1, 1, ...sf.map((x) => -x), ...sf.map((x) => -x), ...sf], ">=", base);
    } else
      add("definition", [zBase + j, zetaCol, ...sc.setLoss.map(({ set }) => e(set))], [1, 1, ...sc.setLoss.map(({ coef }) => -coef)], ">=", 0);
  });
  scope = "all";
  if (tail && params.cvarLimitBps < 10_000)
    add(
      "tailRisk",
      [zetaCol, ...scenarios.map((_, j) => zBase + j)],
      [1, ...scenarios.map((sc) => tailW * sc.probability)],
      "<=",
      (params.cvarLimitBps / 10_000) * inst.tvl,
      "CVaR of annual loss",
    );
  // Diversification: t_o >= stake_o - fair share.
  const fair = fairShare(inst);
  divOps.forEach((o, j) => {
    const ps = inst.operatorPositions[o]!;
    const a = ps.reduce((acc, i) => acc + P[i]!.active, 0);
    add("definition", [tBase + j, ...ps.map(u), ...ps.map(l), ...ps.map(d)], [1, ...neg(2 * ps.length), ...ones(ps.length)], ">=", a - fair);
  });

  // Objective and reward cuts.
  const h = params.horizonDays / 365;
  const gas = gasPerEth(inst);
  const delay = params.withdrawalDelayDays / 365;
  const cost = new Float64Array(numCols);
  // Tangent points: spread over the net exposure one plan can reach (today's net exposure n0_k
  // +- the most stake a plan can add or remove, times the set's largest net fraction), within
  // [0, cap], plus n0_k itself: the cuts are dense where the solution can be.
  const reachMove = maxPlanStake(inst, relax);
  inst.sets.forEach((s, k) => {
    cost[e(k)] = -h * s.slashingProbability * s.slashingSeverity;
    if (!params.dilution && nIndex.has(k)) cost[en(k)] = h * s.rewardApr;
    const rk = rIndex.get(k);
    if (rk === undefined) return;
    cost[rk] = h;
    const R = rewardBudget(s.rewardApr, s.totalStake);
    const so = dilutionOthers(s.others);
    const sp = setPositions[k]!;
    const n0 = sp.reduce((sum, { i, net }) => sum + net * P[i]!.active, 0);
    const maxNet = sp.reduce((m, { net }) => Math.max(m, net), 0);
    const cap = Math.max(s.capEth, n0, 1e-9);
    const lo = Math.max(0, n0 - maxNet * reachMove.removed);
    const hi = Math.max(lo + 1e-9, Math.min(cap, n0 + maxNet * reachMove.added));
    const nCuts = Math.max(2, params.tangentCuts);
    const pts = new Set<number>([lo, hi, n0]);
    const span = Math.max(n0, dilutionOthers(s.others) / 4);
    for (const f of TANGENT_STEPS.slice(0, Math.max(0, nCuts - 2))) for (const p of [n0 - f * span, n0 + f * span]) if (p > lo && p < hi) pts.add(p);
    // A set the greedy lift search may lift: cuts where the lift puts its net exposure (the
    // robustness gap, at the set's own net-to-gross ratio), so a trial's objective is close to
    // its true value before any refinement.
    if (liftSets.has(k)) {
      const gross = sp.reduce((sum, { i, f }) => sum + f * P[i]!.active, 0);
      const ratio = gross > 0 ? n0 / gross : sp.reduce((m, { f, net }) => Math.max(m, f > 0 ? net / f : 0), 0);
      const atLift = ratio * (s.robustnessBound - s.others);
      for (const f of [0.8, 1, 1.25]) if (atLift * f > 0) pts.add(atLift * f);
    }
    for (const ej of [...pts].sort((x, y) => x - y)) {
      const slope = (R * so) / ((so + ej) * (so + ej));
      const icpt = (R * ej * ej) / ((so + ej) * (so + ej));
      add("reward", [rk, en(k)], [1, -slope], "<=", icpt);
    }
  });
  P.forEach((p, i) => {
    const sigma = uncertaintyPerEth(inst, i);
    cost[u(i)] = -gas - sigma;
    cost[l(i)] = -gas - sigma;
    cost[d(i)] = -(delay * p.rewardApr + gas + sigma);
  });
  if (tail) {
    cost[zetaCol] = -params.cvarWeight * h;
    scenarios.forEach((sc, j) => (cost[zBase + j] = -params.cvarWeight * h * tailW * sc.probability));
  }
  divOps.forEach((_, j) => (cost[tBase + j] = -params.diversificationPenalty * h));
  glide.forEach((_, j) => (cost[sBase + j] = -params.glidePenalty));
  if (feasibilityOnly) cost.fill(0);

  const names = ["u", "l", "d"];
  return {
    colName: (j: number) =>
      j < 3 * n
        ? `${names[Math.floor(j / Math.max(n, 1))]}${j % n}`
        : j < 3 * n + 2 * K
          ? `${j < 3 * n + K ? "e" : "g"}${(j - 3 * n) % K}`
          : j < rBase
            ? `${["su", "sl", "sd"][Math.floor((j - 3 * n - 2 * K) / nS)]}${(j - 3 * n - 2 * K) % nS}`
            : j < bBase
              ? `r${rewardSets[j - rBase]}`
              : j < zetaCol
                ? `b${binarySets[j - bBase]}`
                : j < zBase
                  ? "zeta"
                  : j < tBase
                    ? `z${j - zBase}`
                    : j < sBase
                      ? `t${divOps[j - tBase]}`
                      : j < nBase
                        ? `s${glide[j - sBase]![0]}`
                        : `n${paying[j - nBase]}`,
    colCost: cost,
    colLower,
    colUpper,
    integerCols: binarySets.length ? Int32Array.from(binarySets, (k) => bIndex.get(k)!) : null,
    rowLower: Float64Array.from(lowers),
    rowUpper: Float64Array.from(uppers),
    rowFamilies,
    rowNames,
    rowScopes,
    exposureCol: en,
    rewardCols: [...rIndex].map(([set, col]) => ({ set, col })),
    lifts,
    starts: Int32Array.from(starts),
    indices: indices.slice(0, z),
    values: values.slice(0, z),
    columns: numCols,
    rows: lowers.length,
    nonzeros: z,
  };
}

/**
 * The most stake one plan can add (N, see maxSetExposures) and remove (decreases <= active stake,
 * and <= the turnover cap), from the limits that are not relaxed.
 */
function maxPlanStake(inst: Instance, relax: ReadonlySet<LimitFamily>): { added: number; removed: number } {
  const on = (f: LimitFamily) => !relax.has(f);
  const { limits } = inst;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const matured = sum(inst.matured);
  let nowMax = Infinity;
  if (on("liquidity")) nowMax = Math.min(nowMax, sum(inst.idle) + matured);
  if (on("turnover")) nowMax = Math.min(nowMax, limits.turnoverEth);
  if (on("minBuffer")) nowMax = Math.min(nowMax, Math.max(0, inst.buffer + matured - limits.minBufferEth));
  const active = sum(inst.positions.map((p) => p.active));
  const laterMax = on("liquidity") ? active : Infinity;
  let added = Math.min(nowMax + laterMax, 1000 * Math.max(1, inst.tvl + active));
  if (on("liquidity") && on("turnover")) added = Math.min(added, limits.turnoverEth);
  const removed = on("turnover") ? Math.min(active, limits.turnoverEth) : active;
  return { added: Math.max(0, added), removed: Math.max(0, removed) };
}

/**
 * Big-M values of the "bootstrap" rows, from the limits that are not relaxed. N: the most stake
 * a plan can add (increases now <= buffer + completable, turnover, spare buffer; increases later
 * <= decreases <= active stake; with liquidity and turnover, now + later <= turnover). C_k: the
 * tightest direct cap on e_k (set, AVS, total slashable caps, loss limit). maxGrowth_k bounds
 * sum_i f_ik (u_i + l_i) = e_k - E0_k + sum_i f_ik d_i <= C_k, and <= max_i f_ik x N; maxExp_k
 * bounds e_k: min(C_k, E0_k + max_i f_ik x N). With the funding limits relaxed (diagnosis only)
 * N falls back to 1000 x (TVL + active stake): no real plan comes near it.
 */
function maxSetExposures(
  inst: Instance,
  relax: ReadonlySet<LimitFamily>,
  setPositions: { i: number; f: number }[][],
  e0: number[],
): { maxExp: number[]; maxGrowth: number[] } {
  const on = (f: LimitFamily) => !relax.has(f);
  const P = inst.positions;
  const { limits } = inst;
  const maxAdded = maxPlanStake(inst, relax).added;
  const maxGrowth: number[] = [];
  const maxExp = inst.sets.map((s, k) => {
    let m = Infinity;
    if (on("operatorSetCap")) m = Math.min(m, s.capEth);
    if (on("avsCap")) m = Math.min(m, inst.avs[s.avsIndex]!.capEth);
    if (on("totalSlashableCap")) m = Math.min(m, limits.totalSlashableCapEth);
    if (on("scenarioLoss")) m = Math.min(m, limits.scenarioLossEth);
    const grow = setPositions[k]!.filter(({ i }) => P[i]!.allowed || !on("allowlist"));
    const maxF = grow.reduce((x, { f }) => Math.max(x, f), 0);
    maxGrowth.push(Math.max(0, Math.min(m, maxF * maxAdded)));
    return Math.max(0, Math.min(m, e0[k]! + maxF * maxAdded));
  });
  return { maxExp, maxGrowth };
}

function rowHolds(row: Row, activity: number): boolean {
  return row.sense === "<=" ? activity <= row.rhs : row.sense === ">=" ? activity >= row.rhs : activity === row.rhs;
}

/** Renders the LP in CPLEX LP format (deterministic: fixed order, shortest round-trip numbers). */
export function lpText(lp: LinearProgram): string {
  const out: string[] = ["Maximize", " obj:"];
  const terms = (cols: ArrayLike<number>, coefs: ArrayLike<number>, from: number, to: number) => {
    const lines: string[] = [];
    let line = "";
    let n = 0;
    for (let j = from; j < to; j++) {
      const c = coefs[j]!;
      if (c === 0) continue;
      line += c < 0 ? ` - ${num(-c)} ${lp.colName(cols[j]!)}` : ` + ${num(c)} ${lp.colName(cols[j]!)}`;
      if (++n % 8 === 0) {
        lines.push(line);
        line = "";
      }
    }
    if (line) lines.push(line);
    return lines;
  };
  const objCols = Int32Array.from(lp.colCost.keys());
  const objLines = terms(objCols, lp.colCost, 0, lp.columns);
  out.push(...(objLines.length ? objLines : [" 0 zero"]));
  out.push("Subject To");
  for (let n = 0; n < lp.rows; n++) {
    const body = terms(lp.indices, lp.values, lp.starts[n]!, lp.starts[n + 1]!);
    const expr = body.length ? body.join("\n") : " 0 zero";
    const lo = lp.rowLower[n]!;
    const up = lp.rowUpper[n]!;
    if (lo === up) out.push(` c${n}:${expr} = ${num(up)}`);
    else if (lo === -Infinity) out.push(` c${n}:${expr} <= ${num(up)}`);
    else if (up === Infinity) out.push(` c${n}:${expr} >= ${num(lo)}`);
    else out.push(` c${n}: ${num(lo)} <=${expr} <= ${num(up)}`);
  }
  out.push("Bounds");
  const bound = (v: number) => (v === Infinity ? "+inf" : v === -Infinity ? "-inf" : num(v));
  lp.colCost.forEach((_, j) => {
    const name = lp.colName(j);
    const lo = lp.colLower[j]!;
    const up = lp.colUpper[j]!;
    if (lo === -Infinity && up === Infinity) out.push(` ${name} free`);
    else out.push(` ${bound(lo)} <= ${name} <= ${bound(up)}`);
  });
  out.push(" zero = 0");
  if (lp.integerCols) {
    out.push("Binary");
    for (const j of lp.integerCols) out.push(` ${lp.colName(j)}`);
  }
  out.push("End");
  return out.join("\n");
}

interface SolveOutcome {
  status: "optimal" | "infeasible";
  moves: Moves;
  lpObjective: number;
  lp: LinearProgram;
  binding: BindingLimit[];
  /** LP solves of the dilution refinement (1: the first solve was within tolerance). */
  rounds: number;
  /** Simplex iterations of all solves (0 for the text backend). */
  iterations: number;
}

/**
 * How the LP reaches HiGHS: "arrays" passes the sparse matrix to a HiGHS model directly (fast:
 * no text to parse); "lpText" renders CPLEX LP text and calls `highs.solve` (the format to read
 * or replay a model by hand). Both solve the same LP.
 */
export type LpBackend = "arrays" | "lpText";

/**
 * MIP options: integrality to 1e-9, so a binary at 0 leaves at most M_k 1e-9 of exposure (far
 * below the verifier's tolerance), and a relative gap of 1e-6 (the LP's optimum up to round-off).
 */
const MIP_OPTIONS = { mip_feasibility_tolerance: 1e-9, mip_rel_gap: 1e-6 } as const;

/**
 * LP options: no presolve. The LP has few reductions to offer (its rows are limits and
 * definitions over distinct columns) and presolve cost about a quarter of the solve at 2000x200;
 * the warm re-solves of the refinement skip it anyway. No cost perturbation in the dual simplex:
 * on this LP it took a third more iterations (2000x200: 3,827 against 3,571; the "bootstrap"
 * search 11,501 against 7,000), and a solve that ends in any other state than optimal,
 * infeasible or unbounded is run again with it (`PERTURBED`).
 */
const NO_PERTURBATION = { dual_simplex_cost_perturbation_multiplier: 0 } as const;
const PERTURBED = { dual_simplex_cost_perturbation_multiplier: 1 } as const;
const LP_OPTIONS = { presolve: "off", ...NO_PERTURBATION } as const;

function integrality(lp: LinearProgram): Int32Array {
  const out = new Int32Array(lp.columns);
  for (const j of lp.integerCols ?? []) out[j] = 1;
  return out;
}

interface HighsRun {
  status: string;
  x: ArrayLike<number>;
  /** Row duals (shadow prices), in the LP's row order; empty for a MIP. */
  duals: ArrayLike<number>;
  objective: number;
}

/** A reward cut added by the dilution refinement: r_k - slope e_k <= icpt. */
interface Cut {
  set: number;
  point: number;
}

function rewardCutRow(inst: Instance, k: number, ej: number): { slope: number; icpt: number } {
  const s = inst.sets[k]!;
  const R = rewardBudget(s.rewardApr, s.totalStake);
  const so = dilutionOthers(s.others);
  return { slope: (R * so) / ((so + ej) * (so + ej)), icpt: (R * ej * ej) / ((so + ej) * (so + ej)) };
}

/**
 * Dilution refinement: the cuts over-estimate the concave reward between their points. At the
 * solution, the gap (LP reward - true reward) x horizon is compared with `dilutionTolerance` x
 * |LP objective|; when it is larger, a cut at the solution's exposure is added for every set
 * whose reward is over-estimated, and the LP solved again (warm).
 */
function refinementCuts(inst: Instance, lp: LinearProgram, x: ArrayLike<number>, objective: number): Cut[] {
  const h = inst.params.horizonDays / 365;
  let gap = 0;
  const over: { set: number; point: number; gap: number }[] = [];
  for (const { set, col } of lp.rewardCols) {
    const ek = Math.max(0, x[lp.exposureCol(set)]!);
    const s = inst.sets[set]!;
    const truth = (rewardBudget(s.rewardApr, s.totalStake) * ek) / (dilutionOthers(s.others) + ek);
    const g = h * (x[col]! - truth);
    gap += Math.max(0, g);
    if (g > 0) over.push({ set, point: ek, gap: g });
  }
  if (gap <= inst.params.dilutionTolerance * Math.max(Math.abs(objective), 1e-9)) return [];
  const floor = 1e-3 * gap / Math.max(1, over.length);
  return over.filter((o) => o.gap > floor).map(({ set, point }) => ({ set, point }));
}

/**
 * Column generation (pricing): the first solve leaves out the moves of positions unlikely to move
 * (their u, l, d fixed at 0), and every later solve brings back each left-out position whose
 * column has a positive reduced cost (it would improve the objective). When none has, the
 * restricted optimum is the full LP's optimum (LP duality); a restricted LP that is infeasible
 * brings back every position. On large instances this makes each simplex iteration several times
 * cheaper (most of the 3 x positions columns sit at 0).
 *
 * Likely movers, by a first-order score at today's state: the value of one more ETH in the
 * position over the horizon (diluted reward at today's net exposure - expected loss - gas -
 * uncertainty - glide penalty on sets the glide path shrinks), the best `share` for increases and
 * the worst for decreases; positions that must move (off the allowlist) always.
 */
export function likelyMovers(inst: Instance, share = 0.06): Uint8Array {
  const P = inst.positions;
  const h = inst.params.horizonDays / 365;
  const n0 = netExposures(inst, Float64Array.from(P, (p) => p.active));
  const glide = glideTargets(inst);
  const gas = gasPerEth(inst);
  const value = P.map((p, i) => {
    let v = 0;
    for (const f of p.sets) {
      const s = inst.sets[f.set]!;
      const so = dilutionOthers(s.others);
      v += h * (f.net * rewardBudget(s.rewardApr, s.totalStake) * so / ((so + n0[f.set]!) * (so + n0[f.set]!)) - f.fraction * s.slashingProbability * s.slashingSeverity);
      if (glide.has(f.set)) v -= inst.params.glidePenalty * f.fraction;
    }
    return v - gas - uncertaintyPerEth(inst, i);
  });
  const order = P.map((_, i) => i).sort((a, b) => value[b]! - value[a]! || a - b);
  const k = Math.max(20, Math.ceil(share * P.length));
  const out = new Uint8Array(P.length);
  for (const i of order.slice(0, k)) out[i] = 1;
  for (const i of order.slice(-k)) if (P[i]!.active > 0) out[i] = 1;
  P.forEach((p, i) => {
    if (!p.allowed && p.active > 0) out[i] = 1;
  });
  return out;
}

/** Reduced costs above this (ETH per ETH) bring a left-out position back (HiGHS' dual tolerance). */
const PRICING_TOLERANCE = 1e-7;

function runHighs(
  highs: Highs,
  lp: LinearProgram,
  backend: LpBackend,
  inst: Instance,
  refine: boolean,
  movers: Uint8Array | null = null,
  greedyLifts = false,
): { run: HighsRun; cuts: Cut[]; rounds: number; iterations: number; lifted?: Set<number> } {
  const rounds = Math.max(1, inst.params.maxDilutionRounds);
  if (backend === "lpText") {
    // Text: rebuild with the accumulated cuts each round (same cuts as the arrays path).
    const cuts: Cut[] = [];
    let cur = lp;
    for (let round = 1; ; round++) {
      const res = highs.solve(lpText(cur), { output_flag: false, ...(cur.integerCols ? MIP_OPTIONS : LP_OPTIONS) });
      if (res.Status !== "Optimal") return { run: { status: res.Status, x: [], duals: [], objective: NaN }, cuts, rounds: round, iterations: 0 };
      const cols = res.Columns as Record<string, { Primal: number }>;
      const x = Array.from(cur.colCost, (_, j) => cols[cur.colName(j)]?.Primal ?? 0);
      const duals = cur.integerCols ? [] : (res.Rows as { Dual?: number }[]).map((r) => r.Dual ?? 0);
      const run = { status: "Optimal", x, duals, objective: res.ObjectiveValue };
      const more = refine && !cur.integerCols && round < rounds ? refinementCuts(inst, cur, x, res.ObjectiveValue) : [];
      if (!more.length) return { run, cuts, rounds: round, iterations: 0 };
      cuts.push(...more);
      cur = withCuts(inst, lp, cuts);
    }
  }
  const inf = (v: number) => (v === Infinity ? highs.infinity : v === -Infinity ? -highs.infinity : v);
  const n = inst.positions.length;
  // Column generation: the left-out positions' u, l, d columns are not in the model at all (a
  // fixed column still costs the dual simplex in every iteration); they are added when they price
  // in. `modelOf[j]`: the model's index of LP column j (-1: left out); `lpOf[m]`: the reverse.
  const out = movers ? Uint8Array.from(movers, (m) => 1 - m) : new Uint8Array(n);
  const inModel = (j: number) => j >= 3 * n || !out[j % n];
  const modelOf = new Int32Array(lp.columns).fill(-1);
  const lpOf: number[] = [];
  for (let j = 0; j < lp.columns; j++) if (inModel(j)) (modelOf[j] = lpOf.length), lpOf.push(j);
  const m0 = lpOf.length;
  // The LP's rows over the model's columns.
  const starts = new Int32Array(lp.rows + 1);
  const indices = new Int32Array(lp.nonzeros);
  const values = new Float64Array(lp.nonzeros);
  let z = 0;
  for (let r = 0; r < lp.rows; r++) {
    for (let k = lp.starts[r]!; k < lp.starts[r + 1]!; k++) {
      const mj = modelOf[lp.indices[k]!]!;
      if (mj < 0) continue;
      indices[z] = mj;
      values[z++] = lp.values[k]!;
    }
    starts[r + 1] = z;
  }
  // Columns of the left-out positions (CSC over the LP's rows), to price them and to add them.
  const posCols = movers ? positionColumns(lp, n) : null;
  const integer = lp.integerCols ? integrality(lp) : null;
  return highs.withModel(
    {
      numCols: m0,
      numRows: lp.rows,
      sense: highs.constants.objectiveSense.maximize,
      colCost: Float64Array.from(lpOf, (j) => lp.colCost[j]!),
      colLower: Float64Array.from(lpOf, (j) => inf(lp.colLower[j]!)),
      colUpper: Float64Array.from(lpOf, (j) => inf(lp.colUpper[j]!)),
      rowLower: lp.rowLower.map(inf),
      rowUpper: lp.rowUpper.map(inf),
      matrix: { format: "csr", numRows: lp.rows, numCols: m0, starts, indices: indices.subarray(0, z), values: values.subarray(0, z) },
      ...(integer ? { integrality: Int32Array.from(lpOf, (j) => integer[j]!) } : {}),
    },
    (model) => {
      // Pricing: a restricted first solve is small enough that presolve pays.
      model.options.set({ output_flag: false, ...(lp.integerCols ? MIP_OPTIONS : movers ? NO_PERTURBATION : LP_OPTIONS) });
      let left = out.reduce((a, b) => a + b, 0);
      // Brings left-out positions back: their columns are appended to the model (one call).
      const bringIn = (positions: number[]) => {
        const cols: number[] = [];
        for (const i of positions) if (out[i]) (out[i] = 0), cols.push(i, n + i, 2 * n + i);
        if (!cols.length) return 0;
        const cs = new Int32Array(cols.length + 1);
        let nz = 0;
        for (let c = 0; c < cols.length; c++) nz += posCols!.starts[cols[c]! + 1]! - posCols!.starts[cols[c]!]!;
        const ri = new Int32Array(nz);
        const rv = new Float64Array(nz);
        nz = 0;
        cols.forEach((j, c) => {
          for (let k = posCols!.starts[j]!; k < posCols!.starts[j + 1]!; k++) (ri[nz] = posCols!.rows[k]!), (rv[nz++] = posCols!.values[k]!);
          cs[c + 1] = nz;
          modelOf[j] = lpOf.length;
          lpOf.push(j);
        });
        model.addCols({
          cost: Float64Array.from(cols, (j) => lp.colCost[j]!),
          lower: Float64Array.from(cols, (j) => inf(lp.colLower[j]!)),
          upper: Float64Array.from(cols, (j) => inf(lp.colUpper[j]!)),
          matrix: { format: "csc", numRows: model.getDimensions().numRows, numCols: cols.length, starts: cs, indices: ri, values: rv },
        });
        left -= cols.length / 3;
        return cols.length / 3;
      };
      const everyLeftOut = () => {
        const all: number[] = [];
        for (let i = 0; i < n; i++) if (out[i]) all.push(i);
        return all;
      };
      /** Left-out positions with a column whose reduced cost c_j - y'A_j is positive (it would improve the objective). */
      const pricing = (y: ArrayLike<number>): number[] => {
        const inP: number[] = [];
        for (let i = 0; i < n; i++) {
          if (!out[i]) continue;
          for (let j = i; j < 3 * n; j += n) {
            let rc = lp.colCost[j]!;
            for (let k = posCols!.starts[j]!; k < posCols!.starts[j + 1]!; k++) rc -= y[posCols!.rows[k]!]! * posCols!.values[k]!;
            if (rc > PRICING_TOLERANCE) {
              inP.push(i);
              break;
            }
          }
        }
        return inP;
      };
      const cuts: Cut[] = [];
      let iterations = 0;
      let solves = 0;
      let dilutionRounds = 1;
      const ms = highs.constants.modelStatus;
      const solveOnce = (): HighsRun => {
        model.run();
        solves++;
        iterations += Number(model.info.get("simplex_iteration_count"));
        let code = model.getModelStatus();
        if (!lp.integerCols && code !== ms.optimal && code !== ms.infeasible && code !== ms.unbounded && code !== ms.unboundedOrInfeasible) {
          // Without cost perturbation the dual simplex can stall on a degenerate LP: once more with it.
          model.options.set(PERTURBED);
          model.run();
          model.options.set(NO_PERTURBATION);
          solves++;
          iterations += Number(model.info.get("simplex_iteration_count"));
          code = model.getModelStatus();
        }
        if (code !== ms.optimal) {
          const status = code === ms.infeasible ? "Infeasible" : code === ms.unbounded ? "Unbounded" : code === ms.unboundedOrInfeasible ? "Primal infeasible or unbounded" : `status ${code}`;
          return { status, x: [], duals: [], objective: NaN };
        }
        const sol = model.getSolution();
        // The solution in the LP's columns (a left-out column is 0).
        const x = new Float64Array(lp.columns);
        for (let m = 0; m < lpOf.length; m++) x[lpOf[m]!] = sol.colValue[m]!;
        return { status: "Optimal", x, duals: lp.integerCols ? [] : sol.rowDual, objective: model.getObjectiveValue() };
      };
      // Solve, price, refine until nothing is left to add.
      const converge = (refineCuts = refine, solved?: HighsRun): HighsRun => {
        dilutionRounds = 1;
        for (;;) {
          // `solved`: the model's current optimum (nothing changed since): price and refine it.
          const run = solved ?? solveOnce();
          solved = undefined;
          if (run.status !== "Optimal" && left > 0 && run.status !== "Unbounded") {
            // The restricted LP says nothing about the full one: bring every position back.
            bringIn(everyLeftOut());
            continue;
          }
          if (run.status !== "Optimal") return run;
          const priced = left > 0 ? bringIn(pricing(run.duals)) : 0;
          const more = refineCuts && !lp.integerCols && dilutionRounds < rounds ? refinementCuts(inst, lp, run.x, run.objective) : [];
          if (!more.length && !priced) return run;
          if (more.length) dilutionRounds++;
          addCuts(more);
        }
      };
      // The cuts of one refinement round, in one call: r_k - slope n_k <= icpt.
      const rewardCol = new Map(lp.rewardCols.map((r) => [r.set, r.col]));
      const addCuts = (more: Cut[]) => {
        if (!more.length) return;
        const idx = new Int32Array(2 * more.length);
        const val = new Float64Array(2 * more.length);
        const upper = new Float64Array(more.length);
        more.forEach((c, r) => {
          const { slope, icpt } = rewardCutRow(inst, c.set, c.point);
          idx[2 * r] = modelOf[rewardCol.get(c.set)!]!;
          val[2 * r] = 1;
          idx[2 * r + 1] = modelOf[lp.exposureCol(c.set)]!;
          val[2 * r + 1] = -slope;
          upper[r] = icpt;
        });
        model.addRows({
          lower: new Float64Array(more.length).fill(-highs.infinity),
          upper,
          matrix: { format: "csr", numRows: more.length, numCols: lpOf.length, starts: Int32Array.from({ length: more.length + 1 }, (_, r) => 2 * r), indices: idx, values: val },
        });
        cuts.push(...more);
      };
      let run = converge();
      const lifted = new Set<number>();
      if (greedyLifts && run.status === "Optimal" && lp.lifts.length) {
        model.options.set(LP_OPTIONS); // warm trials: nothing for presolve to gain
        // Positions allocated to each liftable set: a trial brings them back first (pricing), so the
        // restricted LP can reach the lifted set's bound.
        const onSet = new Map<number, number[]>(lp.lifts.map((l) => [l.set, []]));
        inst.positions.forEach((p, i) => p.sets.forEach((f) => onSet.get(f.set)?.push(i)));
        greedyLiftSearch(lp, run, lifted, {
          solve: (set) => {
            bringIn(onSet.get(set) ?? []);
            return converge(false);
          },
          refine: (unrefined) => converge(true, unrefined),
          setRowBounds: (row, lo, up) => model.changeRowBounds(row, inf(lo), inf(up)),
          saveBasis: () => {
            const b = model.getBasis();
            return () => {
              // Columns added since then are nonbasic at their lower bound (0: they priced out
              // there); cuts added since then have basic slacks (not binding there).
              const dims = model.getDimensions();
              const colStatus = new Int32Array(dims.numCols).fill(highs.constants.basisStatus.lower);
              colStatus.set(b.colStatus);
              const rowStatus = new Int32Array(dims.numRows).fill(highs.constants.basisStatus.basic);
              rowStatus.set(b.rowStatus);
              model.setBasis({ colStatus, rowStatus });
            };
          },
        });
        run = converge(); // the kept lifts, refined
      }
      return { run, cuts, rounds: solves, iterations, lifted };
    },
  );
}

/** The u, l, d columns of every position as CSC over the LP's rows (its matrix is CSR). */
function positionColumns(lp: LinearProgram, n: number): { starts: Int32Array; rows: Int32Array; values: Float64Array } {
  const starts = new Int32Array(3 * n + 1);
  for (let k = 0; k < lp.nonzeros; k++) if (lp.indices[k]! < 3 * n) starts[lp.indices[k]! + 1]!++;
  for (let j = 0; j < 3 * n; j++) starts[j + 1]! += starts[j]!;
  const fill = starts.slice(0, 3 * n);
  const rows = new Int32Array(starts[3 * n]!);
  const values = new Float64Array(starts[3 * n]!);
  for (let r = 0; r < lp.rows; r++)
    for (let k = lp.starts[r]!; k < lp.starts[r + 1]!; k++) {
      const j = lp.indices[k]!;
      if (j >= 3 * n) continue;
      rows[fill[j]!] = r;
      values[fill[j]!++] = lp.values[k]!;
    }
  return { starts, rows, values };
}

/** Passes of the greedy lift search, and lift trials per pass (the sets whose "no growth" row
 *  binds hardest first). */
const GREEDY_MAX_PASSES = 2;
const GREEDY_TRIALS_PER_PASS = 8;

/**
 * Greedy lifts for "bootstrap" robustness, warm-started: from "no lift" (every liftable set gets
 * no growth), try lifting each set whose "no growth" row binds (non-zero dual, largest first):
 * its row becomes "robust after the plan" (e_k >= B_k - others_k) and the LP is re-solved from the
 * current basis; the lift is kept if the objective improves, else the row is restored. Passes
 * repeat while some lift was kept. Each trial is one warm dual-simplex solve, instead of a branch
 * and bound over 2^m lift patterns. The result may miss a pair of lifts that pay only together.
 */
function greedyLiftSearch(
  lp: LinearProgram,
  start: HighsRun,
  lifted: Set<number>,
  model: {
    /** Solves and prices a trial lifting `set`, without new dilution cuts (the cuts over-estimate
     *  the reward: an upper bound). */
    solve: (set: number) => HighsRun;
    /** Refines the dilution cuts from the trial's optimum (the objective within the tolerance of the true one). */
    refine: (unrefined: HighsRun) => HighsRun;
    setRowBounds: (row: number, lower: number, upper: number) => void;
    /** Saves the current basis; the returned function restores it. */
    saveBasis: () => () => void;
  },
): void {
  let best = start;
  let restoreBest = model.saveBasis();
  // A set rejected while the kept lifts were what they are now would be rejected again: the
  // model is the same but for dilution cuts, which only lower the objective.
  let keptSoFar = 0;
  const rejectedAt = new Map<number, number>();
  for (let pass = 0; pass < GREEDY_MAX_PASSES; pass++) {
    const candidates = lp.lifts
      .filter((l) => !lifted.has(l.set) && rejectedAt.get(l.set) !== keptSoFar && Math.abs(best.duals[l.row] ?? 0) > 1e-9)
      .sort((a, b) => Math.abs(best.duals[b.row]!) - Math.abs(best.duals[a.row]!) || a.set - b.set)
      .slice(0, GREEDY_TRIALS_PER_PASS);
    const keptBefore = keptSoFar;
    for (const l of candidates) {
      // Every trial starts from the best basis so far (not from the last rejected trial's).
      model.setRowBounds(l.row, l.robust, Infinity);
      // Unrefined, the trial's objective over-estimates its value: if it does not beat the best, the
      // lift does not pay; if it does, refine the cuts and compare again.
      const better = (r: HighsRun) => r.status === "Optimal" && r.objective > best.objective + 1e-9 * Math.max(1, Math.abs(best.objective));
      let trial = model.solve(l.set);
      if (better(trial)) trial = model.refine(trial);
      if (better(trial)) {
        lifted.add(l.set);
        best = trial;
        keptSoFar++;
        restoreBest = model.saveBasis();
      } else {
        model.setRowBounds(l.row, -Infinity, l.noGrowth);
        rejectedAt.set(l.set, keptSoFar);
        restoreBest();
      }
    }
    if (keptSoFar === keptBefore) break;
  }
}

/** The LP with refinement cuts appended (the same rows the arrays path adds to the model). */
function withCuts(inst: Instance, lp: LinearProgram, cuts: Cut[]): LinearProgram {
  const extra = cuts.map((c) => ({ c, ...rewardCutRow(inst, c.set, c.point) }));
  const rows = lp.rows + extra.length;
  const starts = new Int32Array(rows + 1);
  starts.set(lp.starts);
  const indices = new Int32Array(lp.nonzeros + 2 * extra.length);
  indices.set(lp.indices);
  const values = new Float64Array(lp.nonzeros + 2 * extra.length);
  values.set(lp.values);
  const rowLower = new Float64Array(rows).fill(-Infinity);
  rowLower.set(lp.rowLower);
  const rowUpper = new Float64Array(rows);
  rowUpper.set(lp.rowUpper);
  let z = lp.nonzeros;
  extra.forEach(({ c, slope, icpt }, j) => {
    indices[z] = lp.rewardCols.find((r) => r.set === c.set)!.col;
    values[z++] = 1;
    indices[z] = lp.exposureCol(c.set);
    values[z++] = -slope;
    rowUpper[lp.rows + j] = icpt;
    starts[lp.rows + j + 1] = z;
  });
  return {
    ...lp,
    rows,
    nonzeros: z,
    starts,
    indices,
    values,
    rowLower,
    rowUpper,
    rowFamilies: [...lp.rowFamilies, ...extra.map(() => "reward" as const)],
    rowNames: [...lp.rowNames, ...extra.map(() => "")],
    rowScopes: [...lp.rowScopes, ...extra.map(() => "all" as const)],
  };
}

/** A limit row of the final LP with a non-zero dual: it binds the optimum. */
export interface BindingLimit {
  family: LimitFamily;
  name: string;
  /** Objective gained (ETH over the horizon) per ETH the limit is relaxed (the row's dual). */
  valuePerEth: number;
  scope: RowScope;
}

/** Column generation from this many positions on ("auto"): below it the full LP is as fast. */
export const PRICING_MIN_POSITIONS = 2000;

async function solveLp(
  inst: Instance,
  relax: ReadonlySet<LimitFamily>,
  feasibilityOnly = false,
  backend: LpBackend = "arrays",
  pricing: PricingMode = "auto",
  lifts: LiftSearch = "greedy",
  fixedLifts?: ReadonlySet<number>,
): Promise<SolveOutcome> {
  const highs = await loadHighs();
  // "bootstrap" by greedy lifts: the LP with every liftable set at "no growth", lifts tried on the model.
  const greedy =
    !fixedLifts && lifts === "greedy" && backend === "arrays" && !feasibilityOnly && !relax.has("robustness") && robustnessMode(inst) === "bootstrap";
  const lp = buildLp(inst, relax, feasibilityOnly, fixedLifts ?? (greedy ? new Set() : undefined));
  const usePricing =
    backend === "arrays" &&
    !feasibilityOnly &&
    !lp.integerCols &&
    (pricing === "on" || (pricing === "auto" && inst.positions.length >= PRICING_MIN_POSITIONS));
  const movers = usePricing ? likelyMovers(inst) : null;
  const run = (model: LinearProgram) => {
    try {
      return runHighs(highs, model, backend, inst, !feasibilityOnly && inst.params.dilution, model.integerCols ? null : movers, greedy);
    } catch (e) {
      throw new SolverError("HiGHS failed", [(e as Error).message]);
    }
  };
  let out = run(lp);
  let finalLp = lp;
  if (out.run.status === "Infeasible" || out.run.status === "Primal infeasible or unbounded")
    return { status: "infeasible", moves: zeroMoves(inst), lpObjective: NaN, lp, binding: [], rounds: out.rounds, iterations: out.iterations };
  if (out.run.status !== "Optimal") throw new SolverError(`HiGHS returned status "${out.run.status}"`);
  if (out.lifted?.size) {
    // The greedy search turned these sets' "no growth" rows into "robust after the plan".
    const rowNames = [...lp.rowNames];
    const rowLower = lp.rowLower.slice();
    const rowUpper = lp.rowUpper.slice();
    for (const l of lp.lifts)
      if (out.lifted.has(l.set)) {
        rowNames[l.row] = `${l.name} lifted: robust after the plan`;
        rowLower[l.row] = l.robust;
        rowUpper[l.row] = Infinity;
      }
    finalLp = { ...lp, rowNames, rowLower, rowUpper };
  }
  if (lp.integerCols) {
    // A binary within the integrality tolerance of 0 still lets a little stake in; fix the
    // binaries and solve the LP again, so "no new stake" is exact (column bounds of 0).
    const lifted = new Set<number>();
    for (const j of lp.integerCols) if (out.run.x[j]! > 0.5) lifted.add(Number(lp.colName(j).slice(1)));
    const fixedLp = buildLp(inst, relax, feasibilityOnly, lifted);
    const fixed = run(fixedLp);
    if (fixed.run.status === "Optimal") {
      out = { ...fixed, rounds: out.rounds + fixed.rounds, iterations: out.iterations + fixed.iterations };
      finalLp = fixedLp;
    }
  }
  const res = out.run;
  const n = inst.positions.length;
  const moves = zeroMoves(inst);
  inst.positions.forEach((p, i) => {
    // Clamp solver round-off into the column bounds.
    moves.increaseNow[i] = Math.max(0, res.x[i]!);
    moves.increaseLater[i] = Math.max(0, res.x[n + i]!);
    moves.decrease[i] = Math.min(p.active, Math.max(0, res.x[2 * n + i]!));
  });
  const binding: BindingLimit[] = [];
  const tol = 1e-9;
  for (let r = 0; r < finalLp.rows && r < res.duals.length; r++) {
    const family = finalLp.rowFamilies[r]!;
    const dual = res.duals[r]!;
    if (Math.abs(dual) <= tol || family === "definition" || family === "reward" || family === "objective") continue;
    binding.push({ family, name: finalLp.rowNames[r]!, valuePerEth: Math.abs(dual), scope: finalLp.rowScopes[r]! });
  }
  binding.sort((a, b) => b.valuePerEth - a.valuePerEth || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lpSize = { ...finalLp, integerCols: lp.integerCols };
  return { status: "optimal", moves, lpObjective: res.objective, lp: lpSize, binding, rounds: out.rounds, iterations: out.iterations };
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
  /** Size of the model; `integers`: binary columns ("bootstrap" robustness), 0 for a pure LP. */
  lp: { columns: number; rows: number; nonzeros: number; integers: number };
  /** Limits with a non-zero dual at the optimum, most valuable to relax first. */
  binding: BindingLimit[];
  /** LP solves, including the dilution refinement's. */
  solves: number;
  /** Simplex iterations over all solves (a load-independent measure of the solver's work). */
  iterations: number;
}

/** Column generation: "auto" from `PRICING_MIN_POSITIONS` positions, "on"/"off" to force it
 *  (the optimum is the same; tests compare both). */
export type PricingMode = "auto" | "on" | "off";

/** "bootstrap" robustness: greedy lifts on warm LPs (default), or the MIP (HiGHS branch and
 *  bound; the text backend always uses it). */
export type LiftSearch = "greedy" | "mip";

export interface OptimizeOptions {
  /** Leave these limit families out (diagnostics only; the result is not a valid plan). */
  relax?: LimitFamily[];
  backend?: LpBackend;
  pricing?: PricingMode;
  lifts?: LiftSearch;
  /** "bootstrap": lift exactly these sets (no search; tests enumerate lift patterns with it). */
  fixedLifts?: ReadonlySet<number>;
}

/** Solves the LP for an instance and verifies the result; throws typed errors. */
export async function optimizeInstance(inst: Instance, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const relax = new Set(options.relax ?? []);
  const out = await solveLp(inst, relax, false, options.backend, options.pricing, options.lifts, options.fixedLifts);
  if (out.status === "infeasible") throw await diagnoseInfeasibility(inst, relax);
  if (!relax.size) verifyMoves(inst, out.moves);
  return {
    instance: inst,
    moves: out.moves,
    objective: evaluateObjective(inst, out.moves),
    current: evaluateObjective(inst, zeroMoves(inst)),
    lpObjective: out.lpObjective,
    lp: { columns: out.lp.columns, rows: out.lp.rows, nonzeros: out.lp.nonzeros, integers: out.lp.integerCols?.length ?? 0 },
    binding: out.binding,
    solves: out.rounds,
    iterations: out.iterations,
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
