import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures.js";
import { addr } from "./generate.js";
import { formatPlan, planToJson } from "./format.js";
import { plan } from "./plan.js";

const op = (i: number) => addr(0x0b, i);
const dl = (i: number) => addr(0xde, i);
// The planner's mechanics, without the tail-risk and diversification terms (tested apart).
const loose = { maxScenarioLossBps: 10_000, turnoverBps: 10_000, cvarWeight: 0, diversificationPenalty: 0 };
const sets = [
  { avs: 0, others: 1e5, apr: 0.005, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
  { avs: 1, others: 1e5, apr: 0.08, p: 0.001, sev: 0.1, pfc: 10, theta: 0.5 },
];

describe("plan", () => {
  it("moves stake between operators through the withdrawal delay: queue now, redeposit later", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 400,
      idle: [0],
      operators: [
        { stake: [200], sets: [{ set: 0, fraction: 1 }] },
        { stake: [200], sets: [{ set: 1, fraction: 1 }] },
      ],
      sets,
      limits: { operatorCapBps: 7500 },
    });
    const p = await plan(snapshot, avsData, loose);
    expect(p.actions.map((a) => a.type)).toEqual(["queueWithdrawal"]);
    expect(p.actions[0]).toMatchObject({ delegator: dl(0), operator: op(0), ethValue: 100n * 10n ** 18n });
    expect(p.deferred).toEqual([{ operator: op(1), strategy: addr(0x51, 0), ethValue: 100n * 10n ** 18n }]);
    expect(p.targets.map((t) => t.target)).toEqual([100n * 10n ** 18n, 300n * 10n ** 18n]);
  });

  it("completes matured withdrawals and redeposits them before using the buffer", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 500,
      idle: [100],
      operators: [
        { stake: [100], matured: [50], sets: [{ set: 0, fraction: 1 }] },
        { stake: [200], sets: [{ set: 1, fraction: 1 }] },
      ],
      sets,
    });
    const p = await plan(snapshot, avsData, loose);
    const types = p.actions.map((a) => a.type);
    expect(types[0]).toBe("completeWithdrawal");
    const dep = p.actions.find((a) => a.type === "deposit");
    expect(dep).toMatchObject({ fromDelegator: dl(0), delegator: dl(1), ethValue: 50n * 10n ** 18n });
    const alloc = p.actions.find((a) => a.type === "allocate");
    expect(alloc).toMatchObject({ delegator: dl(1), ethValue: 100n * 10n ** 18n });
    expect(types.indexOf("deposit")).toBeLessThan(types.indexOf("allocate"));
  });

  it("drops moves under the minimum size", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 400.5,
      idle: [0.5],
      operators: [{ stake: [200], sets: [{ set: 1, fraction: 1 }] }, { stake: [200], sets: [{ set: 1, fraction: 1 }] }],
      sets,
    });
    const p = await plan(snapshot, avsData, { ...loose, minMoveEth: 1 });
    expect(p.actions).toEqual([]);
    expect(p.reason).toMatch(/minimum size/);
  });

  it("renders a readable table and JSON", async () => {
    const { snapshot, avsData } = fixture({
      tvl: 500,
      idle: [100],
      operators: [
        { stake: [100], matured: [50], sets: [{ set: 0, fraction: 1 }] },
        { stake: [200], sets: [{ set: 1, fraction: 1 }] },
      ],
      sets,
    });
    const p = await plan(snapshot, avsData, loose);
    const text = formatPlan(p);
    expect(text).toMatch(/^Plan at block 1000 \(TVL 500\.0000 ETH\)/);
    expect(text).toMatch(/Operators \(ETH, current incl\. queued -> target\)/);
    expect(text).toMatch(/Exposure per AVS/);
    expect(text).toMatch(/completeWithdrawal/);
    expect(text).toMatch(/allocate .* 100\.0000 +from buffer/);
    const json = JSON.parse(planToJson(p));
    expect(json.actions[0].type).toBe("completeWithdrawal");
    expect(typeof json.actions[0].ethValue).toBe("string");
    expect(json.blockNumber).toBe("1000");
  });
});
