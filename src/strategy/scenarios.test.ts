// Named scenarios: what the engine must do in situations a risk manager would recognise.
import { describe, expect, it } from "vitest";
import { InfeasibleLimitsError, MissingAvsDataError } from "./errors.js";
import { fixture, setAddr } from "./fixtures.js";
import { addr } from "./generate.js";
import { plan } from "./plan.js";
import { buildInstance, weiToEth } from "./model.js";
import { glideTargets, robustness, setExposures, steadyStake, zeroMoves } from "./risk.js";
import { violations } from "./verify.js";
import { DEFAULT_ENGINE_PARAMS } from "./types.js";
import { formatPlan } from "./format.js";
import type { PlanAction } from "./types.js";

const sumTo = (actions: PlanAction[], operator: string, types: PlanAction["type"][]) =>
  actions
    .filter((a) => types.includes(a.type) && "operator" in a && a.operator === operator)
    .reduce((s, a) => s + Number(a.ethValue) / 1e18, 0);
const op = (i: number) => addr(0x0b, i);

describe("scenario: a concentrated AVS", () => {
  // AVS 0 pays 10% and everyone wants it; its cap and the loss limit must hold the line.
  const base = {
    tvl: 1000,
    operators: [
      { stake: [100], sets: [{ set: 0, fraction: 0.9 }] },
      { stake: [100], sets: [{ set: 0, fraction: 0.9 }] },
      { stake: [100], sets: [{ set: 1, fraction: 0.9 }] },
      { stake: [100], sets: [{ set: 1, fraction: 0.9 }] },
    ],
    sets: [
      { avs: 0, others: 1e6, apr: 0.1, p: 0.001, sev: 0.2, pfc: 10, theta: 0.5 },
      { avs: 1, others: 1e6, apr: 0.02, p: 0.001, sev: 0.2, pfc: 10, theta: 0.5 },
    ],
    limits: { avsCapBps: 3000, operatorCapBps: 5000 },
  };

  it("fills the AVS up to its cap and no further", async () => {
    const { snapshot, avsData } = fixture(base);
    const p = await plan(snapshot, avsData, { turnoverBps: 10_000, maxScenarioLossBps: 10_000 });
    const avs0 = p.avs.find((a) => a.key === setAddr(0))!;
    expect(avs0.currentEth).toBeCloseTo(180, 6);
    expect(avs0.targetEth).toBeLessThanOrEqual(300 + 1e-6);
    expect(avs0.targetEth).toBeGreaterThan(299.9);
    expect(p.actions.some((a) => a.type === "allocate")).toBe(true);
  });

  it("the worst-case loss per scenario binds before the cap when it is tighter", async () => {
    const { snapshot, avsData } = fixture(base);
    const p = await plan(snapshot, avsData, { turnoverBps: 10_000, maxScenarioLossBps: 2500 });
    const avs0 = p.avs.find((a) => a.key === setAddr(0))!;
    expect(avs0.targetEth).toBeLessThanOrEqual(250 + 1e-6);
    expect(avs0.targetEth).toBeGreaterThan(249.9);
  });
});

