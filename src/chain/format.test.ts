import { describe, expect, it } from "vitest";
import { decodeRevertData } from "./errors.js";
import { formatAmount, formatDate, formatDuration, formatRate, formatWhen } from "./format.js";
import { humanizeRevert } from "./humanize.js";
import { InputError, parseAddressArg, parseAmountArg, parseIntegerArg } from "./validate.js";
import { encodeErrorResult, parseEther, type Address } from "viem";
import { vaultAbi } from "../abi/generated/index.js";

describe("format", () => {
  it("amounts in units with thousands and trimmed zeros", () => {
    expect(formatAmount(parseEther("12.5"), 18, "stETH")).toBe("12.5 stETH");
    expect(formatAmount(parseEther("1000000003"), 18, "stETH")).toBe("1,000,000,003 stETH");
    expect(formatAmount(1n, 18, "ETH")).toBe("0.000000000000000001 ETH");
    expect(formatAmount(parseEther("0.00012345"), 18)).toBe("0.000123");
    expect(formatAmount(-parseEther("2.5"), 18, "ETH")).toBe("-2.5 ETH");
    expect(formatAmount(123n, 18, "stETH", { raw: true })).toBe("123 wei stETH");
    expect(formatAmount(1_500_000n, 6, "USDC")).toBe("1.5 USDC");
  });
  it("the rate with six digits", () => {
    expect(formatRate(1_004_612_345_678_901_234n)).toBe("1.004612 ETH/trETH");
  });
  it("dates and durations", () => {
    expect(formatDate(0)).toBe("never");
    expect(formatDate(1_796_083_200)).toBe("2026-12-01 00:00 UTC");
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(90)).toBe("1 min 30 s");
    expect(formatDuration(2 * 86_400 + 34)).toBe("2 d");
    expect(formatDuration(7 * 86_400 + 5 * 3_600 + 59)).toBe("7 d 5 h");
    expect(formatDuration(-3_600)).toBe("1 h ago");
    expect(formatWhen(1_796_083_200 + 3_600, 1_796_083_200)).toBe("2026-12-01 01:00 UTC (in 1 h)");
  });
});

describe("validate", () => {
  it("refuses what is not an amount of the token", () => {
    expect(parseAmountArg("1.5", 18, "amount")).toBe(parseEther("1.5"));
    expect(parseAmountArg(".5", 18, "amount")).toBe(parseEther("0.5"));
    expect(() => parseAmountArg("1.1234567", 6, "amount", { symbol: "USDC" })).toThrow("has 7 decimals; USDC has 6");
    for (const bad of ["-1", "1e18", "0x10", "1,5", "", " "]) expect(() => parseAmountArg(bad, 18, "amount"), bad).toThrow(InputError);
    expect(() => parseAmountArg("0", 18, "amount")).toThrow("must be more than 0");
  });
  it("addresses and integers", () => {
    const a = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    expect(parseAddressArg(a, "--receiver")).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(() => parseAddressArg("0x5FBDB2315678afecb367f032d93F642f64180aa3", "--receiver")).not.toThrow();
    expect(() => parseAddressArg("vitalik.eth", "--receiver")).toThrow('--receiver: "vitalik.eth" is not an address');
    expect(parseIntegerArg("7", "id")).toBe(7n);
    expect(() => parseIntegerArg("-1", "id")).toThrow('id: "-1" is not a non-negative integer');
    expect(() => parseIntegerArg(String(2n ** 256n), "id")).toThrow("must be at most");
  });
});

describe("humanizeRevert", () => {
  const stETH = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
  const units = { asset: (a: Address) => (a === stETH ? { symbol: "stETH", decimals: 18 } : undefined) };
  it("names the error and gives its amounts in the asset's units", () => {
    const data = encodeErrorResult({ abi: vaultAbi, errorName: "DepositCapExceeded", args: [stETH, parseEther("100000"), parseEther("1000000003")] });
    expect(humanizeRevert(decodeRevertData(data), units)).toBe("DepositCapExceeded: cap 100,000 stETH, would reach 1,000,000,003 stETH");
    expect(humanizeRevert(decodeRevertData(data), { ...units, raw: true })).toBe(
      "DepositCapExceeded: cap 100000000000000000000000 wei stETH, would reach 1000000003000000000000000000 wei stETH",
    );
  });
  it("shares are trETH; errors without arguments are their name", () => {
    const slip = encodeErrorResult({ abi: vaultAbi, errorName: "SlippageExceeded", args: [parseEther("10"), parseEther("9.5")] });
    expect(humanizeRevert(decodeRevertData(slip), units)).toBe("SlippageExceeded: at least 10 trETH, would mint 9.5 trETH");
    expect(humanizeRevert(decodeRevertData(encodeErrorResult({ abi: vaultAbi, errorName: "ZeroAmount" })), units)).toBe("ZeroAmount");
  });
});
