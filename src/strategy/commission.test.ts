// EigenLayer's reward rules in the engine: operator commission (splits) and only restaked tokens.
import { describe, expect, it } from "vitest";
import { fixture, setAddr } from "./fixtures.js";
import { addr } from "./generate.js";
import { buildInstance } from "./model.js";
import { plan } from "./plan.js";
import { evaluateObjective, zeroMoves } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type AvsData, type Snapshot } from "./types.js";

const op = (i: number) => addr(0x0b, i);
const params = {
  ...DEFAULT_ENGINE_PARAMS,
  turnoverBps: 10_000,
  maxScenarioLossBps: 10_000,
  dilution: false,
  cvarWeight: 0,
  uncertaintyMultiple: 0,
  diversificationPenalty: 0,
};
// Two operators on the same set, 100 ETH each, 600 ETH idle to place.
const two = () =>
  fixture({
    tvl: 1000,
    idle: [800],
    operators: [
      { stake: [100], sets: [{ set: 0, fraction: 1 }] },
      { stake: [100], sets: [{ set: 0, fraction: 1 }] },
    ],
    sets: [{ avs: 0, others: 1e6, apr: 0.05, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 }],
    limits: { operatorCapBps: 6000 },
  });
const withSplits = (s: Snapshot, avsBps: (number | null)[], setBps: (number | null)[] = avsBps.map(() => null)): Snapshot => ({
  ...s,
  operators: s.operators.map((o, i) => ({
    ...o,
    splits: [{ avs: setAddr(0), operatorSetId: 0, avsSplitBps: avsBps[i] ?? null, operatorSetSplitBps: setBps[i] ?? null }],
  })),
});

describe("operator commission", () => {
  it("counts rewards net of each operator's split; the default split (10%) when the chain gives none", () => {
    const { snapshot, avsData } = two();
    const inst = buildInstance(withSplits(snapshot, [null, 2500]), avsData, params);
    const h = params.horizonDays / 365;
    // 100 x 5% x 0.9 + 100 x 5% x 0.75 per year.
    expect(evaluateObjective(inst, zeroMoves(inst)).rewardEth).toBeCloseTo(h * (100 * 0.05 * 0.9 + 100 * 0.05 * 0.75), 9);
    expect(inst.positions[0]!.rewardApr).toBeCloseTo(0.045, 12);
  });

  it("puts new stake on the operator that keeps less, none on a 100%-commission operator", async () => {
    const { snapshot, avsData } = two();
    const p = await plan(withSplits(snapshot, [1000, 10_000]), avsData, params);
    const t = (i: number) => p.targets.find((x) => x.operator === op(i))!;
    expect(t(0).target).toBeGreaterThan(t(0).active);
    expect(t(1).increaseNow + t(1).increaseLater).toBe(0n);
    // ... and moves the stake off it (it pays depositors nothing).
    expect(t(1).decrease).toBeGreaterThan(0n);
  });

  it("operator-directed rewards use the operator-set split, stake-proportional ones the AVS split", () => {
    const { snapshot, avsData } = two();
    const directed: AvsData = { ...avsData, operatorSets: avsData.operatorSets.map((s) => ({ ...s, distribution: "operatorSet" as const })) };
    const s = withSplits(snapshot, [0, 0], [5000, 5000]);
    expect(buildInstance(s, avsData, params).positions[0]!.rewardApr).toBeCloseTo(0.05, 12);
    expect(buildInstance(s, directed, params).positions[0]!.rewardApr).toBeCloseTo(0.025, 12);
  });

  it("rewards in a token the vault does not restake are not depositors' yield", () => {
    const { snapshot, avsData } = two();
    const foreign: AvsData = { ...avsData, operatorSets: avsData.operatorSets.map((s) => ({ ...s, rewardToken: addr(0xee, 1) })) };
    const restaked: AvsData = { ...avsData, operatorSets: avsData.operatorSets.map((s) => ({ ...s, rewardToken: snapshot.strategies[0]!.asset })) };
    expect(evaluateObjective(buildInstance(snapshot, foreign, params), zeroMoves(buildInstance(snapshot, foreign, params))).rewardEth).toBe(0);
    const inst = buildInstance(snapshot, restaked, params);
    expect(evaluateObjective(inst, zeroMoves(inst)).rewardEth).toBeGreaterThan(0);
  });
});
