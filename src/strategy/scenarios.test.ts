// Named scenarios: what the engine must do in situations a risk manager would recognise.
import { describe, expect, it } from "vitest";
import { InfeasibleLimitsError } from "./errors.js";
import { fixture, setAddr } from "./fixtures.js";
import { addr } from "./generate.js";
import { plan } from "./plan.js";
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

  it("a set below its bound gets no new stake", async () => {
    const { snapshot, avsData } = make(1_000); // bound 1.1 * 1000 / 0.33 = 3333 > 2080
    const p = await plan(snapshot, avsData, { turnoverBps: 10_000, maxScenarioLossBps: 10_000 });
    expect(sumTo(p.actions, op(1), ["allocate", "deposit"])).toBe(0);
    expect(sumTo(p.actions, op(0), ["allocate", "deposit"])).toBeGreaterThan(0);
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
    const p = await plan(snapshot, avsData, { gasPerActionEth: 0.01, minMoveEth: 0.5, maxScenarioLossBps: 10_000 });
    expect(p.actions).toEqual([]);
    expect(p.reason).toMatch(/does not beat cost|no move above the minimum size/);
  });
});
