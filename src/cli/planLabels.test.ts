import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import { formatPlan } from "../strategy/format.js";
import type { Plan } from "../strategy/plan.js";
import type { Deployment } from "../devnet/deployment.js";
import { labelPlan } from "./planLabels.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const deployment = {
  operators: [{ address: addr(1), delegator: addr(11) }, { address: addr(2), delegator: addr(12) }],
  assets: [{ symbol: "stETH", token: addr(21), strategy: addr(31) }],
  avss: [{ address: addr(41), operatorSetIds: [0] }, { address: addr(42), operatorSetIds: [0] }],
} as unknown as Deployment;

const plan: Plan = {
  blockNumber: 7n,
  actions: [{ type: "allocate", delegator: addr(12), strategy: addr(31), ethValue: 10n ** 18n } as Plan["actions"][number]],
  reason: "gain beats cost",
  mandatory: false,
  targets: [],
  deferred: [],
  operators: [{ key: addr(2), currentEth: 0, targetEth: 1, capEth: 2 }],
  avs: [
    { key: addr(41), currentEth: 0, targetEth: 0.5, capEth: 3 },
    { key: addr(42), currentEth: 0, targetEth: 0.5, capEth: 3 },
  ],
  gainEth: 0.01,
  costEth: 0.001,
  marginEth: 0,
  turnover: { eth: 1, bps: 1000 },
  tailRisk: { alpha: 0.99, currentEth: 0, targetEth: 0.1 },
  binding: [],
  glideShortfall: [{ key: `${addr(41)}/0`, eth: 0.2 }],
  warnings: [],
  horizonDays: 90,
  riskAdjustedApr: { current: 0, target: 0.01 },
  tvlEth: 10,
};

describe("trellis plan with names", () => {
  it("names operators, delegators, strategies and AVSs as status does, in full", () => {
    const text = formatPlan(labelPlan(plan, deployment, new Map([[addr(41).toLowerCase(), "data availability"]])));
    expect(text).toMatch(/^operator 2\s+0\.0000\s+1\.0000/m);
    expect(text).toMatch(/^data availability\s/m); // the AVS data file's name, not cut to 12 characters
    expect(text).toMatch(/^AVS 2\s/m); // no name in the AVS data: its index
    expect(text).toMatch(/^allocate\s+operator 2\s+stETH\s+1\.0000/m);
    expect(text).toMatch(/^data availability\/0\s/m);
    expect(text).not.toMatch(/0x0000…/);
  });
  it("leaves the plan itself (and so its JSON) untouched", () => {
    labelPlan(plan, deployment, undefined);
    expect(plan.operators[0]!.key).toBe(addr(2));
  });
});
