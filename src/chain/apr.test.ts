import { describe, expect, it } from "vitest";
import { realisedApr, syncGain, type RateSync } from "./apr.js";

const WAD = 10n ** 18n;
const DAY = 86_400n;
const sync = (day: bigint, s: Partial<RateSync>): RateSync => ({
  blockNumber: day,
  timestamp: day * DAY,
  oldTotalAssets: 100n * WAD,
  newTotalAssets: 100n * WAD,
  oldRate: WAD,
  newRate: WAD,
  feeShares: 0n,
  rewardsValue: 0n,
  ...s,
});

describe("realised APR under streaming gains", () => {
  it("counts the mark above the booked total and what was still streaming in, not the booked change", () => {
    // Booked 100 (what had streamed in), 1 still streaming from the last sync, the mark at 102: 1 ETH is new.
    // The booked total moves only by the fee's worth (0.1 ETH): that is not the gain.
    const s = sync(1n, { measuredAssets: 102n * WAD, pendingBefore: WAD, newTotalAssets: 100n * WAD + WAD / 10n });
    expect(syncGain(s)).toBe(WAD);
    expect(syncGain({ ...s, measuredAssets: 97n * WAD })).toBe(-3n * WAD);
    expect(syncGain({ ...s, measuredAssets: 100n * WAD + WAD / 2n })).toBe(0n); // within what was streaming
    // Without the mark (older records), the booked change.
    expect(syncGain({ ...s, measuredAssets: undefined })).toBe(WAD / 10n);
  });

  it("splits the window's gains into LST yield, AVS rewards, the fee and losses (booked at once too)", () => {
    // Two syncs over 10 days on 100 ETH: each finds 1 ETH (0.4 of it AVS rewards), fee 0.1 ETH each; a 0.5 ETH
    // slash booked by a refresh (LossBooked) before the second.
    const feeShares = WAD / 10n;
    const history = [
      sync(5n, { measuredAssets: 101n * WAD, pendingBefore: 0n, feeShares, rewardsValue: (4n * WAD) / 10n }),
      sync(10n, { measuredAssets: 101n * WAD, pendingBefore: 0n, feeShares, rewardsValue: (4n * WAD) / 10n, lossesBooked: WAD / 2n }),
    ];
    const w = realisedApr(history, 10, 10n * DAY);
    const year = 365 / 5; // the window starts at the first sync in it (no sync before): 5 days long
    expect(w.parts.avsRewards).toBeCloseTo(2 * 0.004 * year, 9);
    expect(w.parts.lstYieldAndOther).toBeCloseTo(2 * 0.006 * year, 9);
    expect(w.parts.fees).toBeCloseTo(-2 * 0.001 * year, 9);
    expect(w.parts.losses).toBeCloseTo(-0.005 * year, 9);
  });
});