describe("scenario: an operator over its cap after TVL falls", () => {
  // The cap is 25% of TVL; TVL fell from 1200 to 800 ETH, so operator 0's 300 ETH is 100 over.
  const f = {
    tvl: 800,
    idle: [100],
    operators: [
      { stake: [300], sets: [{ set: 0, fraction: 0.5 }] },
      { stake: [200], sets: [{ set: 0, fraction: 0.5 }] },
      { stake: [200], sets: [{ set: 1, fraction: 0.5 }] },
    ],
    sets: [
      { avs: 0, others: 5000, apr: 0.05, p: 0.001, sev: 0.2, pfc: 10, theta: 0.5 },
      { avs: 1, others: 5000, apr: 0.01, p: 0.001, sev: 0.2, pfc: 10, theta: 0.5 },
    ],
    limits: { operatorCapBps: 2500 },
  };

  it("queues a withdrawal to bring it under the cap, adds nothing to it, whatever the gain", async () => {
    const { snapshot, avsData } = fixture(f);
    const p = await plan(snapshot, avsData, { turnoverBps: 5000, maxScenarioLossBps: 10_000 });
    expect(p.mandatory).toBe(true);
    expect(p.reason).toMatch(/breaks a limit/);
    expect(sumTo(p.actions, op(0), ["queueWithdrawal"])).toBeGreaterThanOrEqual(100 - 1e-6);
    expect(sumTo(p.actions, op(0), ["allocate", "deposit"])).toBe(0);
    const row = p.operators.find((o) => o.key === op(0))!;
    expect(row.targetEth).toBeLessThanOrEqual(200 + 1e-6);
    expect(formatPlan(p)).toMatch(/queueWithdrawal/);
  });

  it("reports the conflict when the turnover cap is too small to get back under the cap", async () => {
    const { snapshot, avsData } = fixture(f);
    const err = await plan(snapshot, avsData, { turnoverBps: 500, maxScenarioLossBps: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfeasibleLimitsError);
    const e = err as InfeasibleLimitsError;
    expect(e.conflict).toEqual(["turnover", "operatorCap"]);
    expect(e.relaxable).toEqual(["turnover", "operatorCap"]);
    expect(e.message).toMatch(/turnover \+ operatorCap conflict/);
    expect(e.message).toMatch(/holds 300\.00 ETH over its cap 200\.00 ETH/);
  });
});

describe("scenario: robustness (Durvasula-Roughgarden)", () => {
  // Operator 1 is the best payer but backs set 1, whose stake is below (1 + gamma) PfC / threshold.
  const make = (pfc: number) =>
    fixture({
      tvl: 1000,
      operators: [
        { stake: [100], sets: [{ set: 0, fraction: 0.8 }] },
        { stake: [100], sets: [{ set: 1, fraction: 0.8 }] },
      ],
      sets: [
        { avs: 0, others: 10_000, apr: 0.02, p: 0.001, sev: 0.2, pfc: 100, theta: 0.5 },
        { avs: 1, others: 2_000, apr: 0.08, p: 0.001, sev: 0.2, pfc, theta: 0.33 },
      ],
    });

  // Robustness alone: without the tail-risk and uncertainty terms (tested apart).
  const loose = { turnoverBps: 10_000, maxScenarioLossBps: 10_000, cvarWeight: 0, uncertaintyMultiple: 0 };

  it("a set whose robustness margin is below the bound gets no new stake (snapshot)", async () => {
    // Under "snapshot" even a set Trellis could lift gets nothing: bound 1.1 * 700 / 0.33 = 2333 > 2080.
    for (const pfc of [1_000, 700]) {
      const { snapshot, avsData } = make(pfc);
      const p = await plan(snapshot, avsData, { ...loose, robustness: "snapshot" });
      expect(sumTo(p.actions, op(1), ["allocate", "deposit"])).toBe(0);
      expect(sumTo(p.actions, op(0), ["allocate", "deposit"])).toBeGreaterThan(0);
    }
  });

  it("bootstrap: a set below its bound that Trellis cannot lift gets no new stake", async () => {
    // bound 1.1 * 1000 / 0.33 = 3333: others 2000 + Trellis' exposure (at most its 1000 ETH cap) < 3333.
    const { snapshot, avsData } = make(1_000);
    const p = await plan(snapshot, avsData, { ...loose, robustness: "bootstrap" });
    expect(sumTo(p.actions, op(1), ["allocate", "deposit"])).toBe(0);
    expect(sumTo(p.actions, op(0), ["allocate", "deposit"])).toBeGreaterThan(0);
  });

  it("bootstrap: a set below its bound that Trellis can lift gets at least the gap, and ends robust", async () => {
    // bound 1.1 * 700 / 0.33 = 2333.3; stake now 2000 + 80 (Trellis: 100 ETH x 0.8); gap 253.3 of exposure.
    const { snapshot, avsData } = make(700);
    const params = { ...DEFAULT_ENGINE_PARAMS, ...loose, robustness: "bootstrap" as const };
    const p = await plan(snapshot, avsData, params);
    const bound = (1.1 * 700) / 0.33;
    const added = sumTo(p.actions, op(1), ["allocate", "deposit"]);
    expect(0.8 * added).toBeGreaterThanOrEqual(bound - 2080 - 1e-6);
    const inst = buildInstance(snapshot, avsData, params);
    const m = zeroMoves(inst);
    p.targets.forEach((t, i) => {
      m.increaseNow[i] = weiToEth(t.increaseNow);
      m.increaseLater[i] = weiToEth(t.increaseLater);
      m.decrease[i] = weiToEth(t.decrease);
    });
    expect(violations(inst, m)).toEqual([]);
    const r = robustness(inst, setExposures(inst, steadyStake(inst, m)));
    expect(r[1]!.robust).toBe(true);
  });

  it("the same set above its bound does get stake (control)", async () => {
    const { snapshot, avsData } = make(100); // bound 333 < 2080
    const p = await plan(snapshot, avsData, { turnoverBps: 10_000, maxScenarioLossBps: 10_000 });
    expect(sumTo(p.actions, op(1), ["allocate", "deposit"])).toBeGreaterThan(0);
  });

  it("a set robust only thanks to Trellis vs an operator taken off the allowlist: conflict named", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 1000,
      operators: [{ stake: [500], allowed: false, sets: [{ set: 0, fraction: 1 }] }],
      sets: [{ avs: 0, others: 100, apr: 0.02, p: 0.001, sev: 0.2, pfc: 100, theta: 0.5 }],
    });
    const err = await plan(snapshot, avsData, { turnoverBps: 10_000, maxScenarioLossBps: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfeasibleLimitsError);
    expect((err as InfeasibleLimitsError).conflict).toEqual(["allowlist", "robustness"]);
    expect((err as InfeasibleLimitsError).message).toMatch(/needs 120\.00 ETH of Trellis stake to stay robust/);
  });
});

