// Limits at the worst allocation operators can reach before Trellis could leave, committed
// (pending) allocations, and the operator policy (allocation delay, redistributing sets).
import { describe, expect, it } from "vitest";
import { fixture, wei } from "./fixtures.js";
import { addr } from "./generate.js";
import { buildInstance, weiToEth } from "./model.js";
import { plan, type Plan } from "./plan.js";
import { zeroMoves, type Moves } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type Snapshot } from "./types.js";
import { violations } from "./verify.js";
import type { Instance } from "./model.js";

const op = (i: number) => addr(0x0b, i);
const params = {
  ...DEFAULT_ENGINE_PARAMS,
  turnoverBps: 10_000,
  maxScenarioLossBps: 10_000,
  cvarWeight: 0,
  uncertaintyMultiple: 0,
  diversificationPenalty: 0,
  dilution: false,
};
// Operator 0 pays 8% (set 0 at 50% of its magnitude, set 1 at 10%); operator 1 pays 1%.
// Set 1's cap is 20% of TVL (200 ETH).
const base = () =>
  fixture({
    tvl: 1000,
    idle: [800],
    operators: [
      { stake: [100], sets: [{ set: 0, fraction: 0.5 }, { set: 1, fraction: 0.1 }] },
      { stake: [100], sets: [{ set: 2, fraction: 0.5 }] },
    ],
    sets: [
      { avs: 0, others: 1e6, apr: 0.16, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
      { avs: 1, others: 1e6, apr: 0, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5, capBps: 2000 },
      { avs: 2, others: 1e6, apr: 0.02, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
    ],
    limits: { operatorCapBps: 9000 },
  });
const withOperators = (s: Snapshot, f: (o: Snapshot["operators"][number], i: number) => Partial<Snapshot["operators"][number]>): Snapshot => ({
  ...s,
  operators: s.operators.map((o, i) => ({ ...o, ...f(o, i) })),
});
const target = (p: Plan, i: number) => weiToEth(p.targets.find((t) => t.operator === op(i))!.target);
const movesOf = (inst: Instance, p: Plan): Moves => {
  const m = zeroMoves(inst);
  p.targets.forEach((t, i) => {
    m.increaseNow[i] = weiToEth(t.increaseNow);
    m.increaseLater[i] = weiToEth(t.increaseLater);
    m.decrease[i] = weiToEth(t.decrease);
  });
  return m;
};

describe("worst case reachable before Trellis could leave", () => {
  it("an operator with a short allocation delay may move its free magnitude onto a capped set: the cap binds sooner", async () => {
    const { snapshot, avsData } = base();
    // Without delays read, set 1 holds 10% of operator 0's stake: 200 / 0.1 = 2000 > the operator cap.
    const still = await plan(snapshot, avsData, params);
    expect(target(still, 0)).toBeCloseTo(900, 3);
    // Delay 10 blocks < the 100800-block withdrawal delay: worst case 0.1 + 0.4 free on set 1.
    const fast = withOperators(snapshot, () => ({ allocationDelayBlocks: 10 }));
    const p = await plan(fast, avsData, params);
    expect(target(p, 0)).toBeLessThanOrEqual(400 + 1e-6);
    expect(target(p, 0)).toBeGreaterThan(399);
    expect(p.binding.map((b) => b.name)).toContain(`set ${addr(0xa0, 1)}/0 steady`);
    // An operator whose delay is longer than the withdrawal delay cannot outrun Trellis.
    const slow = withOperators(snapshot, () => ({ allocationDelayBlocks: 200_000 }));
    expect(target(await plan(slow, avsData, params), 0)).toBeCloseTo(900, 3);
  });

  it("a committed (pending) increase counts before it lands", async () => {
    const { snapshot, avsData } = base();
    const pending = withOperators(snapshot, (o, i) =>
      i === 0
        ? { allocations: o.allocations.map((a) => (a.operatorSetId === 0 && a.avs === addr(0xa0, 1) ? { ...a, pendingMagnitude: wei(0.4) } : a)) }
        : {},
    );
    const p = await plan(pending, avsData, params);
    // 200 / 0.4 = 500.
    expect(target(p, 0)).toBeLessThanOrEqual(500 + 1e-6);
    expect(target(p, 0)).toBeGreaterThan(499);
  });
});

describe("operator policy", () => {
  it("an operator whose allocation delay is below the minimum gets no new stake", async () => {
    const { snapshot, avsData } = base();
    const s = withOperators(snapshot, () => ({ allocationDelayBlocks: 200_000 }));
    const p = await plan(s, avsData, { ...params, minAllocationDelayBlocks: 300_000 });
    expect(p.targets.every((t) => t.increaseNow === 0n && t.increaseLater === 0n)).toBe(true);
    const inst = buildInstance(s, avsData, { ...params, minAllocationDelayBlocks: 300_000 });
    const m = zeroMoves(inst);
    m.increaseNow[0] = 10;
    expect(violations(inst, m).map((v) => v.family)).toContain("operatorPolicy");
  });

  it("a redistributing operator set: no growth of exposure to it, unless allowed", async () => {
    const { snapshot, avsData } = base();
    const s: Snapshot = { ...snapshot, operatorSets: snapshot.operatorSets.map((x, k) => (k === 0 ? { ...x, redistributing: true } : x)) };
    const p = await plan(s, avsData, params);
    expect(target(p, 0)).toBeLessThanOrEqual(100 + 1e-6);
    expect(target(await plan(s, avsData, { ...params, allowRedistributingSets: true }), 0)).toBeCloseTo(900, 3);
    const inst = buildInstance(s, avsData, params);
    expect(violations(inst, movesOf(inst, p))).toEqual([]);
  });
});

describe("worstCaseAllocations: false", () => {
  it("evaluates limits at today's committed allocations only", async () => {
    const { snapshot, avsData } = base();
    const fast = withOperators(snapshot, () => ({ allocationDelayBlocks: 10 }));
    const p = await plan(fast, avsData, { ...params, worstCaseAllocations: false });
    expect(target(p, 0)).toBeCloseTo(900, 3);
  });
});
