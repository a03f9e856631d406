import { describe, expect, it } from "vitest";
import { padRange } from "./chartRange.js";

describe("padRange", () => {
  it("widens a flat series to four steps of the last shown digit, centred", () => {
    const [lo, hi] = padRange(1, 1, 5);
    expect(hi - lo).toBeCloseTo(4e-5, 12);
    expect((lo + hi) / 2).toBeCloseTo(1, 12);
  });
  it("widens a series that moves by a few wei (1e-18) the same way", () => {
    const [lo, hi] = padRange(1, 1 + 3e-16, 5);
    expect(hi - lo).toBeCloseTo(4e-5, 12);
  });
  it("pads a real range by a tenth of its span on each side, never below zero for positive data", () => {
    expect(padRange(5, 13, 3)).toEqual([4.2, 13.8]);
    expect(padRange(0, 10, 3)).toEqual([0, 11]);
  });
  it("falls back to [0, 1] without data", () => {
    expect(padRange(Number.NaN, Number.NaN, 3)).toEqual([0, 1]);
    expect(padRange(Infinity, -Infinity, 3)).toEqual([0, 1]);
  });
});
