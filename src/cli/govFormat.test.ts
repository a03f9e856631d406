import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import type { Deployment } from "../devnet/deployment.js";
import type { ParamChange } from "../governance/diffParams.js";
import { addressNames, formatChanges } from "./gov.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const deployment = {
  trellis: { vault: addr(1) },
  operators: [{ address: addr(2), delegator: addr(3) }],
  avss: [{ address: addr(4), operatorSetIds: [0] }],
  assets: [{ symbol: "stETH", token: addr(5) }],
} as unknown as Deployment;

const change = (parameter: string, current: string, next: string): ParamChange =>
  ({ parameter, current, new: next, direction: "tighten", route: "safe" }) as ParamChange;

describe("gov changes table", () => {
  it("names the deployment's addresses and shows amounts in the asset's units, percentages for bps", () => {
    const text = formatChanges(
      [
        change(`risk.avsCaps[${addr(4)}]`, "3000", "1500"),
        change(`risk.operatorAllowlist[${addr(2)}]`, "true", "false"),
        change(`assets[${addr(5)}].depositCap`, "100000000000000000000000", "50000000000000000000000"),
        change(`assets[${addr(5)}].minPrice`, "900000000000000000", "950000000000000000"),
      ],
      addressNames(deployment),
    );
    expect(text).toMatch(/^risk\.avsCaps\[AVS 1\]\s+30% \(3000 bps\)\s+15% \(1500 bps\)/m);
    expect(text).toMatch(/^risk\.operatorAllowlist\[operator 1\]\s+true\s+false/m);
    expect(text).toMatch(/^assets\[stETH\]\.depositCap\s+100,000 stETH\s+50,000 stETH/m);
    expect(text).toMatch(/^assets\[stETH\]\.minPrice\s+0\.9 ETH per stETH\s+0\.95 ETH per stETH/m);
    expect(text).not.toMatch(/0x0{30}/);
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThan(110);
  });
});
