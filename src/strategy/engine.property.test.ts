// Property tests over random small instances (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InfeasibleLimitsError } from "./errors.js";
import { generate } from "./generate.js";
import { buildInstance, weiToEth, type Instance } from "./model.js";
import { optimizeInstance } from "./optimize.js";
import { plan, type Plan } from "./plan.js";
import { planToJson } from "./format.js";
import { activeExposures, evaluateObjective, robustness, setExposures, steadyStake, zeroMoves, type Moves } from "./risk.js";
import type { EngineParams, Snapshot } from "./types.js";
import { checkMoves, verifyTolerance, violations } from "./verify.js";

const instanceArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  operators: fc.integer({ min: 1, max: 6 }),
  operatorSets: fc.integer({ min: 1, max: 4 }),
  strategies: fc.integer({ min: 1, max: 2 }),
  capScale: fc.double({ min: 0.3, max: 1.5, noNaN: true }),
  lossScale: fc.double({ min: 0.5, max: 1.5, noNaN: true }),
  turnoverBps: fc.integer({ min: 50, max: 5000 }),
  minBufferBps: fc.integer({ min: 0, max: 2500 }),
  gamma: fc.double({ min: 0, max: 0.5, noNaN: true }),
  dilution: fc.boolean(),
  dropAllowed: fc.boolean(),
});
type InstanceSpec = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

function make(s: InstanceSpec): { snapshot: Snapshot; avsData: ReturnType<typeof generate>["avsData"]; params: EngineParams } {
  const g = generate({ seed: s.seed, operators: s.operators, operatorSets: s.operatorSets, strategies: s.strategies });
  const l = g.snapshot.limits;
  const scale = (bps: number) => Math.max(1, Math.min(10_000, Math.round(bps * s.capScale)));
  g.snapshot.limits = {
    ...l,
    operatorAllowlist: s.dropAllowed ? l.operatorAllowlist.slice(1) : l.operatorAllowlist,
    operatorCapBps: scale(l.operatorCapBps),
    defaultAvsCapBps: scale(l.defaultAvsCapBps),
    defaultOperatorSetCapBps: scale(l.defaultOperatorSetCapBps),
    minBufferBps: s.minBufferBps,
  };
  const params: EngineParams = {
    ...g.params,
    maxScenarioLossBps: Math.max(1, Math.round(g.params.maxScenarioLossBps * s.lossScale)),
    turnoverBps: s.turnoverBps,
    gamma: s.gamma,
    dilution: s.dilution,
  };
  return { snapshot: g.snapshot, avsData: g.avsData, params };
}

/** The plan's moves back as floats, from its wei targets. */
function planMoves(inst: Instance, p: Plan): Moves {
  const m = zeroMoves(inst);
  p.targets.forEach((t, i) => {
    m.increaseNow[i] = weiToEth(t.increaseNow);
    m.increaseLater[i] = weiToEth(t.increaseLater);
    m.decrease[i] = weiToEth(t.decrease);
  });
  return m;
}

async function planOrInfeasible(snapshot: Snapshot, avsData: Parameters<typeof plan>[1], params: EngineParams) {
  try {
    return await plan(snapshot, avsData, params);
  } catch (e) {
    if (e instanceof InfeasibleLimitsError) return e;
    throw e;
  }
}

