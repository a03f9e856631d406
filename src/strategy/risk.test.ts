import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures.js";
import { buildInstance } from "./model.js";
import {
  avsExposures,
  clusterLosses,
  currentStake,
  expectedReward,
  expectedSlashingLoss,
  operatorCompromiseLosses,
  robustness,
  scenarioLosses,
  setExposures,
  steadyStake,
  totalSlashable,
  zeroMoves,
} from "./risk.js";
import { DEFAULT_ENGINE_PARAMS } from "./types.js";

const { snapshot, avsData } = fixture({
  tvl: 1000,
  operators: [
    { stake: [100], queued: [20], sets: [{ set: 0, fraction: 0.5 }, { set: 1, fraction: 0.3 }] },
    { stake: [200], sets: [{ set: 1, fraction: 0.4 }, { set: 2, fraction: 0.2 }] },
  ],
  sets: [
    { avs: 0, others: 500, apr: 0.04, p: 0.01, sev: 0.5, pfc: 100, theta: 0.5, clusters: ["x"] },
    { avs: 0, others: 0, apr: 0.02, p: 0.02, sev: 1, pfc: 1000, theta: 0.33 },
    { avs: 1, others: 60, apr: 0.1, p: 0.1, sev: 0.1, pfc: 10, theta: 0.33, clusters: ["x"] },
  ],
});
const inst = buildInstance(snapshot, avsData, DEFAULT_ENGINE_PARAMS);

describe("risk model", () => {
  const x = currentStake(inst);
  const e = setExposures(inst, x);

  it("exposure per set, AVS and cluster = stake x allocated / max magnitude", () => {
    expect([...e].map((v) => +v.toFixed(9))).toEqual([60, 116, 40]);
    expect([...avsExposures(inst, e)].map((v) => +v.toFixed(9))).toEqual([176, 40]);
    expect([...clusterLosses(inst, e)].map((v) => +v.toFixed(9))).toEqual([100]);
    expect(totalSlashable(inst, x)).toBeCloseTo(216, 9);
  });

  it("queued stake counts now, not in the steady state", () => {
    const steady = setExposures(inst, steadyStake(inst, zeroMoves(inst)));
    expect(steady[0]).toBeCloseTo(50, 9);
  });

  it("scenario losses: AVS, operator compromise, cluster; sorted worst first", () => {
    expect([...operatorCompromiseLosses(inst, x)].map((v) => +v.toFixed(9))).toEqual([96, 120]);
    const s = scenarioLosses(inst, x);
    expect(s[0]).toMatchObject({ kind: "avs", lossEth: expect.closeTo(176, 9) });
    expect(s.map((v) => v.kind).sort()).toEqual(["avs", "avs", "cluster", "operator", "operator"]);
  });

  it("robustness: stake vs (1 + gamma) PfC / threshold", () => {
    const r = robustness(inst, e);
    expect(r[0]!.bound).toBeCloseTo((1.1 * 100) / 0.5, 9);
    expect(r[0]!.marginEth).toBeCloseTo(560 - 220, 9);
    expect(r[1]!.robust).toBe(false); // 116 ETH against 1.1 * 1000 / 0.33
    expect(r[2]!.robust).toBe(true); // 100 ETH against 33.3 ETH
  });

  it("reward with and without pro-rata dilution; expected loss", () => {
    const plain = expectedReward(inst, e, false);
    expect(plain).toBeCloseTo(60 * 0.04 + 116 * 0.02 + 40 * 0.1, 9);
    // Dilution at today's exposure pays the APR (the budget is APR x today's total stake), except
    // where nobody else stakes: others are floored at 1 ETH.
    expect(expectedReward(inst, e, true)).toBeCloseTo(60 * 0.04 + (116 * 0.02 * 116) / 117 + 40 * 0.1, 9);
    expect(expectedSlashingLoss(inst, e)).toBeCloseTo(60 * 0.005 + 116 * 0.02 + 40 * 0.01, 9);
  });
});