describe("scenario: a fresh network (no set has outside stake above its bound)", () => {
  // Trellis holds only idle assets. Set 0: others 100 < bound 1.1 x 150 / 0.5 = 330, and Trellis
  // can add the 230 missing. Set 1: others 0, bound 1.1 x 600 / 0.5 = 1320 > TVL: out of reach.
  const f = () =>
    fixture({
      tvl: 1000,
      operators: [
        { stake: [0], sets: [{ set: 0, fraction: 1 }] },
        { stake: [0], sets: [{ set: 1, fraction: 1 }] },
      ],
      sets: [
        { avs: 0, others: 100, apr: 0.05, p: 0.001, sev: 0.2, pfc: 150, theta: 0.5 },
        { avs: 1, others: 0, apr: 0.08, p: 0.001, sev: 0.2, pfc: 600, theta: 0.5 },
      ],
    });
  // No tail-risk term: lifting a 100-ETH-reward set costs more CVaR than it earns (tested apart).
  const loose = { turnoverBps: 10_000, maxScenarioLossBps: 10_000, cvarWeight: 0 };

  it("snapshot backs no set", async () => {
    const { snapshot, avsData } = f();
    const p = await plan(snapshot, avsData, { ...loose, robustness: "snapshot" });
    expect(p.actions).toEqual([]);
  });

  it("bootstrap backs at least one set, every backed set is robust, and the plan verifies", async () => {
    const { snapshot, avsData } = f();
    const params = { ...DEFAULT_ENGINE_PARAMS, ...loose, robustness: "bootstrap" as const };
    const p = await plan(snapshot, avsData, params);
    const inst = buildInstance(snapshot, avsData, params);
    expect(inst.sets.every((s) => !s.robustNow)).toBe(true);
    const m = zeroMoves(inst);
    p.targets.forEach((t, i) => {
      m.increaseNow[i] = weiToEth(t.increaseNow);
      m.increaseLater[i] = weiToEth(t.increaseLater);
      m.decrease[i] = weiToEth(t.decrease);
    });
    expect(violations(inst, m)).toEqual([]);
    const r = robustness(inst, setExposures(inst, steadyStake(inst, m)));
    const backed = r.filter((x) => x.trellisStake > 0);
    expect(backed.length).toBeGreaterThanOrEqual(1);
    for (const x of backed) expect(x.stake).toBeGreaterThanOrEqual(x.bound - 1e-6);
    expect(sumTo(p.actions, op(0), ["allocate"])).toBeGreaterThanOrEqual(230 - 1e-6);
    expect(sumTo(p.actions, op(1), ["allocate"])).toBe(0);
  });
});

