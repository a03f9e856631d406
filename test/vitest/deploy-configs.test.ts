// The committed deploy configs name exactly the EigenLayer addresses recorded in ../shared/eigenlayer/
// (mainnet-addresses.json, hoodi-addresses.json). Skips with one line when ../shared is absent.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/devnet/anvil.js";

const shared = resolve(projectRoot, "..", "shared", "eigenlayer");
const have = existsSync(join(shared, "mainnet-addresses.json")) && existsSync(join(shared, "hoodi-addresses.json"));
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const cfg = (network: string) => json(join(projectRoot, "script", "config", `${network}.json`));
const core = ["strategyManager", "delegationManager", "allocationManager", "rewardsCoordinator", "permissionController"] as const;

if (!have) {
  describe("deploy configs match ../shared/eigenlayer", () => {
    it.skip(`skipped: ${shared}/*-addresses.json not found`, () => {});
  });
} else {
  describe("deploy configs match ../shared/eigenlayer", () => {
    it("mainnet: core proxies and LST strategies", () => {
      const c = cfg("mainnet");
      const a = json(join(shared, "mainnet-addresses.json")).addresses;
      for (const k of core) expect(getAddress(c.eigenlayer[k]), k).toBe(getAddress(a[k]));
      for (const asset of c.assets) expect(getAddress(asset.strategy), asset.symbol).toBe(getAddress(a.strategies[asset.symbol]));
      expect(c.comment).not.toMatch(/v1\.4\.1/);
    });

    it("hoodi: core proxies and LST strategies", () => {
      const c = cfg("hoodi");
      const a = json(join(shared, "hoodi-addresses.json"));
      expect(c.chainId).toBe(a.chainId);
      for (const k of core) expect(getAddress(c.eigenlayer[k]), k).toBe(getAddress(a.core[k]));
      for (const asset of c.assets) expect(getAddress(asset.strategy), asset.symbol).toBe(getAddress(a.strategies[asset.symbol]));
    });
  });
}
