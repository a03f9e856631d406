import { describe, expect, it } from "vitest";
import { ParamsFileError } from "./errors.js";
import { parseParamsFile } from "./params.js";

const AVS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TOKEN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

function issues(raw: unknown): Record<string, string> {
  try {
    parseParamsFile(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ParamsFileError);
    return Object.fromEntries((e as ParamsFileError).issues.map((i) => [i.path, i.reason]));
  }
  throw new Error("expected the file to be refused");
}

describe("parameter file", () => {
  it("parses every section, amounts as base units or ether", () => {
    const p = parseParamsFile({
      description: "all",
      chainId: 31337,
      risk: {
        operatorCapBps: 2000,
        defaultAvsCapBps: 3000,
        defaultOperatorSetCapBps: 1500,
        totalSlashableCapBps: 8000,
        minBufferBps: 600,
        avsCaps: [{ avs: AVS, capBps: 1000 }],
        operatorSetCaps: [{ avs: AVS, operatorSetId: 1, capBps: 0 }],
        operatorAllowlist: [{ operator: TOKEN, allowed: false }],
      },
      vault: { maxAprBps: 1500, feeBps: 3000, treasury: AVS },
      assets: [{ token: TOKEN, depositCap: "1000 ether", minDeposit: "1000000000000000", minPrice: "0.9 ether", maxPrice: "1.2 ether" }],
      pause: ["Deposit"],
    });
    expect(p.assets?.[0]?.depositCap).toBe(1000n * 10n ** 18n);
    expect(p.assets?.[0]?.minPrice).toBe(9n * 10n ** 17n);
    expect(p.risk?.operatorSetCaps?.[0]?.capBps).toBe(0);
  });

  it("names every bad field: bounds, checksums, unknown fields, duplicates, price order", () => {
    expect(
      issues({
        risk: {
          operatorCapBps: 10_001,
          minBufferBps: 1.5,
          avsCaps: [
            { avs: AVS.toLowerCase(), capBps: 10 },
            { avs: AVS, capBps: 10 },
            { avs: AVS, capBps: 20 },
          ],
          operatorAllowlist: [{ operator: "0x1234", allowed: true }],
        },
        vault: { feeBps: 3001, treasury: "0x0000000000000000000000000000000000000000" },
        assets: [{ token: TOKEN, minPrice: "2 ether", maxPrice: "1 ether", depositCap: "-1" }],
        pause: ["Deposit"],
        unpause: ["Deposit"],
        extra: true,
      }),
    ).toEqual({
      "risk.operatorCapBps": "must be <= 10000 bps",
      "risk.minBufferBps": "must be an integer",
      "risk.avsCaps.0.avs": `not EIP-55 checksummed (expected ${AVS})`,
      "risk.operatorAllowlist.0.operator": "not an address",
      "vault.feeBps": "must be <= Vault.MAX_FEE_BPS = 3000",
      "vault.treasury": "must not be the zero address",
      "assets.0.depositCap": 'must be a decimal string of base units or "<amount> ether"',
      extra: "unknown field",
    });
    // Cross-field checks run once every field is well formed.
    expect(
      issues({
        risk: { avsCaps: [{ avs: AVS, capBps: 10 }, { avs: AVS, capBps: 20 }] },
        pause: ["Deposit"],
        unpause: ["Deposit"],
      }),
    ).toEqual({ "risk.avsCaps.1": `duplicate AVS ${AVS}`, "unpause.0": "Deposit is also in pause" });
    expect(issues({ assets: [{ token: TOKEN, minPrice: "2 ether", maxPrice: "1 ether" }] })).toEqual({
      "assets.0.maxPrice": "must be >= minPrice (2000000000000000000)",
    });
    expect(issues({ assets: [{ token: TOKEN, depositCap: "340282366920938463463374607431768211456" }] })).toEqual({
      "assets.0.depositCap": "must fit in uint128",
    });
  });
});
