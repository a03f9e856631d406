// The RiskRegistry's operator policy as the snapshot carries it from chain (chainSnapshot.ts): it wins over the
// engine params' mirror of it. No chain: hand-written snapshots.
import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures.js";
import { addr } from "./generate.js";
import { buildInstance, weiToEth } from "./model.js";
import { plan, type Plan } from "./plan.js";
import { zeroMoves } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type Snapshot } from "./types.js";
import { violations } from "./verify.js";

const op = (i: number) => addr(0x0b, i);
const params = { ...DEFAULT_ENGINE_PARAMS, turnoverBps: 10_000, maxScenarioLossBps: 10_000, cvarWeight: 0, uncertaintyMultiple: 0, diversificationPenalty: 0, dilution: false };
// Operator 0 pays 16% on set 0; operator 1 pays 2% on set 2: the engine prefers operator 0.
const base = () =>
  fixture({
    tvl: 1000,
    idle: [800],
    operators: [
      { stake: [100], sets: [{ set: 0, fraction: 0.5 }] },
      { stake: [100], sets: [{ set: 1, fraction: 0.5 }] },
    ],
    sets: [
      { avs: 0, others: 1e6, apr: 0.16, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
      { avs: 1, others: 1e6, apr: 0.02, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
    ],
    limits: { operatorCapBps: 9000 },
  });
const target = (p: Plan, i: number) => weiToEth(p.targets.find((t) => t.operator === op(i))!.target);
const increase = (p: Plan, i: number) => {
  const t = p.targets.find((x) => x.operator === op(i))!;
  return t.increaseNow + t.increaseLater;
};

describe("operator policy from chain", () => {
  it("an operator the chain refuses new stake gets none; the others still do", async () => {
    const { snapshot, avsData } = base();
    expect(target(await plan(snapshot, avsData, params), 0)).toBeGreaterThan(500);
    const s: Snapshot = { ...snapshot, operators: snapshot.operators.map((o, i) => (i === 0 ? { ...o, newStakeRefused: `OperatorSetsBeyondBound(${o.address}, 2)` } : o)) };
    const p = await plan(s, avsData, params);
    expect(increase(p, 0)).toBe(0n);
    expect(target(p, 0)).toBeCloseTo(100, 6); // what it has stays
    expect(increase(p, 1)).toBeGreaterThan(0n);
    const inst = buildInstance(s, avsData, params);
    const m = zeroMoves(inst);
    m.increaseNow[0] = 10;
    expect(violations(inst, m).map((v) => v.family)).toContain("operatorPolicy");
  });

  it("the chain's minimum allocation delay overrides the params' mirror", async () => {
    const { snapshot, avsData } = base();
    const slow = { ...snapshot, operators: snapshot.operators.map((o) => ({ ...o, allocationDelayBlocks: 50 })) };
    expect(increase(await plan(slow, avsData, { ...params, minAllocationDelayBlocks: 0 }), 0)).toBeGreaterThan(0n);
    const fromChain: Snapshot = { ...slow, limits: { ...slow.limits, minAllocationDelayBlocks: 51 } };
    const p = await plan(fromChain, avsData, { ...params, minAllocationDelayBlocks: 0 });
    expect(p.targets.every((t) => t.increaseNow === 0n && t.increaseLater === 0n)).toBe(true);
    // And the other way: a chain minimum the operators meet lets them grow whatever the params say.
    const met: Snapshot = { ...slow, limits: { ...slow.limits, minAllocationDelayBlocks: 50 } };
    expect(increase(await plan(met, avsData, { ...params, minAllocationDelayBlocks: 1_000 }), 0)).toBeGreaterThan(0n);
  });

  it("a redistributing set governance allowlisted may grow; one it did not, may not", async () => {
    const { snapshot, avsData } = base();
    const redistributing = (allowed: boolean): Snapshot => ({
      ...snapshot,
      operatorSets: snapshot.operatorSets.map((x, k) => (k === 0 ? { ...x, redistributing: true, redistributionAllowed: allowed } : x)),
    });
    expect(target(await plan(redistributing(false), avsData, params), 0)).toBeCloseTo(100, 6);
    expect(target(await plan(redistributing(true), avsData, params), 0)).toBeGreaterThan(500);
  });
});
