// The RiskRegistry's cached exposure against the live one, on the devnet. The chain snapshot's mirror of
// ExposureLib equals what `RiskRegistry.refresh` stores; and when a cache is above live (stake withdrawn from a
// delegator since its last refresh: its cached exposure stays in the cap aggregates), the strategy engine, which
// plans on live values, plans allocations up to the total slashable cap that `Vault.allocate` refuses, until the
// keeper's exposure phase refreshes that cache; a keeper cycle then sends every planned allocation.
import { createTestClient, createWalletClient, http, parseEther, type Abi, type Address } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { riskRegistryAbi, vaultAbi } from "../../src/abi/generated/index.js";
import { readChainSnapshot, type ChainSnapshot } from "../../src/chain/chainSnapshot.js";
import { createChainClients } from "../../src/chain/clients.js";
import { cacheExcess, cacheMatches } from "../../src/chain/exposure.js";
import { simulateCall, type SendContext } from "../../src/chain/send.js";
import { createSim, type Sim } from "../../src/demo/sim.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { runKeeperCycle, type KeeperOptions } from "../../src/keeper/keeper.js";
import { plannerSnapshot } from "../../src/keeper/plannerSnapshot.js";
import { loadAvsDataFile } from "../../src/strategy/avsData.js";
import { plan as makePlan } from "../../src/strategy/plan.js";
import type { AllocateAction } from "../../src/strategy/types.js";
import { useDevnet } from "../helpers/devnet.js";
import { DEVNET_AVS_DATA, devnetKeeperOptions, FREE_ENGINE, keeperSendContext } from "../helpers/keeperDevnet.js";

const devnet = useDevnet();
const avsDataFile = DEVNET_AVS_DATA;
const engineParams = FREE_ENGINE;
const lc = (a: string) => a.toLowerCase();

let sim: Sim;
let opts: KeeperOptions;
let send: SendContext;
const keeper = () => devnetAccount(DEVNET_KEY_INDEX.keeper);
const read = () => readChainSnapshot(opts.publicClient, { deployment: devnet.deployment });

/** `RiskRegistry.refreshMany(delegators)` sent by anyone (the deployer); its receipt. */
async function refreshMany(delegators: Address[]) {
  const wallet = createWalletClient({ account: devnetAccount(DEVNET_KEY_INDEX.deployer), transport: http(devnet.rpcUrl) });
  const hash = await wallet.writeContract({ chain: null, address: devnet.deployment.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "refreshMany", args: [delegators] });
  return opts.publicClient.waitForTransactionReceipt({ hash });
}

const planAllocations = async (chain: ChainSnapshot) =>
  (await makePlan(plannerSnapshot(chain.engine(), chain.keeper), await loadAvsDataFile(avsDataFile), engineParams)).actions.filter(
    (a): a is AllocateAction => a.type === "allocate" && a.assetAmount > 0n,
  );