describe("scenario: nothing worth doing", () => {
  it("makes no plan when the gain over the horizon is below the cost", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 1000,
      idle: [2],
      operators: [
        { stake: [499], sets: [{ set: 0, fraction: 0.5 }] },
        { stake: [499], sets: [{ set: 0, fraction: 0.5 }] },
      ],
      sets: [{ avs: 0, others: 1e5, apr: 0.0001, p: 0, sev: 0, pfc: 1, theta: 0.5 }],
    });
    // No tail-risk term: an operator compromise would otherwise make unstaking a 0.01% APR worth it.
    const p = await plan(snapshot, avsData, { gasPerActionEth: 0.01, minMoveEth: 0.5, maxScenarioLossBps: 10_000, cvarWeight: 0 });
    expect(p.actions).toEqual([]);
    expect(p.reason).toMatch(/does not beat cost|no move above the minimum size/);
  });
});

describe("scenario: robustness that acts (growth of exposure, not the operator; glide path)", () => {
  // Set 0 is below its bound (others 100 + Trellis 40 < 1.1 x 1000 / 0.5); sets 1 and 2 are robust.
  // Operator 0: 20% to set 0, 70% to set 1 (pays 6%). Operator 1: 20% to set 0, 70% to set 2 (1%).
  const f = (glideBps: number) =>
    fixture({
      tvl: 1000,
      idle: [0],
      operators: [
        { stake: [100], sets: [{ set: 0, fraction: 0.2 }, { set: 1, fraction: 0.7 }] },
        { stake: [100], sets: [{ set: 0, fraction: 0.2 }, { set: 2, fraction: 0.7 }] },
        { stake: [800], sets: [{ set: 2, fraction: 0.5 }] },
      ],
      sets: [
        { avs: 0, others: 100, apr: 0.01, p: 0.001, sev: 0.1, pfc: 1000, theta: 0.5 },
        { avs: 1, others: 1e5, apr: 0.06, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
        { avs: 2, others: 1e5, apr: 0.01, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
      ],
    }).snapshot;
  const avsData = fixture({
    tvl: 1,
    operators: [],
    sets: [
      { avs: 0, others: 100, apr: 0.01, p: 0.001, sev: 0.1, pfc: 1000, theta: 0.5 },
      { avs: 1, others: 1e5, apr: 0.06, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
      { avs: 2, others: 1e5, apr: 0.01, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
    ],
  }).avsData;
  const params = { ...DEFAULT_ENGINE_PARAMS, turnoverBps: 10_000, maxScenarioLossBps: 10_000, cvarWeight: 0, uncertaintyMultiple: 0 };

  it("an operator that also serves a set below its bound still gets new stake, and the exposure to that set does not grow", async () => {
    const snapshot = f(0);
    const p = await plan(snapshot, avsData, { ...params, glideBps: 0 });
    const inst = buildInstance(snapshot, avsData, { ...params, glideBps: 0 });
    expect(inst.sets[0]!.robustNow).toBe(false);
    const grown = p.targets.find((t) => t.operator === op(0))!;
    // v1 blocked every increase to operator 0; now its stake grows while operator 1's shrinks.
    expect(grown.target).toBeGreaterThan(grown.active);
    const m = zeroMoves(inst);
    p.targets.forEach((t, i) => {
      m.increaseNow[i] = weiToEth(t.increaseNow);
      m.increaseLater[i] = weiToEth(t.increaseLater);
      m.decrease[i] = weiToEth(t.decrease);
    });
    const e = setExposures(inst, steadyStake(inst, m));
    expect(e[0]!).toBeLessThanOrEqual(40 + 1e-6);
    expect(violations(inst, m)).toEqual([]);
  });

  it("the glide path shrinks exposure to the set below its bound by glideBps per plan", async () => {
    const snapshot = f(2500);
    const p = await plan(snapshot, avsData, { ...params, glideBps: 2500 });
    const inst = buildInstance(snapshot, avsData, { ...params, glideBps: 2500 });
    const m = zeroMoves(inst);
    p.targets.forEach((t, i) => {
      m.increaseNow[i] = weiToEth(t.increaseNow);
      m.increaseLater[i] = weiToEth(t.increaseLater);
      m.decrease[i] = weiToEth(t.decrease);
    });
    const e = setExposures(inst, steadyStake(inst, m));
    expect(e[0]!).toBeLessThanOrEqual(0.75 * 40 + 1e-6);
    expect(p.glideShortfall).toEqual([]);
    expect(p.actions.some((a) => a.type === "queueWithdrawal")).toBe(true);
  });

  it("the glide path starts only below the bound by more than the others' stake uncertainty (noise does not start it)", async () => {
    // Set 0 needs 2200 ETH; with others at 2140 + Trellis 40 = 2180 it is below the bound, but within
    // othersStakeUncertainty (5% of 2140 = 107 ETH): no glide. At others 1900 it is clearly below: glide.
    const at = (others: number) => {
      const sets = avsData.operatorSets.map((s, k) => (k === 0 ? { ...s } : s));
      const snap = f(1000);
      return {
        snapshot: { ...snap, operatorSets: snap.operatorSets.map((s, k) => (k === 0 ? { ...s, totalAllocatedStake: BigInt(others + 40) * 10n ** 18n } : s)) },
        avsData: { ...avsData, operatorSets: sets },
      };
    };
    for (const [others, glides] of [[2140, false], [1900, true]] as const) {
      const { snapshot, avsData: data } = at(others);
      const inst = buildInstance(snapshot, data, { ...params, glideBps: 1000 });
      expect(inst.sets[0]!.robustNow).toBe(false);
      expect(glideTargets(inst).has(0)).toBe(glides);
    }
  });

  it("a set missing from the AVS data file: an error naming it, or the explicit default (no growth, a warning)", async () => {
    const snapshot = f(0);
    const partial = { ...avsData, operatorSets: avsData.operatorSets.slice(1) };
    const err = await plan(snapshot, partial, { ...params, missingSets: "error" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingAvsDataError);
    expect((err as MissingAvsDataError).sets).toEqual([`${setAddr(0)}/0`]);
    const p = await plan(snapshot, partial, { ...params, missingSets: "default", glideBps: 0 });
    expect(p.warnings.join("\n")).toMatch(new RegExp(`${setAddr(0)}/0 is not in the AVS data file`));
    const inst = buildInstance(snapshot, partial, { ...params, missingSets: "default" });
    expect(inst.sets[0]!.robustnessBound).toBe(Infinity);
    expect(inst.sets[0]!.slashingProbability).toBe(DEFAULT_ENGINE_PARAMS.unknownSetSlashingProbability);
  });
});
