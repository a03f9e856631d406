// Trellis' whole life as one scenario, run against a backend: the project's EigenLayer devnet or the REAL
// EigenLayer core (../shared/eigenlayer/anvil). The same steps and the same assertions run on both, so what
// passes on the devnet is known to pass on the real bytecode. Steps share the chain and run in order.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { erc20Abi, parseEther, zeroAddress, type Abi, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allocationManagerAbi,
  assetRegistryAbi,
  delegationManagerAbi,
  devnetAVSRegistrarAbi,
  devnetWstETHAbi,
  rewardsCoordinatorAbi,
  strategyBaseAbi,
  trETHAbi, withdrawalQueueAbi,
  vaultAbi,
} from "../../src/abi/generated/index.js";
import { createChainClients } from "../../src/chain/clients.js";
import { loadNetwork } from "../../src/chain/config.js";
import { silentLogger } from "../../src/chain/log.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import type { Deployment } from "../../src/devnet/deployment.js";
import { createSim, type Sim } from "../../src/demo/sim.js";
import { runKeeperCycle, type CycleReport, type KeeperOptions } from "../../src/keeper/keeper.js";
import { readKeeperState } from "../../src/keeper/readState.js";
import { claimExit, depositLst, requestExit } from "./actions.js";

const WAD = 10n ** 18n;

/** What differs between the devnet and the real core, and nothing else. */
export type ScenarioBackend = {
  name: string;
  /** The network config (config/networks/<network>.json) whose engine settings the keeper plans with, as `trellis keeper` would. */
  network: string;
  rpcUrl: () => string;
  deployment: () => Deployment;
  /** The deployment file the deploy script wrote, as `trellis --deployment` reads it. */
  deploymentFile: () => string;
  /** Puts `amount` of `token` into the RewardsCoordinator for the next root, as the chain's AVSs would. */
  fundRewards: (sim: Sim, p: { avsIndex: number; token: Address; amount: bigint }) => Promise<void>;
};

