// IRewardsCoordinator must be ABI-identical to EigenLayer's for everything it declares: the same Trellis code and
// keeper then run against mainnet, a fork or the devnet. The reference ABI lives outside the repo (../shared).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { iRewardsCoordinatorAbi, rewardsCoordinatorAbi } from "../../src/abi/generated/index.js";
import { projectRoot } from "../../src/devnet/anvil.js";

const referencePath = join(projectRoot, "..", "shared", "eigenlayer", "abi", "IRewardsCoordinator.json");
type AbiItem = { type: string; name?: string; inputs?: readonly { type: string }[] };
const signature = (item: AbiItem) => `${item.type} ${item.name ?? ""}(${(item.inputs ?? []).map((i) => i.type).join(",")})`;

describe.skipIf(!existsSync(referencePath))("IRewardsCoordinator against EigenLayer's ABI", () => {
  const raw = JSON.parse(readFileSync(referencePath, "utf8")) as AbiItem[] | { abi: AbiItem[] };
  const reference = new Map((Array.isArray(raw) ? raw : raw.abi).map((item) => [signature(item), item]));

  it("declares only real functions, events and errors, each identical to EigenLayer's", () => {
    for (const item of iRewardsCoordinatorAbi) {
      expect(reference.get(signature(item)), signature(item)).toEqual(item);
    }
  });

  it("covers what the keeper calls", () => {
    const names = new Set<string>(iRewardsCoordinatorAbi.map((i) => ("name" in i ? i.name : "")));
    for (const name of ["processClaim", "processClaims", "submitRoot", "setClaimerFor", "checkClaim", "getRootIndexFromHash"]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it("the devnet coordinator exposes every function of the interface", () => {
    const implemented = new Set(rewardsCoordinatorAbi.map((i) => signature(i as AbiItem)));
    for (const item of iRewardsCoordinatorAbi.filter((i) => i.type === "function")) {
      expect(implemented.has(signature(item)), signature(item)).toBe(true);
    }
  });
});
