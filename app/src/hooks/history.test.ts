import { describe, expect, it } from "vitest";
import { aprBreakdown, pendingAt, realisedApr, syncGain, type HistoryPoint } from "./history.js";

const WAD = 10n ** 18n;
const day = 86_400;
const point = (t: number, rate: bigint, tvl: bigint): HistoryPoint => ({ block: BigInt(t), timestamp: t, rate, totalAssets: tvl });

describe("APR from history", () => {
  it("annualises the rate's growth and breaks the booked gains down over time-weighted TVL", () => {
    // 100 ETH for a year (365 days) growing the rate 5%: 5 ETH booked, 1 ETH of it rewards, 0.5 ETH fee.
    const points = [point(0, WAD, 100n * WAD), point(365 * day, (WAD * 105n) / 100n, 100n * WAD)];
    expect(realisedApr(points)).toBeCloseTo(0.05, 9);
    const b = aprBreakdown(points, { booked: 5n * WAD, rewards: WAD, fee: WAD / 2n })!;
    expect(b.booked).toBeCloseTo(0.05, 9);
    expect(b.avsRewards).toBeCloseTo(0.01, 9);
    expect(b.lstYieldAndOther).toBeCloseTo(0.04, 9);
    expect(b.fee).toBeCloseTo(0.005, 9);
    expect(b.net).toBeCloseTo(0.045, 9);
  });
  it("weights TVL by time (a deposit late in the window counts for the time it was in)", () => {
    const points = [point(0, WAD, 100n * WAD), point(182.5 * day, WAD, 100n * WAD), point(365 * day, WAD, 300n * WAD)];
    // time-weighted TVL: half a year at 100, half a year averaging 200 -> 150 ETH-years
    expect(aprBreakdown(points, { booked: 15n * WAD, rewards: 0n, fee: 0n })!.booked).toBeCloseTo(0.1, 9);
  });
  it("counts booked losses (LossBooked) against the gains", () => {
    // 100 ETH for a year: 6 ETH booked at syncs, a 2 ETH slash booked at once, 0.6 ETH fee.
    const points = [point(0, WAD, 100n * WAD), point(365 * day, WAD, 100n * WAD)];
    const b = aprBreakdown(points, { booked: 6n * WAD, rewards: 0n, losses: 2n * WAD, fee: (6n * WAD) / 10n })!;
    expect(b.losses).toBeCloseTo(0.02, 9);
    expect(b.net).toBeCloseTo(0.034, 9);
  });
  it("says nothing under an hour of history", () => {
    const points = [point(0, WAD, WAD), point(3_599, WAD + 1n, WAD)];
    expect(realisedApr(points)).toBeUndefined();
    expect(aprBreakdown(points, { booked: 1n, rewards: 0n, fee: 0n })).toBeUndefined();
  });
  it("caps the rewards at the gains the syncs found (a claim not yet measured is not counted twice)", () => {
    const points = [point(0, WAD, 100n * WAD), point(365 * day, WAD, 100n * WAD)];
    const b = aprBreakdown(points, { booked: WAD, rewards: 3n * WAD, fee: 0n })!;
    expect(b.avsRewards).toBeCloseTo(0.01, 9);
    expect(b.lstYieldAndOther).toBeCloseTo(0, 9);
  });
});

describe("gains a sync found under streaming", () => {
  it("counts only the mark above the booked total and what was still streaming in", () => {
    // Booked 100 (with what streamed so far), 2 still pending from the last sync, the mark at 103: 1 is new.
    expect(syncGain({ oldTotalAssets: 100n * WAD, measuredAssets: 103n * WAD, pendingBefore: 2n * WAD })).toEqual({ gain: WAD, loss: 0n });
    // A mark between the booked total and booked + pending finds nothing new (and loses nothing booked).
    expect(syncGain({ oldTotalAssets: 100n * WAD, measuredAssets: 101n * WAD, pendingBefore: 2n * WAD })).toEqual({ gain: 0n, loss: 0n });
    // A mark below the booked total is a loss of the difference.
    expect(syncGain({ oldTotalAssets: 100n * WAD, measuredAssets: 97n * WAD, pendingBefore: 2n * WAD })).toEqual({ gain: 0n, loss: 3n * WAD });
  });
  it("releases pending gains at the vault's speed from its checkpoint", () => {
    const books = { pending: 1_000n, releasePerSecond: 10n, checkpoint: 500n };
    expect(pendingAt(books, 500n)).toBe(1_000n);
    expect(pendingAt(books, 550n)).toBe(500n);
    expect(pendingAt(books, 700n)).toBe(0n);
    expect(pendingAt(books, 400n)).toBe(1_000n);
  });
});
