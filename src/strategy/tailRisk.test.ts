// Tail risk: the scenario set, CVaR, and the CVaR term / limit in the LP.
import { describe, expect, it } from "vitest";
import { fixture, setAddr } from "./fixtures.js";
import { addr } from "./generate.js";
import { buildInstance } from "./model.js";
import { optimizeInstance } from "./optimize.js";
import { plan } from "./plan.js";
import { operatorStakes, steadyStake, zeroMoves } from "./risk.js";
import { cvar, portfolioCvar, tailScenarioLosses } from "./tailRisk.js";
import { DEFAULT_ENGINE_PARAMS, type EngineParams } from "./types.js";
import { violations } from "./verify.js";

describe("cvar", () => {
  it("is the mean of the worst (1 - alpha) of the probability mass", () => {
    // Tail 1%: all of the 0.5% at 100, then 0.5% of the 2% at 10.
    expect(cvar([0.005, 0.02], [100, 10], 0.99)).toBeCloseTo((0.005 * 100 + 0.005 * 10) / 0.01, 12);
    // Mass below the tail: the rest of the tail is a loss of 0.
    expect(cvar([0.002], [50], 0.99)).toBeCloseTo((0.002 * 50) / 0.01, 12);
    // Order of scenarios does not matter.
    expect(cvar([0.02, 0.005], [10, 100], 0.99)).toBeCloseTo(cvar([0.005, 0.02], [100, 10], 0.99), 12);
  });
});

// Two AVSs: a safe one paying 3%, and a risky one paying 6% whose slash takes half the stake;
// two operators per AVS; both risky sets share a cluster tag.
const risky = () =>
  fixture({
    tvl: 1000,
    idle: [600],
    operators: [
      { stake: [100], sets: [{ set: 0, fraction: 1 }] },
      { stake: [100], sets: [{ set: 0, fraction: 1 }] },
      { stake: [100], sets: [{ set: 1, fraction: 1 }] },
      { stake: [100], sets: [{ set: 2, fraction: 1 }] },
    ],
    sets: [
      { avs: 0, others: 1e6, apr: 0.03, p: 0.002, sev: 0.05, pfc: 10, theta: 0.5 },
      { avs: 1, others: 1e6, apr: 0.06, p: 0.01, sev: 0.5, pfc: 10, theta: 0.5, clusters: ["bridge"] },
      { avs: 2, others: 1e6, apr: 0.06, p: 0.01, sev: 0.5, pfc: 10, theta: 0.5, clusters: ["bridge"] },
    ],
  });
const base: Partial<EngineParams> = { turnoverBps: 10_000, maxScenarioLossBps: 10_000, dilution: false, uncertaintyMultiple: 0 };

describe("tail scenarios", () => {
  it("global, one per AVS, one per cluster and one per operator, with the stated probabilities", () => {
    const { snapshot, avsData } = risky();
    const inst = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...base });
    const kinds = inst.scenarios.map((s) => s.kind);
    expect(kinds.filter((k) => k === "global")).toHaveLength(1);
    expect(kinds.filter((k) => k === "avs")).toHaveLength(3);
    expect(kinds.filter((k) => k === "cluster")).toHaveLength(1);
    expect(kinds.filter((k) => k === "operator")).toHaveLength(4);
    const avs1 = inst.scenarios.find((s) => s.kind === "avs" && s.key === setAddr(1))!;
    expect(avs1.probability).toBeCloseTo(0.01, 12);
    const cluster = inst.scenarios.find((s) => s.kind === "cluster")!;
    expect(cluster.probability).toBe(DEFAULT_ENGINE_PARAMS.clusterSlashProbability);
    // The cluster event slashes both risky sets at their severity: 0.5 x (100 + 100).
    const losses = tailScenarioLosses(inst, steadyStake(inst, zeroMoves(inst)));
    expect(losses[inst.scenarios.indexOf(cluster)]).toBeCloseTo(100, 9);
    // Global: every set at its severity.
    expect(losses[inst.scenarios.findIndex((s) => s.kind === "global")]).toBeCloseTo(0.05 * 200 + 0.5 * 200, 9);
  });

  it("scales probabilities down to 1 when they add up to more", () => {
    const { snapshot, avsData } = risky();
    const inst = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...base, operatorCompromiseProbability: 0.5 });
    expect(inst.scenarios.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 12);
  });
});

describe("the CVaR term and limit in the LP", () => {
  it("a CVaR weight moves stake from the correlated risky sets to the safe one", async () => {
    const { snapshot, avsData } = risky();
    const neutral = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...base, cvarWeight: 0 });
    const averse = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...base, cvarWeight: 0.1 });
    const a = await optimizeInstance(neutral);
    const b = await optimizeInstance(averse);
    const xa = steadyStake(neutral, a.moves);
    const xb = steadyStake(averse, b.moves);
    expect(portfolioCvar(averse, xb)).toBeLessThan(portfolioCvar(neutral, xa) - 1);
    const riskyStake = (x: Float64Array) => operatorStakes(neutral, x)[2]! + operatorStakes(neutral, x)[3]!;
    expect(riskyStake(xb)).toBeLessThan(riskyStake(xa) - 1);
    // Without dilution the LP's value is exact: its CVaR term equals the one computed apart.
    expect(b.lpObjective).toBeCloseTo(b.objective.valueEth, 6);
    expect(b.objective.tailRiskEth).toBeGreaterThan(0);
  });

  it("a CVaR limit holds at the target, and moves that break it are refused", async () => {
    const { snapshot, avsData } = risky();
    const loose = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...base, cvarWeight: 0 });
    const free = portfolioCvar(loose, steadyStake(loose, (await optimizeInstance(loose)).moves));
    const limitBps = Math.floor(((0.5 * free) / loose.tvl) * 10_000);
    const params = { ...DEFAULT_ENGINE_PARAMS, ...base, cvarWeight: 0, cvarLimitBps: limitBps };
    const inst = buildInstance(snapshot, avsData, params);
    const res = await optimizeInstance(inst);
    const target = portfolioCvar(inst, steadyStake(inst, res.moves));
    expect(target).toBeLessThanOrEqual((limitBps / 10_000) * inst.tvl + 1e-6);
    expect(res.binding.some((b) => b.family === "tailRisk")).toBe(true);
    // The unconstrained optimum breaks the limit: the verifier names it.
    const unconstrained = await optimizeInstance(loose);
    expect(violations(inst, unconstrained.moves).map((v) => v.family)).toContain("tailRisk");
  });
});

describe("diversification tie-break", () => {
  it("splits stake evenly between two identical operators, the same way every time", async () => {
    const f = fixture({
      tvl: 1000,
      idle: [1000],
      operators: [
        { stake: [0], sets: [{ set: 0, fraction: 1 }] },
        { stake: [0], sets: [{ set: 0, fraction: 1 }] },
      ],
      sets: [{ avs: 0, others: 1e6, apr: 0.04, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 }],
    });
    const p = await plan(f.snapshot, f.avsData, { ...base });
    const to = (i: number) => p.targets.find((t) => t.operator === addr(0x0b, i))!.target;
    expect(to(0)).toBeGreaterThan(0n);
    expect(to(0)).toBe(to(1));
    // Without the term one operator may take it all: the term is what decides.
    const q = await plan(f.snapshot, f.avsData, { ...base, diversificationPenalty: 0, cvarWeight: 0 });
    const tq = q.targets.map((t) => t.target);
    expect(tq[0]! + tq[1]!).toBe(to(0) + to(1));
  });
});