export function lifecycleScenario(backend: ScenarioBackend): void {
  describe(`Trellis lifecycle on ${backend.name}`, () => {
    let sim: Sim;
    let d: Deployment;
    let clients: ReturnType<typeof createChainClients>;
    const rewardsDir = join(projectRoot, "deployments", `scenario-${backend.name}-${process.pid}`, "rewards");
    const avsDataFile = join(projectRoot, "config", "avs-data", "devnet.json");
    const [alice, bob] = DEVNET_KEY_INDEX.users.map((i) => devnetAccount(i)) as [ReturnType<typeof devnetAccount>, ReturnType<typeof devnetAccount>];

    const engineParams = loadNetwork({ network: backend.network }).engine ?? {};
    const pub = () => clients.publicClient;
    const read = <T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
      pub().readContract({ address, abi, functionName, args } as never) as Promise<T>;
    const measured = () => read<bigint>(d.trellis.vault, vaultAbi as Abi, "markedAssets");
    const totalAssets = () => read<bigint>(d.trellis.vault, vaultAbi as Abi, "totalAssets");
    const asset = (symbol: string) => d.assets.find((a) => a.symbol === symbol)!;
    const keeper = (extra: Partial<KeeperOptions> = {}): KeeperOptions => ({
      publicClient: pub(),
      account: devnetAccount(DEVNET_KEY_INDEX.keeper) as never,
      deployment: d,
      log: silentLogger,
      gasPriceCap: parseEther("0.000001"),
      rewardsDir,
      avsDataFile,
      rebalance: false,
      engineParams: { ...engineParams, turnoverBps: 10_000 },
      ...extra,
    });
    /** Keeper cycles until one sends nothing; a reverted action fails the scenario. */
    async function keeperUntilQuiet(opts: KeeperOptions, max = 6): Promise<CycleReport[]> {
      const reports: CycleReport[] = [];
      for (let i = 0; i < max; i++) {
        const r = await runKeeperCycle(opts);
        reports.push(r);
        const failed = r.actions.filter((a) => a.status === "reverted" || a.status === "rejected");
        expect(failed, JSON.stringify(failed.map((a) => `${a.kind}: ${a.error}`))).toEqual([]);
        if (!r.actions.some((a) => a.status === "confirmed")) return reports;
      }
      throw new Error(`keeper did not settle in ${max} cycles`);
    }
    /** Moves the clock and mines `blocks` blocks, in chunks a loaded node answers well within an RPC timeout. */
    async function advance(seconds: number, blocks: number): Promise<void> {
      await sim.advance(seconds, Math.min(blocks, 100));
      for (let left = blocks - 100; left > 0; left -= 100) await sim.testClient.mine({ blocks: Math.min(left, 100) });
    }
    const withdrawalDelay = async () => Number(await read<number>(d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "minWithdrawalDelayBlocks"));
    /** EigenLayer's view of a staker's stake in one strategy, in underlying units (Trellis not involved). */
    async function underlyingOf(staker: Address, strategy: Address): Promise<bigint> {
      const [withdrawable] = await read<[readonly bigint[], readonly bigint[]]>(d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "getWithdrawableShares", [staker, [strategy]]);
      return read<bigint>(strategy, strategyBaseAbi as Abi, "sharesToUnderlyingView", [withdrawable[0]!]);
    }

    beforeAll(() => {
      d = backend.deployment();
      clients = createChainClients({ rpcUrl: backend.rpcUrl(), chainId: d.chainId, pollingIntervalMs: 20 });
      sim = createSim({ publicClient: clients.publicClient, rpcUrl: backend.rpcUrl(), deployment: d });
    });
    afterAll(() => rmSync(dirname(rewardsDir), { recursive: true, force: true }));

    it("operators joined the AVSs' operator sets through each AVS's registrar contract", async () => {
      let members = 0n;
      for (const avs of d.avss) {
        const registrar = await read<Address>(d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "getAVSRegistrar", [avs.address]);
        expect(registrar.toLowerCase(), "a registrar contract, not the AVS itself").not.toBe(avs.address.toLowerCase());
        expect(await read<boolean>(registrar, devnetAVSRegistrarAbi as Abi, "supportsAVS", [avs.address])).toBe(true);
        for (const id of avs.operatorSetIds) {
          const count = await read<bigint>(d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "getMemberCount", [{ avs: avs.address, id }]);
          // The registrar saw every registration the AllocationManager made.
          expect(await read<bigint>(registrar, devnetAVSRegistrarAbi as Abi, "memberCount", [id])).toBe(count);
          members += count;
        }
      }
      expect(members).toBeGreaterThan(0n);
    });

    it("takes deposits of every listed LST at the previewed price", async () => {
      const before = await totalAssets();
      let expectedValue = 0n;
      for (const [i, a] of d.assets.entries()) {
        const user = i % 2 === 0 ? alice : bob;
        const units = await sim.mintLst(a.symbol, user, parseEther(a.symbol === "stETH" ? "120" : "60"));
        const preview = await read<bigint>(d.trellis.vault, vaultAbi as Abi, "previewDeposit", [a.token, units]);
        const minted = await depositLst(sim, user, a.symbol, units);
        expect(minted, `${a.symbol} minted`).toBeGreaterThanOrEqual((preview * 9_999n) / 10_000n);
        if (a.strategy === zeroAddress) {
          // wstETH: unwrapped and held as stETH.
          const stEth = asset("stETH");
          const stEthUnits = await read<bigint>(a.token, devnetWstETHAbi as Abi, "getStETHByWstETH", [units]);
          const price = await read<bigint>(d.trellis.assetRegistry, assetRegistryAbi as Abi, "price", [stEth.token]);
          expectedValue += (stEthUnits * price) / WAD;
        } else {
          const price = await read<bigint>(d.trellis.assetRegistry, assetRegistryAbi as Abi, "price", [a.token]);
          expectedValue += (units * price) / WAD;
        }
      }
      const gained = (await totalAssets()) - before;
      // stETH may land 1-2 wei short of the amount sent (share rounding), never more.
      expect(gained <= expectedValue && expectedValue - gained <= 4n * BigInt(d.assets.length), `${gained} vs ${expectedValue}`).toBe(true);
      // What a deposit paid beyond its shares' booked worth (rounding only, here) streams: the mark is a few wei up.
      const m = await measured();
      const t = await totalAssets();
      expect(m >= t && m - t <= 4n * BigInt(d.assets.length), `${m} vs ${t}`).toBe(true);
    });

    it("the keeper restakes by the strategy engine's plan, within the on-chain limits", async () => {
      // Stake from outside Trellis, as on a live network: without it no operator set meets the robustness bound.
      await sim.seedOutsideStake(parseEther("100"));
      const report = await runKeeperCycle(keeper({ rewardsDir: undefined, rebalance: true }));
      expect(report.plan, "the engine made a plan").toBeDefined();
      const allocations = report.actions.filter((a) => a.kind === "allocate");
      expect(allocations.length).toBeGreaterThan(0);
      expect(allocations.every((a) => a.status === "confirmed")).toBe(true);
      const st = await readKeeperState(pub(), { deployment: d });
      const staked = st.delegators.filter((x) => x.positions.some((p) => p.withdrawableShares > 0n));
      expect(staked.length).toBeGreaterThan(1);
      // Moving assets into EigenLayer changes nothing in their value (the books hold at most rounding pending).
      const m = await measured();
      const t = await totalAssets();
      expect(m >= t && m - t <= 10n ** 9n, `${m} vs ${t}`).toBe(true);
    });

    it("a slash lowers total assets by exactly the stake EigenLayer took", async () => {
      const stETH = asset("stETH");
      const st = await readKeeperState(pub(), { deployment: d });
      // The delegator with the most stETH restaked, and an operator set its operator has stETH allocated to.
      const victim = st.delegators
        .map((x) => ({ x, units: x.positions.find((p) => p.strategy === stETH.strategy)?.underlying ?? 0n }))
        .sort((a, b) => (b.units > a.units ? 1 : -1))[0]!.x;
      const avsIndex = d.avss.findIndex((a) => a.operatorSetIds.length > 0);
      const sets = await read<readonly { avs: Address; id: number }[]>(d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "getAllocatedSets", [victim.operator]);
      const set = sets[0]!;
      const avsI = d.avss.findIndex((a) => a.address.toLowerCase() === set.avs.toLowerCase());
      expect(avsI, "the set's AVS is in the deployment").toBeGreaterThanOrEqual(0);
      expect(avsIndex).toBeGreaterThanOrEqual(0);
      const allocation = await read<{ currentMagnitude: bigint }>(d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "getAllocation", [victim.operator, set, stETH.strategy]);
      const maxMagnitude = await read<bigint>(d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "getMaxMagnitude", [victim.operator, stETH.strategy]);
      expect(allocation.currentMagnitude).toBeGreaterThan(0n);

      const unitsBefore = await underlyingOf(victim.address, stETH.strategy);
      const assetsBefore = await measured();
      const wad = parseEther("0.5");
      await sim.tx(devnetAccount(d.avss[avsI]!.keyIndex!), d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "slashOperator", [
        set.avs,
        { operator: victim.operator, operatorSetId: set.id, strategies: [stETH.strategy], wadsToSlash: [wad], description: "scenario slash" },
      ]);
      const unitsAfter = await underlyingOf(victim.address, stETH.strategy);
      const lost = unitsBefore - unitsAfter;
      // EigenLayer's rule: the operator loses wad of its allocated magnitude (rounded up), and every staker's
      // withdrawable stake falls in proportion to the operator's max magnitude.
      const slashedMagnitude = (allocation.currentMagnitude * wad + WAD - 1n) / WAD;
      const expectedLost = (unitsBefore * slashedMagnitude) / maxMagnitude;
      expect(lost > 0n && (lost > expectedLost ? lost - expectedLost : expectedLost - lost) <= 2n, `${lost} vs ${expectedLost}`).toBe(true);

      // The vault sees it once the delegator is refreshed (anyone may); stETH is priced 1:1, so the loss in ETH is
      // exactly the units lost, and it is booked at once.
      await sim.tx(alice, d.trellis.vault, vaultAbi as Abi, "refreshDelegator", [victim.address]);
      expect(await measured()).toBe(assetsBefore - lost);
      expect(await totalAssets()).toBe(assetsBefore - lost);
      await keeperUntilQuiet(keeper({ rewardsDir: undefined }));
      expect(await totalAssets()).toBe(assetsBefore - lost);
    });

    it("the keeper claims a rewards root funded by an AVS's rewards submission", async () => {
      const rEth = asset("rETH").token;
      const st = await readKeeperState(pub(), { deployment: d });
      const earners = st.delegators.filter((x) => x.positions.some((p) => p.underlying > 0n));
      expect(earners.length).toBeGreaterThan(1);
      const amounts = earners.map((_, i) => parseEther("0.01") * BigInt(i + 1));
      const total = amounts.reduce((a, b) => a + b, 0n);
      await backend.fundRewards(sim, { avsIndex: 0, token: rEth, amount: total });
      await sim.publishRewards({
        dir: rewardsDir,
        distribution: earners.map((e, i) => ({ earner: e.address, tokens: [{ token: rEth, cumulativeEarnings: amounts[i]! }] })),
        newRewards: 0n,
        rewardToken: rEth,
        label: "root-0",
      });
      await sim.advance((await sim.activationDelay()) + 1, 1);
      const idleBefore = st.idle.get(rEth) ?? 0n;
      const reports = await keeperUntilQuiet(keeper());
      const claims = reports.flatMap((r) => r.actions).filter((a) => a.kind === "claimRewards" && a.status === "confirmed");
      expect(claims.length).toBe(earners.length);
      for (const [i, e] of earners.entries()) {
        expect(await read<bigint>(d.eigenlayer.rewardsCoordinator, rewardsCoordinatorAbi as Abi, "cumulativeClaimed", [e.address, rEth])).toBe(amounts[i]);
      }
      const after = await readKeeperState(pub(), { deployment: d });
      expect((after.idle.get(rEth) ?? 0n) - idleBefore).toBe(total);
    });

    it("an exit larger than the idle balance is paid after EigenLayer's withdrawal delay", async () => {
      const st = await readKeeperState(pub(), { deployment: d });
      // The asset with the most restaked: the exit needs half of that back from EigenLayer.
      const restaked = (token: Address) => st.delegators.flatMap((x) => x.positions).filter((p) => p.asset === token).reduce((s, p) => s + p.underlying, 0n);
      const candidates = d.assets.filter((a) => a.strategy !== zeroAddress).map((a) => ({ a, restaked: restaked(a.token), idle: st.idle.get(a.token) ?? 0n })).sort((x, y) => (y.restaked > x.restaked ? 1 : -1));
      const { a, restaked: out, idle } = candidates[0]!;
      expect(out).toBeGreaterThan(0n);
      const units = idle + out / 2n;
      const price = await read<bigint>(d.trellis.assetRegistry, assetRegistryAbi as Abi, "price", [a.token]);
      const rate = await read<bigint>(d.trellis.vault, vaultAbi as Abi, "rate");
      const shares = (units * price) / rate;
      const user = (await read<bigint>(d.trellis.trETH, trETHAbi as Abi, "balanceOf", [alice.address])) >= shares ? alice : bob;
      const valueAtRequest = await read<bigint>(d.trellis.vault, vaultAbi as Abi, "convertToAssets", [shares]);
      const id = await requestExit(sim, user, shares, a.symbol);

      await keeperUntilQuiet(keeper({ rewardsDir: undefined }));
      const queued = (await readKeeperState(pub(), { deployment: d })).queued;
      expect(queued.length, "the keeper queued an EigenLayer withdrawal").toBeGreaterThan(0);
      // Past EigenLayer's delay (blocks) and the queue's minimum wait (seconds, at least as long).
      const exitParams = await read<{ minRedeemDelay: number }>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "exitParams");
      await advance(Math.max(3600, Number(exitParams.minRedeemDelay) + 60), (await withdrawalDelay()) + 2);
      await keeperUntilQuiet(keeper({ rewardsDir: undefined }));
      expect((await readKeeperState(pub(), { deployment: d })).queued.length).toBe(0);
      expect(await read<bigint>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "payableFrom", [id])).toBeGreaterThan(0n);

      const balanceBefore = await read<bigint>(a.token, erc20Abi as Abi, "balanceOf", [user.address]);
      const paid = await claimExit(sim, user, a.symbol);
      const received = (await read<bigint>(a.token, erc20Abi as Abi, "balanceOf", [user.address])) - balanceBefore;
      expect(paid).toBeGreaterThan(0n);
      // stETH pays in Lido shares, so the balance may read 1-2 wei off the amount.
      expect(received >= paid - 2n && received <= paid + 2n, `${received} vs ${paid}`).toBe(true);
      // Paid what the shares were worth at request, in units at the price then (nothing was lost meanwhile).
      const unitsAtRequest = (valueAtRequest * WAD) / price;
      // (The rate streams by the second: the value recorded in the request's block is a hair above the one read here.)
      expect(paid <= unitsAtRequest + unitsAtRequest / 1_000_000n && paid >= unitsAtRequest - unitsAtRequest / 1_000_000n, `${paid} vs ${unitsAtRequest}`).toBe(true);
    });

    it("absorbs a forced undelegation: nothing is lost and the stake comes back idle after the delay", async () => {
      const st = await readKeeperState(pub(), { deployment: d });
      const victim = st.delegators.find((x) => x.positions.some((p) => p.withdrawableShares > 0n))!;
      const op = d.operators.find((o) => o.delegator.toLowerCase() === victim.address.toLowerCase())!;
      const before = await measured();
      const idleBefore = new Map(st.idle);
      const inFlight = new Map(victim.positions.map((p) => [p.asset, p.underlying]));
      await sim.tx(devnetAccount(op.keyIndex!), d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "undelegate", [victim.address]);
      expect(await read<boolean>(d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "isDelegated", [victim.address])).toBe(false);
      // Queued withdrawals still count (and stay slashable): the undelegation itself moves nothing.
      expect(await measured()).toBe(before);

      await advance(3600, (await withdrawalDelay()) + 2);
      await keeperUntilQuiet(keeper({ rewardsDir: undefined }));
      const after = await readKeeperState(pub(), { deployment: d });
      expect(after.queued.filter((q) => q.delegator.toLowerCase() === victim.address.toLowerCase())).toEqual([]);
      for (const [token, units] of inFlight) {
        if (units === 0n) continue;
        const back = (after.idle.get(token) ?? 0n) - (idleBefore.get(token) ?? 0n);
        // stETH transfers may land 1-2 wei short.
        expect(back >= units - 2n && back <= units, `${token}: ${back} back of ${units}`).toBe(true);
      }
      expect(before - (await measured()) <= 2n * BigInt(inFlight.size)).toBe(true);
    });

    it("`trellis status` reads the deployment file the deploy script wrote", async () => {
      const out = await new Promise<string>((ok, fail) => {
        const child = spawn(process.execPath, [join(projectRoot, "bin", "trellis.js"), "--network", "local", "--rpc-url", backend.rpcUrl(), "--deployment", backend.deploymentFile(), "--json", "status"], {
          cwd: projectRoot,
          env: { ...process.env, TRELLIS_NETWORK: "", TRELLIS_RPC_URL: "" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        child.on("exit", (code) => (code === 0 ? ok(stdout) : fail(new Error(`trellis status exited ${code}: ${stderr}`))));
      });
      const status = JSON.parse(out) as Record<string, unknown>;
      expect(BigInt(String(status.totalAssets))).toBe(await totalAssets());
    });
  });
}
