// The lifecycle scenario (test/scenarios/lifecycle.ts) on the REAL EigenLayer core: EigenLayer's own bytecode,
// deployed by EigenLayer's own script, loaded from ../shared/eigenlayer/anvil/ into anvil. Trellis is deployed by
// script/DeployTrellis.s.sol, the script a mainnet deploy runs, after script/SetUpRealCore.s.sol made the LST
// strategies through the real StrategyFactory and registered operators and AVSs with registrar contracts.
import { zeroAddress } from "viem";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { join } from "node:path";
import { createPublicClient, http, maxUint256, type Abi } from "viem";
import { describe, expect, it } from "vitest";
import { devnetRETHAbi } from "../../src/abi/generated/index.js";
import { devnetAccount } from "../../src/devnet/accounts.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import { haveRealCore, REAL_CORE_DIR, REAL_CORE_SKIP_REASON, useRealCore } from "../helpers/realCore.js";
import { lifecycleScenario } from "../scenarios/lifecycle.js";

if (!haveRealCore) {
  describe("real EigenLayer core", () => {
    it.skip(REAL_CORE_SKIP_REASON, () => {});
  });
} else {
  const real = useRealCore();
  // createAVSRewardsSubmission is not in the devnet's interface: its ABI comes from the real one in ../shared.
  const realRewardsAbi = JSON.parse(readFileSync(join(REAL_CORE_DIR, "..", "abi", "IRewardsCoordinator.json"), "utf8")) as Abi;

  describe("real EigenLayer core", () => {
    it("is the real core: EigenLayer's semver and parameters, not the devnet's", async () => {
      const addresses = JSON.parse(readFileSync(join(REAL_CORE_DIR, "addresses.json"), "utf8"));
      expect(real.core.deployment.eigenlayer.delegationManager).toBe(addresses.contracts.delegationManager);
      const res = await fetch(real.core.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [addresses.implementations.allocationManager, "latest"] }),
      });
      const code = ((await res.json()) as { result: string }).result;
      expect(code.length).toBeGreaterThan(1000);
    });

    it("DeployTrellis --dry-run prints what it would create and who would hold each role, and sends nothing", async () => {
      const rpc = async (method: string) => {
        const res = await fetch(real.core.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }) });
        return ((await res.json()) as { result: string }).result;
      };
      const blockBefore = await rpc("eth_blockNumber");
      const out = join(projectRoot, "deployments", `dry-run-${process.pid}.json`);
      const { stdout } = await promisify(execFile)(process.execPath, [
        "script/deploy-trellis.mjs", "--network", "local", "--config", real.core.configFile, "--out", out, "--rpc-url", real.core.rpcUrl, "--dry-run",
      ], { cwd: projectRoot, env: { ...process.env, TRELLIS_DEPLOYER_KEY: "" }, maxBuffer: 64 * 1024 * 1024 });
      expect(stdout).toContain("DRY RUN (simulated, nothing sent)");
      const d = real.core.deployment;
      expect(stdout).toMatch(/ADMIN: timelock=0x[0-9a-fA-F]{40}\n/);
      expect(stdout).toContain(`KEEPER: keeper=${d.actors.keeper}`);
      expect(stdout).toContain(`RISK_MANAGER: timelock=`);
      expect(stdout).toContain(`safe=${d.trellis.safe}`);
      expect(stdout).not.toMatch(/deployer=/);
      expect(existsSync(out)).toBe(false);
      expect(await rpc("eth_blockNumber")).toBe(blockBefore);
    });
  });

  lifecycleScenario({
    name: "real-eigenlayer",
    network: "local",
    rpcUrl: () => real.core.rpcUrl,
    deployment: () => real.core.deployment,
    deploymentFile: () => real.core.deploymentFile,
    // As on mainnet: the AVS pays rewards in through createAVSRewardsSubmission (weekly-aligned, whitelisted
    // strategies in ascending order); the rewards updater then posts a root that distributes them.
    fundRewards: async (sim, { avsIndex, token, amount }) => {
      const d = real.core.deployment;
      const avs = devnetAccount(d.avss[avsIndex]!.keyIndex!);
      await sim.tx(sim.deployer, token, devnetRETHAbi as Abi, "mint", [avs.address, amount]);
      await sim.tx(avs, token, devnetRETHAbi as Abi, "approve", [d.eigenlayer.rewardsCoordinator, maxUint256]);
      const interval = Number(await sim.read<number>(d.eigenlayer.rewardsCoordinator, realRewardsAbi, "CALCULATION_INTERVAL_SECONDS"));
      const now = Number((await createPublicClient({ transport: http(real.core.rpcUrl) }).getBlock()).timestamp);
      const start = Math.floor(now / interval) * interval - interval;
      const strategies = d.assets.map((a) => a.strategy).filter((x) => x !== zeroAddress).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      await sim.tx(avs, d.eigenlayer.rewardsCoordinator, realRewardsAbi, "createAVSRewardsSubmission", [
        [{ strategiesAndMultipliers: strategies.map((strategy) => ({ strategy, multiplier: 10n ** 18n })), token, amount, startTimestamp: start, duration: interval }],
      ]);
    },
  });
}
