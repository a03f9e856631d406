import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures.js";
import { generate } from "./generate.js";
import { buildInstance } from "./model.js";
import { buildLp, lpText, optimizeInstance } from "./optimize.js";
import { evaluateObjective, expectedReward, setExposures, steadyStake, zeroMoves } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS } from "./types.js";
import { PlanVerificationError } from "./errors.js";
import { verifyMoves } from "./verify.js";

describe("optimize", () => {
  const { snapshot, avsData, params } = generate({ seed: 5, operators: 12, operatorSets: 5, strategies: 2 });
  const inst = buildInstance(snapshot, avsData, params);

  it("the CPLEX LP text and the sparse arrays give the same optimum", async () => {
    const a = await optimizeInstance(inst, { backend: "arrays" });
    const b = await optimizeInstance(inst, { backend: "lpText" });
    expect(b.lpObjective).toBeCloseTo(a.lpObjective, 6);
    expect(b.objective.valueEth).toBeCloseTo(a.objective.valueEth, 6);
  });

  it("column generation (pricing) reaches the full LP's optimum, with and without the dilution refinement", async () => {
    const g = generate({ seed: 8, operators: 150, operatorSets: 20, strategies: 2 });
    for (const dilution of [false, true]) {
      const i = buildInstance(g.snapshot, g.avsData, { ...g.params, dilution, maxDilutionRounds: dilution ? 20 : 1 });
      const full = await optimizeInstance(i, { pricing: "off" });
      const priced = await optimizeInstance(i, { pricing: "on" });
      // The first restricted solve leaves most positions out; pricing brings back what pays.
      expect(priced.solves).toBeGreaterThan(1);
      if (!dilution) expect(priced.lpObjective).toBeCloseTo(full.lpObjective, 7);
      // With refinement the cut points follow the solutions: both end within the tolerance of the true value.
      expect(Math.abs(priced.objective.valueEth - full.objective.valueEth) / Math.abs(full.objective.valueEth)).toBeLessThan(1e-3);
    }
    // Operators over a tightened cap must shed stake, whether or not the first solve frees them.
    const tight = { ...g.snapshot, limits: { ...g.snapshot.limits, operatorCapBps: Math.floor(g.snapshot.limits.operatorCapBps * 0.6) } };
    const over = buildInstance(tight, g.avsData, { ...g.params, dilution: false, turnoverBps: 10_000 });
    const a = await optimizeInstance(over, { pricing: "off" });
    const b = await optimizeInstance(over, { pricing: "on" });
    expect(b.lpObjective).toBeCloseTo(a.lpObjective, 7);
  });

  it('"bootstrap" robustness: binaries in both backends, same optimum, at least the "snapshot" optimum', async () => {
    // Seed 2: one set below its bound that Trellis can lift once turnover and loss limits allow.
    const g = generate({ seed: 2, operators: 12, operatorSets: 5, strategies: 2 });
    const p = { ...g.params, turnoverBps: 10_000, maxScenarioLossBps: 5000, cvarWeight: 0 };
    const boot = buildInstance(g.snapshot, g.avsData, { ...p, robustness: "bootstrap" });
    const snap = buildInstance(g.snapshot, g.avsData, { ...p, robustness: "snapshot" });
    const a = await optimizeInstance(boot, { backend: "arrays", lifts: "mip" });
    const b = await optimizeInstance(boot, { backend: "lpText" });
    const s = await optimizeInstance(snap);
    expect(a.lp.integers).toBeGreaterThan(0);
    expect(s.lp.integers).toBe(0);
    expect(lpText(buildLp(boot))).toMatch(/\nBinary\n b\d+/);
    expect(b.lpObjective).toBeCloseTo(a.lpObjective, 6);
    expect(a.lpObjective).toBeGreaterThan(s.lpObjective + 0.1);
    // The greedy lift search (the default) finds the same optimum here, with no binary (up to the
    // dilution refinement's tolerance: the cut points follow each path's solutions).
    const gr = await optimizeInstance(boot);
    expect(gr.lp.integers).toBe(0);
    expect(Math.abs(gr.objective.valueEth - a.objective.valueEth) / Math.abs(a.objective.valueEth)).toBeLessThan(5e-4);
  });

  it('"bootstrap" greedy lifts: the best lift pattern (every pattern enumerated), at least the MIP\'s value', async () => {
    // Instances with 2-3 liftable sets; the greedy search must find the best pattern: exactly
    // without dilution (a pure LP per pattern), within the dilution tolerance with it.
    for (const [seed, dilution] of [[5, false], [32, false], [24, false], [17, true], [32, true]] as const) {
      const g = generate({ seed, operators: 30, operatorSets: 10, strategies: 2 });
      const p = { ...g.params, turnoverBps: 10_000, maxScenarioLossBps: 5000, robustness: "bootstrap" as const, dilution, ...(dilution ? {} : { cvarWeight: 0 }) };
      const boot = buildInstance(g.snapshot, g.avsData, p);
      const candidates = buildLp(boot, new Set(), false, new Set()).lifts.map((l) => l.set);
      expect(candidates.length).toBeGreaterThanOrEqual(2);
      let best = -Infinity;
      for (let mask = 0; mask < 1 << candidates.length; mask++) {
        const lifted = new Set(candidates.filter((_, j) => mask & (1 << j)));
        const r = await optimizeInstance(boot, { fixedLifts: lifted }).catch(() => null);
        if (r) best = Math.max(best, dilution ? r.objective.valueEth : r.lpObjective);
      }
      const greedy = await optimizeInstance(boot);
      const mip = await optimizeInstance(boot, { lifts: "mip" });
      const value = (r: typeof greedy) => (dilution ? r.objective.valueEth : r.lpObjective);
      // The same search with column generation (as from 2000 positions): trials add the lifted
      // set's positions as columns and restore bases over more columns.
      const priced = await optimizeInstance(boot, { pricing: "on" });
      for (const r of [greedy, priced]) {
        if (dilution) expect((best - value(r)) / Math.abs(best)).toBeLessThan(5e-4);
        else expect(value(r)).toBeCloseTo(best, 7);
        expect(value(r)).toBeGreaterThanOrEqual(value(mip) - 5e-4 * Math.abs(value(mip)));
      }
    }
  });

  it("writes deterministic LP text", () => {
    const t1 = lpText(buildLp(inst));
    const t2 = lpText(buildLp(buildInstance(snapshot, avsData, params)));
    expect(t1).toBe(t2);
    expect(t1.startsWith("Maximize\n obj:")).toBe(true);
    expect(t1).toMatch(/\nSubject To\n/);
    expect(t1.endsWith("End")).toBe(true);
  });

  it("improves on doing nothing, and the tangent cuts stay close to the true diluted reward", async () => {
    const res = await optimizeInstance(inst);
    expect(res.objective.valueEth).toBeGreaterThanOrEqual(res.current.valueEth - 1e-9);
    // The LP's objective uses cuts (an upper envelope); the true reward is below but close.
    expect(res.lpObjective).toBeGreaterThanOrEqual(res.objective.valueEth - 1e-6);
    expect((res.lpObjective - res.objective.valueEth) / Math.abs(res.objective.valueEth)).toBeLessThan(0.05);
  });

  it("refines the dilution tangents at the solution until the LP value is within 0.05% of the true one", async () => {
    // Two fixed cuts alone are far off; the refinement adds cuts at the solution and re-solves.
    const g = generate({ seed: 3, operators: 30, operatorSets: 8, strategies: 2 });
    const coarse = buildInstance(g.snapshot, g.avsData, { ...g.params, tangentCuts: 2, maxDilutionRounds: 1 });
    const fine = buildInstance(g.snapshot, g.avsData, { ...g.params, tangentCuts: 2 });
    const a = await optimizeInstance(coarse);
    const b = await optimizeInstance(fine);
    const gap = (r: typeof a) => (r.lpObjective - r.objective.valueEth) / Math.abs(r.objective.valueEth);
    expect(a.solves).toBe(1);
    expect(gap(a)).toBeGreaterThan(5e-4);
    expect(b.solves).toBeGreaterThan(1);
    expect(gap(b)).toBeGreaterThanOrEqual(-1e-9);
    expect(gap(b)).toBeLessThanOrEqual(5e-4);
    expect(b.objective.valueEth).toBeGreaterThanOrEqual(a.objective.valueEth - 1e-9);
    // The text backend adds the same cuts: the same optimum.
    const c = await optimizeInstance(fine, { backend: "lpText" });
    expect(c.lpObjective).toBeCloseTo(b.lpObjective, 6);
  });

  it("refuses moves that break a limit with a typed error", () => {
    const m = zeroMoves(inst);
    m.increaseNow[0] = inst.tvl; // far more than the buffer
    expect(() => verifyMoves(inst, m)).toThrow(PlanVerificationError);
    try {
      verifyMoves(inst, m);
    } catch (e) {
      const families = (e as PlanVerificationError).violations.map((v) => v.family);
      expect(families).toContain("liquidity");
    }
  });

  it("pro-rata dilution: less stake goes to a set the more Trellis dominates it; near the true optimum", async () => {
    // One set with 1 ETH of others: reward R e / (1 + e) saturates, so the diluted optimum stops
    // where the marginal reward meets the gas per ETH: h R / (1 + e)^2 = gas  =>  e ~ 248.
    const f = fixture({
      tvl: 1000,
      operators: [{ stake: [100], sets: [{ set: 0, fraction: 1 }] }],
      sets: [{ avs: 0, others: 1, apr: 0.05, p: 0, sev: 0, pfc: 1, theta: 0.5 }],
    });
    const base = { ...DEFAULT_ENGINE_PARAMS, maxScenarioLossBps: 10_000, turnoverBps: 10_000 };
    const diluted = buildInstance(f.snapshot, f.avsData, base);
    const plain = buildInstance(f.snapshot, f.avsData, { ...base, dilution: false });
    const d = await optimizeInstance(diluted);
    const p = await optimizeInstance(plain);
    expect(p.moves.increaseNow[0]).toBeGreaterThan(800);
    expect(d.moves.increaseNow[0]).toBeLessThan(p.moves.increaseNow[0]! / 2);
    // True (diluted) objective at the LP's point vs a fine scan of the single variable.
    let best = -Infinity;
    for (let x = 0; x <= 900; x += 0.5) {
      const m = zeroMoves(diluted);
      m.increaseNow[0] = x;
      best = Math.max(best, evaluateObjective(diluted, m).valueEth);
    }
    const got = evaluateObjective(diluted, d.moves).valueEth;
    expect(got).toBeLessThanOrEqual(best + 1e-9);
    expect((best - got) / best).toBeLessThan(0.01);
    const e = setExposures(diluted, steadyStake(diluted, d.moves));
    expect(expectedReward(diluted, e)).toBeLessThan(0.05 * 101);
  });
});