describe("engine properties", () => {
  it("every plan meets every limit, or the limits are reported infeasible with a named conflict", async () => {
    let plans = 0;
    let infeasible = 0;
    await fc.assert(
      fc.asyncProperty(instanceArb, async (s) => {
        const { snapshot, avsData, params } = make(s);
        const out = await planOrInfeasible(snapshot, avsData, params);
        if (out instanceof InfeasibleLimitsError) {
          infeasible++;
          expect(out.conflict.length).toBeGreaterThan(0);
          return;
        }
        plans++;
        const inst = buildInstance(snapshot, avsData, params);
        expect(out.targets.length).toBe(inst.positions.length);
        expect(violations(inst, planMoves(inst, out))).toEqual([]);
        if (!out.mandatory && out.actions.length) expect(out.gainEth).toBeGreaterThan(out.costEth);
      }),
      { numRuns: 40, seed: 4242 },
    );
    expect(plans).toBeGreaterThan(5);
    expect(infeasible).toBeGreaterThan(0);
  }, 120_000);

  it('"bootstrap" robustness (a MIP): every plan meets every limit, or a named conflict', async () => {
    let plans = 0;
    await fc.assert(
      fc.asyncProperty(instanceArb, async (s) => {
        const made = make(s);
        const params: EngineParams = { ...made.params, robustness: "bootstrap" };
        const out = await planOrInfeasible(made.snapshot, made.avsData, params);
        if (out instanceof InfeasibleLimitsError) {
          expect(out.conflict.length).toBeGreaterThan(0);
          return;
        }
        plans++;
        const inst = buildInstance(made.snapshot, made.avsData, params);
        const m = planMoves(inst, out);
        expect(violations(inst, m)).toEqual([]);
        // A set below its bound in the snapshot whose exposure grows ends at or above its bound.
        const e0 = activeExposures(inst);
        const ex = setExposures(inst, steadyStake(inst, m));
        const r = robustness(inst, ex);
        inst.sets.forEach((set, k) => {
          if (set.robustNow || ex[k]! <= e0[k]! + verifyTolerance(inst)) return;
          expect(r[k]!.marginEth).toBeGreaterThanOrEqual(-verifyTolerance(inst));
        });
        if (!out.mandatory && out.actions.length) expect(out.gainEth).toBeGreaterThan(out.costEth);
      }),
      { numRuns: 40, seed: 4242 },
    );
    expect(plans).toBeGreaterThan(5);
  }, 120_000);

  it("the planner never moves stake that is already in flight", async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, async (s) => {
        const { snapshot, avsData, params } = make({ ...s, turnoverBps: 10_000, capScale: 1, lossScale: 1, dropAllowed: false });
        const out = await planOrInfeasible(snapshot, avsData, { ...params, minMoveEth: 0.1 });
        if (out instanceof InfeasibleLimitsError) return;
        const active = new Map<string, bigint>();
        const matured = new Map<string, bigint>();
        const pending = new Set<string>();
        for (const d of snapshot.delegators) {
          for (const st of d.stake) active.set(`${d.address}|${st.strategy}`, st.active);
          for (const w of d.withdrawals)
            (w.completableBlock <= snapshot.blockNumber ? matured.set(w.withdrawalRoot, w.ethValue) : pending.add(w.withdrawalRoot));
        }
        const queued = new Map<string, bigint>();
        const completed = new Set<string>();
        const deposited = new Map<string, bigint>();
        for (const a of out.actions) {
          if (a.type === "queueWithdrawal") {
            const k = `${a.delegator}|${a.strategy}`;
            queued.set(k, (queued.get(k) ?? 0n) + a.ethValue);
            expect(queued.get(k)!).toBeLessThanOrEqual(active.get(k) ?? 0n);
          } else if (a.type === "completeWithdrawal") {
            expect(pending.has(a.withdrawalRoot)).toBe(false);
            expect(matured.has(a.withdrawalRoot)).toBe(true);
            expect(completed.has(a.withdrawalRoot)).toBe(false);
            completed.add(a.withdrawalRoot);
          } else if (a.type === "deposit") {
            expect(completed.has(a.withdrawalRoot)).toBe(true);
            deposited.set(a.withdrawalRoot, (deposited.get(a.withdrawalRoot) ?? 0n) + a.ethValue);
            expect(deposited.get(a.withdrawalRoot)!).toBeLessThanOrEqual(matured.get(a.withdrawalRoot)!);
          }
        }
      }),
      { numRuns: 30, seed: 7 },
    );
  }, 120_000);

  it("is deterministic: the same input gives the same plan, byte for byte", async () => {
    const { snapshot, avsData, params } = make({
      seed: 99, operators: 6, operatorSets: 4, strategies: 2, capScale: 1, lossScale: 1,
      turnoverBps: 3000, minBufferBps: 300, gamma: 0.1, dilution: true, dropAllowed: false,
    });
    const a = planToJson(await plan(snapshot, avsData, params));
    const b = planToJson(await plan(snapshot, avsData, params));
    expect(a).toBe(b);
  });
});

// ---------------------------------------------------------------------------------------------
// Brute force: on a tiny instance without dilution the LP is small enough to enumerate every
// basic solution. It runs with "snapshot" robustness (a pure LP with affine checks). The polytope and the objective are read from verify.ts and risk.ts (affine in
// the moves, probed at 0 and at each unit vector), not from the LP builder, so this checks the
// model, the LP writer and the solver together.

