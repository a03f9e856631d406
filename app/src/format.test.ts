import { describe, expect, it } from "vitest";
import { amountInput, formatAmount, formatBps, formatEta, formatShare, parseAmount } from "./format.js";

describe("amounts for people", () => {
  it("formats bigint amounts once, grouped, never as wei", () => {
    expect(formatAmount(1234567891234567890123n, "stETH")).toBe("1,234.5678 stETH");
    expect(formatAmount(10n ** 18n, "ETH")).toBe("1 ETH");
    expect(formatAmount(0n)).toBe("0");
    expect(formatAmount(99_500_000_000_000n, "trETH")).toBe("0.0000995 trETH"); // below 4 digits: 3 significant
    expect(formatAmount(1n)).toBe("0.000000000000000001");
    expect(formatAmount(-5n * 10n ** 17n)).toBe("-0.5");
    expect(formatAmount(10n ** 18n, "ETH", { digits: 6, pad: true })).toBe("1.000000 ETH");
  });

  it("parses typed amounts and refuses anything else", () => {
    expect(parseAmount("1.5")).toBe(15n * 10n ** 17n);
    expect(parseAmount(" 0.0001 ")).toBe(10n ** 14n);
    expect(parseAmount("")).toBeUndefined();
    expect(parseAmount(".")).toBeUndefined();
    expect(parseAmount("1e18")).toBeUndefined();
    expect(parseAmount("-1")).toBeUndefined();
    expect(parseAmount("1,5")).toBeUndefined();
    expect(amountInput(1234567891234567890123n)).toBe("1234.567891234567890123");
  });

  it("formats shares, caps and ETAs", () => {
    expect(formatBps(2500)).toBe("25%");
    expect(formatShare(1n, 3n)).toBe("33.3%");
    expect(formatShare(1n, 0n)).toBe("–");
    expect(formatEta(100n + 2n * 86_400n + 3_600n, 100n)).toBe("in 2 d 1 h");
    expect(formatEta(100n, 200n)).toBe("now");
  });
});
