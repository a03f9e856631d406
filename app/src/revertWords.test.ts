import { describe, expect, it } from "vitest";
import { revertInWords } from "./revertWords.js";

const stETH = "0x00000000000000000000000000000000000000a1";
const symbolOf = (a: string) => (a.toLowerCase() === stETH ? "stETH" : undefined);

describe("reverts in words", () => {
  it("names the error, says what it means and formats its arguments", () => {
    const text = revertInWords({ errorName: "DepositBelowMinimum", args: [stETH, 10n ** 15n, 10n ** 14n], text: "" }, symbolOf);
    expect(text).toBe("DepositBelowMinimum: the amount is below the asset's minimum deposit (stETH, 0.001, 0.0001)");
  });
  it("names the arguments in units when the error's ABI is known (as the CLI does)", () => {
    const inputs = [
      { name: "asset", type: "address" },
      { name: "minDeposit", type: "uint256" },
      { name: "amount", type: "uint256" },
    ];
    const text = revertInWords({ errorName: "DepositBelowMinimum", args: [stETH, 10n ** 15n, 10n ** 14n], text: "", inputs }, symbolOf);
    expect(text).toBe("DepositBelowMinimum: the amount is below the asset's minimum deposit (min deposit 0.001 stETH, amount 0.0001 stETH)");
  });
  it("falls back to the error's name split into words, small numbers as they are", () => {
    expect(revertInWords({ errorName: "OperatorCapExceeded", args: [2500n, 2600n], text: "" }, symbolOf)).toBe("OperatorCapExceeded: operator cap exceeded (2500, 2600)");
    expect(revertInWords({ errorName: "ZeroAmount", args: [], text: "" }, symbolOf)).toBe("ZeroAmount: the amount is zero");
  });
});
