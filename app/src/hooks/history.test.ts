import { describe, expect, it } from "vitest";
import { aprBreakdown, realisedApr, type HistoryPoint } from "./history.js";

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
});
