import { describe, expect, it } from "vitest";
import { generate } from "./generate.js";
import { parseHistory, planRecord, reviewHistory } from "./history.js";
import { plan } from "./plan.js";
import type { Snapshot } from "./types.js";

describe("plan history: realised vs predicted, allocation changes", () => {
  const g = generate({ seed: 4, operators: 6, operatorSets: 3, strategies: 1 });
  const rate0 = 10n ** 18n;

  it("reports the vault rate's realised APR against each past plan's prediction, newest first", async () => {
    const p = await plan(g.snapshot, g.avsData, g.params);
    const r1 = planRecord(p, g.snapshot, { rateWad: rate0, timestamp: 1_000_000 });
    const later: Snapshot = { ...g.snapshot, blockNumber: g.snapshot.blockNumber + 7200n };
    const r2 = planRecord(p, later, { rateWad: rate0 + 10n ** 15n, timestamp: 1_000_000 + 86_400 });
    const text = [r1, r2].map((r) => JSON.stringify(r)).join("\n") + "\n";
    const now: Snapshot = { ...g.snapshot, blockNumber: g.snapshot.blockNumber + 2n * 7200n };
    // 36.5 days after the first plan the rate is up 0.5%: 5% a year.
    const review = reviewHistory(parseHistory(text), now, { rateWad: rate0 + 5n * 10n ** 15n, timestamp: 1_000_000 + 36.5 * 86_400 });
    expect(review.pastPlans.map((h) => h.blockNumber)).toEqual([later.blockNumber.toString(), g.snapshot.blockNumber.toString()]);
    expect(review.pastPlans[1]!.realisedApr).toBeCloseTo(0.05, 9);
    expect(review.pastPlans[1]!.elapsedDays).toBeCloseTo(36.5, 9);
    expect(review.pastPlans[1]!.predictedApr).toBe(p.actions.length ? p.riskAdjustedApr.target : p.riskAdjustedApr.current);
    expect(review.allocationChanges).toEqual([]);
    expect(review.warnings).toEqual([]);
    // Records of another vault, or from the future of this snapshot, are ignored.
    const other = { ...r1, vault: "0x0000000000000000000000000000000000000001" };
    expect(reviewHistory([other as typeof r1], now, { rateWad: rate0, timestamp: 2_000_000 }).pastPlans).toEqual([]);
    expect(reviewHistory([r2], g.snapshot, { rateWad: rate0, timestamp: 2_000_000 }).pastPlans).toEqual([]);
  });

  it("warns when an operator's allocations changed since the last plan (pending included)", async () => {
    const p = await plan(g.snapshot, g.avsData, g.params);
    const rec = planRecord(p, g.snapshot, { rateWad: rate0, timestamp: 1 });
    const op = g.snapshot.operators[2]!;
    const a = op.allocations[0]!;
    const moved: Snapshot = {
      ...g.snapshot,
      blockNumber: g.snapshot.blockNumber + 10n,
      operators: g.snapshot.operators.map((o) =>
        o === op ? { ...o, allocations: o.allocations.map((x) => (x === a ? { ...x, pendingMagnitude: x.allocatedMagnitude + 10n ** 17n } : x)) } : o,
      ),
    };
    const review = reviewHistory([rec], moved, { rateWad: rate0, timestamp: 2 });
    expect(review.allocationChanges).toHaveLength(1);
    const c = review.allocationChanges[0]!;
    expect(c.operator).toBe(op.address.toLowerCase());
    expect(c.to - c.from).toBeCloseTo(0.1, 9);
    expect(review.warnings).toHaveLength(1);
    expect(review.warnings[0]).toMatch(new RegExp(`operator ${op.address.toLowerCase()} changed its allocations since the plan at block ${g.snapshot.blockNumber}`));
  });

  it("refuses a malformed history line, naming it", () => {
    expect(() => parseHistory('{"version":1,"rateWad":"1","allocations":[]}\nnot json\n')).toThrow(/line 2: not JSON/);
    expect(() => parseHistory('{"version":2}\n')).toThrow(/line 1: not a version 1 plan record/);
  });
});