describe("RiskRegistry caches against live exposure", () => {
  beforeAll(async () => {
    const clients = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    sim = createSim({ publicClient: clients.publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    opts = devnetKeeperOptions(clients.publicClient, devnet.deployment, { engineParams });
    send = keeperSendContext(opts);
    const [alice, bob] = sim.users as [Sim["users"][0], Sim["users"][0]];
    await sim.seedOutsideStake(parseEther("100"));
    await sim.deposit(alice, "rETH", await sim.mintLst("rETH", alice, parseEther("100")));
    await sim.deposit(bob, "stETH", await sim.mintLst("stETH", bob, parseEther("100")));
    const d = devnet.deployment;
    await sim.tx(keeper(), d.trellis.vault, vaultAbi as Abi, "allocate", [d.operators[1]!.delegator, sim.token("rETH"), parseEther("30")]);
    await sim.tx(keeper(), d.trellis.vault, vaultAbi as Abi, "allocate", [d.operators[2]!.delegator, sim.token("stETH"), parseEther("10")]);
  });

  it("measures each delegator as RiskRegistry.refresh stores it (refreshMany gas per delegator)", async () => {
    const delegators = devnet.deployment.operators.map((o) => o.delegator);
    const receipt = await refreshMany(delegators);
    expect(receipt.status).toBe("success");
    const chain = await read();
    expect(chain.exposure.map((e) => lc(e.delegator)).sort()).toEqual(delegators.map(lc).sort());
    expect(chain.exposure.filter((e) => !cacheMatches(e)).map((e) => ({ d: e.delegator, cached: e.cached, live: e.live }))).toEqual([]);
    const held = chain.exposure.filter((e) => e.live!.sets.length > 0);
    expect(held.length).toBe(2);
    // Figures for the closing note: receipt gas of refreshMany over every delegator of the devnet (6 of 8 hold
    // nothing), and over the two that hold stake (their caches already live: no entry changes).
    const again = await refreshMany(held.map((x) => x.delegator));
    console.log(JSON.stringify({ name: "gas.refreshMany.all.devnet", value: Number(receipt.gasUsed), unit: "gas", delegators: delegators.length }));
    console.log(JSON.stringify({ name: "gas.refreshMany.held.devnet", value: Number(again.gasUsed), unit: "gas", delegators: held.length }));
  });

  it("a cache above live makes the chain refuse planned allocations; the keeper's exposure phase refreshes it first and every allocation goes through", async () => {
    const d = devnet.deployment;
    const stale = d.operators[1]!.delegator;
    // The keeper takes all the stake out of delegator 1 (queued, then completed after EigenLayer's delay): the
    // RiskRegistry keeps the exposure cached at the allocation until someone refreshes it.
    const before = await read();
    const position = before.keeper.delegators.find((x) => x.address === stale)!.positions.find((p) => lc(p.asset) === lc(sim.token("rETH")))!;
    await sim.tx(keeper(), d.trellis.vault, vaultAbi as Abi, "queueDelegatorWithdrawal", [stale, sim.token("rETH"), position.depositShares]);
    // Queued stake stays exposed to the operator it was queued under (summed with the withdrawable shares): the
    // mirror still equals what a refresh stores.
    expect((await refreshMany([stale])).status).toBe("success");
    const queued = (await read()).exposure.find((x) => x.delegator === stale)!;
    expect(queued.live!.slashable).toBeGreaterThan(parseEther("1"));
    expect(cacheMatches(queued)).toBe(true);
    await sim.advance(12, Number(before.keeper.withdrawalDelayBlocks) + 2);
    const completed = await runKeeperCycle({ ...opts, rebalance: false });
    expect(completed.actions.filter((a) => a.kind === "completeWithdrawal").map((a) => a.status)).toEqual(["confirmed"]);

    const chain = await read();
    const e = chain.exposure.find((x) => x.delegator === stale)!;
    expect(e.live!.slashable).toBe(0n);
    expect(e.cached.slashable).toBeGreaterThan(parseEther("1"));
    expect(cacheExcess(e)).toBeGreaterThanOrEqual(e.cached.slashable);
    expect(chain.exposure.filter((x) => x.delegator !== stale && cacheExcess(x) > 0n)).toEqual([]);

    // Governance tightens the total slashable cap (at once) to halfway between the live total and the cached one.
    const cachedTotal = await opts.publicClient.readContract({ address: d.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "totalSlashable" });
    const liveTotal = chain.exposure.reduce((s, x) => s + x.live!.slashable, 0n);
    expect(cachedTotal - liveTotal).toBe(e.cached.slashable);
    const tvl = chain.keeper.totalAssets;
    const bps = Number(((liveTotal + (cachedTotal - liveTotal) / 2n) * 10_000n) / tvl);
    expect(BigInt(bps) * tvl / 10_000n).toBeLessThan(cachedTotal);
    const test = createTestClient({ mode: "anvil", transport: http(devnet.rpcUrl) });
    await test.impersonateAccount({ address: d.trellis.safe });
    await test.setBalance({ address: d.trellis.safe, value: parseEther("1") });
    const safe = createWalletClient({ account: d.trellis.safe, transport: http(devnet.rpcUrl) });
    const tightened = await safe.writeContract({ chain: null, address: d.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "setTotalSlashableCap", args: [bps] });
    expect((await opts.publicClient.waitForTransactionReceipt({ hash: tightened })).status).toBe("success");
    await test.stopImpersonatingAccount({ address: d.trellis.safe });

    // Planned on live values, the allocations fit the cap; the chain, checking the cached total, refuses them.
    const now = await read();
    const assetOf = (strategy: string) => now.engine().strategies.find((s) => lc(s.address) === lc(strategy))!.asset;
    const blind = await planAllocations(now);
    expect(blind.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const a of blind) {
      const r = await simulateCall(send, { address: d.trellis.vault, abi: vaultAbi as Abi, functionName: "allocate", args: [a.delegator, assetOf(a.strategy), a.assetAmount] });
      if (!r.ok) refused.push(r.revert.errorName ?? r.revert.text);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(["TotalSlashableCapExceeded"]));

    // The same keeper cycle with the exposure phase off (in an anvil snapshot, reverted): the vault refuses.
    const id = await test.snapshot();
    const control = await runKeeperCycle({ ...opts, exposureRefreshBatch: 0 });
    await test.revert({ id });
    expect(control.actions.filter((a) => a.kind === "refreshExposure")).toEqual([]);
    const controlAllocations = control.actions.filter((a) => a.kind === "allocate");
    expect(controlAllocations.length).toBeGreaterThan(0);
    expect(controlAllocations.filter((a) => a.status === "rejected").map((a) => a.error)).toContainEqual(expect.stringContaining("TotalSlashableCapExceeded"));

    // A keeper cycle: the exposure phase refreshes delegator 1 first, then every planned allocation goes through.
    const report = await runKeeperCycle(opts);
    const kinds = report.actions.map((a) => a.kind);
    expect(report.actions.filter((a) => a.kind === "refreshExposure").map((a) => [a.status, a.details.delegators])).toEqual([["confirmed", [stale]]]);
    const allocations = report.actions.filter((a) => a.kind === "allocate");
    expect(allocations.length).toBeGreaterThan(0);
    expect(kinds.indexOf("refreshExposure")).toBeLessThan(kinds.indexOf("allocate"));
    expect(allocations.map((a) => a.status)).toEqual(allocations.map(() => "confirmed"));
    const sent = report.actions.find((a) => a.kind === "refreshExposure")!;
    const refreshGas = (await opts.publicClient.getTransactionReceipt({ hash: sent.hash! })).gasUsed;
    console.log(JSON.stringify({ name: "gas.refreshMany.stale1.devnet", value: Number(refreshGas), unit: "gas", delegators: 1 }));
    const after = await read();
    expect(after.exposure.filter((x) => cacheExcess(x) > 0n)).toEqual([]);
  });
});