function solveSquare(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (Math.abs(M[p]![c]!) < 1e-12) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      if (f !== 0) for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}

function bruteForce(inst: Instance): number {
  const n = inst.positions.length;
  const nv = 3 * n;
  const toMoves = (v: number[]): Moves => ({
    increaseNow: Float64Array.from(v.slice(0, n)),
    increaseLater: Float64Array.from(v.slice(n, 2 * n)),
    decrease: Float64Array.from(v.slice(2 * n)),
  });
  const zero = new Array<number>(nv).fill(0);
  const base = checkMoves(inst, toMoves(zero));
  const obj0 = evaluateObjective(inst, toMoves(zero), false).valueEth;
  const A: number[][] = base.map(() => []);
  const c: number[] = [];
  for (let j = 0; j < nv; j++) {
    const unit = zero.map((_, k) => (k === j ? 1 : 0));
    checkMoves(inst, toMoves(unit)).forEach((chk, r) => A[r]!.push(chk.value - base[r]!.value));
    c.push(evaluateObjective(inst, toMoves(unit), false).valueEth - obj0);
  }
  // Rows a.v <= rhs; drop constant rows (the instance makes them hold) and duplicates.
  const rows = new Map<string, { a: number[]; rhs: number }>();
  base.forEach((chk, r) => {
    const a = A[r]!.map((x) => (Math.abs(x) < 1e-12 ? 0 : x));
    const rhs = chk.limit - chk.value;
    const scale = Math.max(...a.map(Math.abs));
    if (scale === 0) {
      if (rhs < -1e-9) throw new Error(`constant check fails: ${chk.name}`);
      return;
    }
    const key = [...a.map((x) => (x / scale).toFixed(10)), (rhs / scale).toFixed(8)].join(",");
    rows.set(key, { a, rhs });
  });
  const R = [...rows.values()];
  let best = -Infinity;
  const pick: number[] = [];
  const rec = (start: number) => {
    if (pick.length === nv) {
      const v = solveSquare(pick.map((i) => R[i]!.a), pick.map((i) => R[i]!.rhs));
      if (!v) return;
      for (const row of R) {
        const act = row.a.reduce((s, x, j) => s + x * v[j]!, 0);
        if (act > row.rhs + 1e-7 * Math.max(1, Math.abs(row.rhs))) return;
      }
      best = Math.max(best, c.reduce((s, x, j) => s + x * v[j]!, 0));
      return;
    }
    for (let i = start; i <= R.length - (nv - pick.length); i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return obj0 + best;
}

describe("LP optimum vs brute force", () => {
  it("matches the best basic solution within 1e-6 relative (tiny instances, no dilution)", async () => {
    let compared = 0;
    let moved = 0;
    await fc.assert(
      fc.asyncProperty(
        instanceArb.map((s) => ({
          ...s,
          operators: 2,
          strategies: 1,
          operatorSets: 1 + (s.seed % 2),
          dilution: false,
          // Mostly feasible limits, some of them binding.
          capScale: 0.8 + s.capScale / 3,
          lossScale: 1 + s.lossScale / 3,
          dropAllowed: s.seed % 5 === 0,
        })),
        async (s) => {
          const { snapshot, avsData, params } = make(s);
          // The enumeration needs affine checks: "bootstrap" robustness is a disjunction (a MIP).
          // ... and an affine objective: no CVaR, diversification or glide (piecewise linear).
          const inst = buildInstance(snapshot, avsData, {
            ...params,
            robustness: "snapshot",
            cvarWeight: 0,
            diversificationPenalty: 0,
            glideBps: 0,
          });
          let lpValue: number;
          try {
            const res = await optimizeInstance(inst);
            lpValue = evaluateObjective(inst, res.moves, false).valueEth;
            if (lpValue > evaluateObjective(inst, zeroMoves(inst), false).valueEth + 1e-9) moved++;
          } catch (e) {
            if (e instanceof InfeasibleLimitsError) return;
            throw e;
          }
          const bf = bruteForce(inst);
          compared++;
          expect(Math.abs(lpValue - bf)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(bf)));
        },
      ),
      { numRuns: 9, seed: 2024 },
    );
    expect(compared).toBeGreaterThan(5);
    expect(moved).toBeGreaterThan(2);
  }, 120_000);
});
