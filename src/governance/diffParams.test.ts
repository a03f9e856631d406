import { zeroAddress, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { diffParams, flattenParams } from "./diffParams.js";
import { ParamsFileError } from "./errors.js";
import { parseParamsFile } from "./params.js";
import type { CurrentParams } from "./readCurrentParams.js";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const TOKEN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;

const current = (): CurrentParams => ({
  chainId: 31337,
  blockNumber: 1n,
  risk: {
    operatorCapBps: 2500,
    defaultAvsCapBps: 3000,
    defaultOperatorSetCapBps: 2000,
    totalSlashableCapBps: 9000,
    minBufferBps: 500,
    avsCaps: [{ avs: A, capBps: 3000 }],
    operatorSetCaps: [{ avs: A, operatorSetId: 0, capBps: 2000 }],
    operatorAllowlist: [
      { operator: A, allowed: true },
      { operator: B, allowed: false },
    ],
  },
  vault: { maxAprBps: 2000, feeBps: 1000, treasury: A, paused: { Deposit: false, Allocate: false, Sync: false, Withdraw: true } },
  assets: [{ token: TOKEN, config: { strategy: B, adapter: A, minPrice: 9n * 10n ** 17n, maxPrice: 2n * 10n ** 18n, depositCap: 10n ** 23n, minDeposit: 10n ** 15n, rebasing: false } }],
  delegators: [{ operator: A, delegator: B }, { operator: B, delegator: zeroAddress }],
  safeCanPause: true,
});

const rows = (raw: unknown, c = current()) => diffParams(c, parseParamsFile(raw)).changes.map((x) => [x.parameter, x.current, x.new, x.direction, x.route]);

describe("diffParams", () => {
  it("routes tightening to the Safe and loosening to the timelock, following RiskRegistry's rule", () => {
    expect(
      rows({
        risk: {
          operatorCapBps: 2000,
          totalSlashableCapBps: 9500,
          minBufferBps: 400,
          operatorAllowlist: [
            { operator: A, allowed: false },
            { operator: B, allowed: true },
          ],
        },
      }),
    ).toEqual([
      ["risk.operatorCapBps", "2500", "2000", "tighten", "safe"],
      ["risk.totalSlashableCapBps", "9000", "9500", "loosen", "timelock"],
      ["risk.minBufferBps", "500", "400", "loosen", "timelock"],
      [`risk.operatorAllowlist[${A}]`, "true", "false", "tighten", "safe"],
      [`risk.operatorAllowlist[${B}]`, "false", "true", "loosen", "timelock"],
    ]);
    expect(rows({ risk: { minBufferBps: 600 } })).toEqual([["risk.minBufferBps", "500", "600", "tighten", "safe"]]);
  });

  it("puts per-AVS caps before the defaults, and a cleared cap takes the new default", () => {
    const d = diffParams(current(), parseParamsFile({ risk: { defaultAvsCapBps: 2000, avsCaps: [{ avs: A, capBps: 0 }] } }));
    // Clearing runs first, against today's default (3000 = its cap: no loosening), then the default drops.
    expect(d.actions.map((a) => [a.functionName, a.route])).toEqual([
      ["setAvsCap", "safe"],
      ["setDefaultAvsCap", "safe"],
    ]);
    expect(d.changes[0]).toMatchObject({ parameter: `risk.avsCaps[${A}]`, current: "3000", new: "2000", direction: "tighten" });
    expect(rows({ risk: { operatorSetCaps: [{ avs: A, operatorSetId: 0, capBps: 2500 }] } })).toEqual([
      [`risk.operatorSetCaps[${A}/0]`, "2000", "2500", "loosen", "timelock"],
    ]);
  });

  it("sends every vault and asset change through the timelock, one call per asset", () => {
    const d = diffParams(
      current(),
      parseParamsFile({ vault: { maxAprBps: 1000, feeBps: 1500 }, assets: [{ token: TOKEN, depositCap: "1000 ether", minPrice: "0.95 ether" }] }),
    );
    expect(d.changes.map((c) => [c.parameter, c.direction, c.route])).toEqual([
      ["vault.maxAprBps", "tighten", "timelock"],
      ["vault.feeBps", "change", "timelock"],
      [`assets[${TOKEN}].depositCap`, "tighten", "timelock"],
      [`assets[${TOKEN}].minPrice`, "tighten", "timelock"],
    ]);
    expect(d.actions.map((a) => a.functionName)).toEqual(["setSyncParams", "setAssetConfig"]);
    expect(d.actions[0]!.args).toEqual([{ maxAprBps: 1000, feeBps: 1500 }]);
  });

  it("pauses from the Safe when it is guardian, unpauses through the timelock, skips no-ops", () => {
    expect(rows({ pause: ["Deposit", "Withdraw"], unpause: ["Withdraw"].filter(() => false) })).toEqual([["vault.paused.Deposit", "false", "true", "tighten", "safe"]]);
    expect(rows({ unpause: ["Withdraw", "Sync"] })).toEqual([["vault.paused.Withdraw", "true", "false", "loosen", "timelock"]]);
    expect(rows({ pause: ["Deposit"] }, { ...current(), safeCanPause: false })).toEqual([["vault.paused.Deposit", "false", "true", "tighten", "timelock"]]);
    expect(rows({ risk: { operatorCapBps: 2500 }, vault: { feeBps: 1000 } })).toEqual([]);
  });

  it("refuses what the chain would refuse, by field", () => {
    const refuse = (raw: unknown) => {
      try {
        diffParams(current(), parseParamsFile(raw));
      } catch (e) {
        expect(e).toBeInstanceOf(ParamsFileError);
        return (e as ParamsFileError).issues;
      }
      throw new Error("expected a refusal");
    };
    expect(refuse({ chainId: 1 })).toEqual([{ path: "chainId", reason: "file is for chain 1, the RPC is chain 31337" }]);
    expect(refuse({ assets: [{ token: A }] })).toEqual([{ path: "assets.0.token", reason: "not a supported asset (add it with newAssets)" }]);
    expect(refuse({ assets: [{ token: TOKEN, minPrice: "3 ether" }] })[0]?.path).toBe("assets.0.maxPrice");
    expect(refuse({ addOperatorDelegators: [A] })).toEqual([{ path: "addOperatorDelegators.0", reason: `already has delegator ${B}` }]);
  });

  it("keys changes the way flattenParams reads values back", () => {
    const flat = flattenParams(current());
    const d = diffParams(current(), parseParamsFile({ risk: { operatorCapBps: 1 }, addOperatorDelegators: [B], pause: ["Sync"] }));
    for (const c of d.changes) expect(flat.get(c.parameter)).toBe(c.current);
  });
});
