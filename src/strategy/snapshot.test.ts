// snapshot(client, config) against the embedded devnet: deposits, allocations and a queued withdrawal
// show up where the engine expects them, and the engine plans on the result.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  maxUint256,
  parseEther,
  parseEventLogs,
  type Abi,
  type Address,
  type PublicClient,
  type Transport,
  type Chain,
  zeroAddress,
} from "viem";
import type { HDAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { beforeAll, describe, expect, it } from "vitest";
import {
  devnetRETHAbi,
  devnetStETHAbi,
  iDelegationManagerAbi,
  iOperatorDelegatorAbi,
  iVaultAbi,
} from "../abi/generated/index.js";
import { projectRoot } from "../devnet/anvil.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { useDevnet } from "../../test/helpers/devnet.js";
import { buildInstance } from "./model.js";
import { plan } from "./plan.js";
import { zeroMoves } from "./risk.js";
import { snapshot } from "./snapshot.js";
import { violations } from "./verify.js";
import { DEFAULT_ENGINE_PARAMS, WAD, type AvsData, type Snapshot } from "./types.js";

const devnet = useDevnet();
const config = JSON.parse(readFileSync(join(projectRoot, "script", "config", "devnet.json"), "utf8")) as {
  eigenlayer: { minWithdrawalDelayBlocks: number };
  allocations: { operator: number[]; avs: number[]; operatorSetId: number[]; magnitudeBps: number[] };
  limits: Record<"operatorCapBps" | "defaultAvsCapBps" | "defaultOperatorSetCapBps" | "totalSlashableCapBps" | "minBufferBps", number>;
};

const lc = (a: string) => a.toLowerCase();
const deployer = devnetAccount(DEVNET_KEY_INDEX.deployer);
const keeper = devnetAccount(DEVNET_KEY_INDEX.keeper);
const user = devnetAccount(DEVNET_KEY_INDEX.users[0]);

describe("snapshot(client, config) on the devnet", () => {
  let client: PublicClient<Transport, Chain>;
  let snap: Snapshot;
  let queuedAtBlock: bigint;
  let queuedRoot: `0x${string}`;

  async function send(account: HDAccount, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
    const wallet = createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account });
    const { request, result } = await client.simulateContract({ account, address, abi, functionName, args } as never);
    // A 30% margin over the estimate: the estimate runs at the latest block's time, the transaction at the next
    // block's (a loaded machine can put minutes between them), and the books' stream can take another branch.
    const gas = ((await client.estimateContractGas({ account, address, abi, functionName, args } as never)) * 13n) / 10n;
    const hash = await wallet.writeContract({ ...(request as object), gas } as never);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") {
      // Say why: replay the call at the block it was mined in.
      const why = await client
        .simulateContract({ account, address, abi, functionName, args, blockNumber: receipt.blockNumber - 1n } as never)
        .then(() => `no revert when replayed (gas used ${receipt.gasUsed} of ${gas})`, (e: unknown) => String(e).slice(0, 400));
      throw new Error(`${functionName} reverted on chain in block ${receipt.blockNumber}: ${why}`);
    }
    return { receipt, result: result as unknown };
  }
  const asset = (symbol: string) => {
    const a = devnet.deployment.assets.find((x) => x.symbol === symbol);
    if (!a) throw new Error(`no ${symbol}`);
    return a;
  };
  const priceOf = (strategy: Address) => snap.strategies.find((s) => lc(s.address) === lc(strategy))!.ethPerAssetWad;
  const delegatorOf = (operatorIndex: number) => snap.delegators.find((d) => lc(d.operator) === lc(devnet.deployment.operators[operatorIndex]!.address))!;

  beforeAll(async () => {
    client = createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl, { batch: true }) });
    const { trellis, operators } = devnet.deployment;
    const rETH = asset("rETH");
    const stETH = asset("stETH");

    // A user deposits 100 rETH and 100 stETH.
    await send(deployer, rETH.token, devnetRETHAbi as Abi, "mint", [user.address, parseEther("100")]);
    await send(deployer, stETH.token, devnetStETHAbi as Abi, "mint", [user.address, parseEther("100")]);
    for (const a of [rETH, stETH]) {
      await send(user, a.token, devnetRETHAbi as Abi, "approve", [trellis.vault, maxUint256]);
      await send(user, trellis.vault, iVaultAbi as Abi, "deposit", [a.token, parseEther("100"), 0n, user.address]);
    }
    // The keeper allocates 20 rETH to operator 0 and 20 stETH to operator 1, then queues half of operator 0's rETH.
    await send(keeper, trellis.vault, iVaultAbi as Abi, "allocate", [operators[0]!.delegator, rETH.token, parseEther("20")]);
    await send(keeper, trellis.vault, iVaultAbi as Abi, "allocate", [operators[1]!.delegator, stETH.token, parseEther("20")]);
    const [, [depositShares]] = await client.readContract({
      address: devnet.deployment.eigenlayer.delegationManager,
      abi: iDelegationManagerAbi,
      functionName: "getWithdrawableShares",
      args: [operators[0]!.delegator, [rETH.strategy]],
    });
    const q = await send(keeper, trellis.vault, iVaultAbi as Abi, "queueDelegatorWithdrawal", [operators[0]!.delegator, rETH.token, depositShares! / 2n]);
    queuedAtBlock = q.receipt.blockNumber;
    const [queuedEvent] = parseEventLogs({ abi: iVaultAbi, logs: q.receipt.logs, eventName: "DelegatorWithdrawalQueued" });
    queuedRoot = queuedEvent!.args.root;

    snap = await snapshot(client, { deployment: devnet.deployment });
  });

  it("reads the vault: total assets, buffer = idle value, strategies", async () => {
    const { trellis, assets } = devnet.deployment;
    const at = { blockNumber: snap.blockNumber };
    expect(snap.chainId).toBe(foundry.id);
    expect(snap.blockNumber).toBe(await client.getBlockNumber({ cacheTime: 0 }));
    expect(snap.vault.address).toBe(trellis.vault);
    expect(snap.vault.totalAssets).toBe(await client.readContract({ ...at, address: trellis.vault, abi: iVaultAbi, functionName: "totalAssets" }));
    expect(snap.vault.totalAssets).toBeGreaterThan(parseEther("200"));
    expect(snap.vault.liquidBuffer).toBe(await client.readContract({ ...at, address: trellis.vault, abi: iVaultAbi, functionName: "idleValue" }));
    expect(snap.vault.idle.reduce((s, i) => s + i.ethValue, 0n)).toBe(snap.vault.liquidBuffer);
    // wstETH has no strategy (held as stETH, as on mainnet): the engine sees the assets the vault holds.
    expect(snap.strategies.map((s) => [s.address, s.asset, s.symbol])).toEqual(assets.filter((a) => a.strategy !== zeroAddress).map((a) => [a.strategy, a.token, a.symbol]));
    for (const s of snap.strategies) expect(s.ethPerAssetWad).toBeGreaterThan(WAD / 2n);
    // 80 rETH and 80 stETH stay idle.
    const idleOf = (symbol: string) => snap.vault.idle.find((i) => i.strategy === asset(symbol).strategy)!.ethValue;
    expect(idleOf("rETH")).toBe((parseEther("80") * priceOf(asset("rETH").strategy)) / WAD);
    expect(Number(idleOf("stETH") - parseEther("80"))).toBeLessThanOrEqual(2); // stETH moves by Lido shares
    expect(snap.withdrawalDelayBlocks).toBe(BigInt(config.eigenlayer.minWithdrawalDelayBlocks));
  });

  it("puts the allocated stake on the right delegators and the queued withdrawal in `queued`", async () => {
    const rETH = asset("rETH").strategy;
    const stETH = asset("stETH").strategy;
    expect(snap.delegators.map((d) => d.address)).toEqual(devnet.deployment.operators.map((o) => o.delegator));
    const near = (a: bigint, b: bigint) => expect(Number(a > b ? a - b : b - a)).toBeLessThanOrEqual(10);

    const d0 = delegatorOf(0);
    const r0 = d0.stake.find((s) => s.strategy === rETH)!;
    near(r0.active, (parseEther("10") * priceOf(rETH)) / WAD);
    near(r0.queued, (parseEther("10") * priceOf(rETH)) / WAD);
    expect(d0.withdrawals).toHaveLength(1);
    const w = d0.withdrawals[0]!;
    const roots = await client.readContract({
      address: devnet.deployment.eigenlayer.delegationManager,
      abi: iDelegationManagerAbi,
      functionName: "getQueuedWithdrawalRoots",
      args: [d0.address],
      blockNumber: snap.blockNumber,
    });
    // The root is computed locally (keccak256 of the ABI-encoded Withdrawal), as EigenLayer does.
    expect(roots).toEqual([w.withdrawalRoot]);
    expect(w.withdrawalRoot).toBe(queuedRoot);
    expect(w.strategy).toBe(rETH);
    expect(w.ethValue).toBe(r0.queued);
    // Slashable through startBlock + delay; completeQueuedWithdrawal succeeds from the block after.
    expect(w.completableBlock).toBe(queuedAtBlock + snap.withdrawalDelayBlocks + 1n);
    expect(w.completableBlock).toBeGreaterThan(snap.blockNumber);

    const d1 = delegatorOf(1);
    near(d1.stake.find((s) => s.strategy === stETH)!.active, parseEther("20"));
    expect(d1.withdrawals).toEqual([]);

    // Every delegator: active + queued is what the vault counts (OperatorDelegator.underlyingBalances).
    for (const d of snap.delegators) {
      const units = await client.readContract({
        address: d.address,
        abi: iOperatorDelegatorAbi,
        functionName: "underlyingBalances",
        args: [snap.strategies.map((s) => s.address)],
        blockNumber: snap.blockNumber,
      });
      snap.strategies.forEach((s, i) => {
        const st = d.stake.find((x) => x.strategy === s.address)!;
        near(st.active + st.queued, (units[i]! * s.ethPerAssetWad) / WAD);
      });
      if (d !== d0 && d !== d1) expect(d.stake.every((s) => s.active === 0n && s.queued === 0n)).toBe(true);
    }

    // The engine sees it as queued (still slashable), not active and not matured.
    const inst = buildInstance(snap, { version: 1, operatorSets: [] }, DEFAULT_ENGINE_PARAMS);
    expect(inst.maturedWithdrawals).toEqual([]);
    const p = inst.positions.find((x) => lc(x.delegator) === lc(d0.address) && lc(x.strategy) === lc(rETH))!;
    expect(p.queued).toBeCloseTo(Number(r0.queued) / 1e18, 9);
    expect(p.active).toBeCloseTo(Number(r0.active) / 1e18, 9);
  });

  it("reads the 8 operators' allocations as script/config/devnet.json sets them, and the sets' stake", () => {
    const { operators, avss } = devnet.deployment;
    expect(snap.operators.map((o) => o.address)).toEqual(operators.map((o) => o.address));
    const a = config.allocations;
    operators.forEach((op, i) => {
      const expected = a.operator
        .flatMap((o, k) => (o === i ? [k] : []))
        .flatMap((k) =>
          snap.strategies.map((s) => ({
            avs: avss[a.avs[k]!]!.address,
            operatorSetId: a.operatorSetId[k]!,
            strategy: s.address,
            allocatedMagnitude: BigInt(a.magnitudeBps[k]!) * 10n ** 14n,
            pendingMagnitude: BigInt(a.magnitudeBps[k]!) * 10n ** 14n,
          })),
        );
      const got = snap.operators.find((o) => o.address === op.address)!;
      const key = (x: { avs: string; operatorSetId: number; strategy: string }) => `${x.avs}/${x.operatorSetId}/${x.strategy}`;
      expect([...got.allocations].sort((x, y) => key(x).localeCompare(key(y)))).toEqual(expected.sort((x, y) => key(x).localeCompare(key(y))));
      expect(got.maxMagnitudes).toEqual(snap.strategies.map((s) => ({ strategy: s.address, maxMagnitude: WAD })));
      // Reward splits from the RewardsCoordinator: EigenLayer's default 10% until an operator sets its own.
      expect(got.splits?.length).toBeGreaterThan(0);
      for (const x of got.splits ?? []) expect([x.avsSplitBps, x.operatorSetSplitBps]).toEqual([1000, 1000]);
      expect(typeof got.allocationDelayBlocks === "number" || got.allocationDelayBlocks === null).toBe(true);
    });

    // Every set some operator allocates to; its stake includes Trellis' (operator 0 in AVS 0 set 0 at 30%).
    const allocated = new Set(a.avs.map((v, k) => `${lc(avss[v]!.address)}/${a.operatorSetId[k]}`));
    expect(new Set(snap.operatorSets.map((s) => `${lc(s.avs)}/${s.operatorSetId}`))).toEqual(allocated);
    const d0 = delegatorOf(0).stake.find((s) => s.strategy === asset("rETH").strategy)!;
    const set00 = snap.operatorSets.find((s) => s.avs === avss[0]!.address && s.operatorSetId === 0)!;
    expect(set00.totalAllocatedStake).toBeGreaterThanOrEqual(((d0.active + d0.queued) * 3000n) / 10_000n - 10n);
    const inst = buildInstance(snap, { version: 1, operatorSets: [] }, DEFAULT_ENGINE_PARAMS);
    for (const s of inst.sets) expect(s.totalStake).toBeGreaterThanOrEqual(s.trellisNow - 1e-9);
  });

  it("reads the RiskRegistry's limits", () => {
    expect(snap.limits).toEqual({
      ...config.limits,
      operatorAllowlist: devnet.deployment.operators.map((o) => o.address),
      avsCapBps: [],
      operatorSetCapBps: [],
      minAllocationDelayBlocks: 1, // the RiskRegistry's default policy
    });
  });

  it("feeds the engine: plan() returns actions that verify and that the vault accepts", async () => {
    const { avss, trellis, operators } = devnet.deployment;
    const avsData: AvsData = {
      version: 1,
      operatorSets: avss.flatMap((avs, i) =>
        avs.operatorSetIds.map((id) => ({
          avs: avs.address,
          operatorSetId: id,
          name: `avs ${i} set ${id}`,
          rewardApr: 0.02 + 0.01 * ((i + id) % 4),
          slashingProbability: 0.002 + 0.002 * (i % 3),
          slashingSeverity: 0.25,
          // Small, so every set the devnet stakes is robust and may receive stake.
          profitFromCorruptionEth: 0.01,
          corruptionThreshold: 0.33,
          clusters: [`c${i % 2}`],
        })),
      ),
    };
    // Trellis is the only staker on the devnet: with pro-rata dilution new stake would earn nothing.
    // The plumbing, not the risk appetite: no tail-risk or uncertainty terms (tested apart). The
    // devnet's operators have a 1-block allocation delay against a 100-block withdrawal delay, so
    // the worst case counts all their unallocated magnitude: a loose loss limit leaves room.
    expect(snap.operators.every((o) => o.allocationDelayBlocks === 1)).toBe(true);
    expect(snap.withdrawalDelayBlocks).toBe(100n);
    const p = await plan(snap, avsData, { minMoveEth: 0.5, dilution: false, cvarWeight: 0, uncertaintyMultiple: 0, maxScenarioLossBps: 10_000 });
    expect(p.blockNumber).toBe(snap.blockNumber);
    expect(p.actions.length).toBeGreaterThan(0);
    const allow = new Set(snap.limits.operatorAllowlist.map(lc));
    // Nothing is completed: the queued withdrawal is not completable yet.
    expect(p.actions.filter((a) => a.type === "completeWithdrawal")).toEqual([]);
    for (const a of p.actions) if (a.type === "allocate") expect(allow.has(lc(a.operator))).toBe(true);

    // The vault's own risk checks accept the plan's allocations.
    for (const a of p.actions) {
      if (a.type !== "allocate") continue;
      const s = snap.strategies.find((x) => lc(x.address) === lc(a.strategy))!;
      const d = operators.find((o) => lc(o.address) === lc(a.operator))!.delegator;
      expect(lc(a.delegator)).toBe(lc(d));
      await send(keeper, trellis.vault, iVaultAbi as Abi, "allocate", [a.delegator, s.asset, a.assetAmount]);
    }
    // Per strategy, allocations come out of the idle buffer.
    for (const s of snap.strategies) {
      const out = p.actions.reduce((x, a) => x + (a.type === "allocate" && lc(a.strategy) === lc(s.address) ? a.ethValue : 0n), 0n);
      expect(out).toBeLessThanOrEqual(snap.vault.idle.find((i) => i.strategy === s.address)!.ethValue);
    }
    // Read back, the new state breaks no limit the engine checks.
    const after = await snapshot(client, { deployment: devnet.deployment });
    expect(after.vault.liquidBuffer).toBeLessThan(snap.vault.liquidBuffer);
    const inst = buildInstance(after, avsData, { ...DEFAULT_ENGINE_PARAMS, dilution: false, maxScenarioLossBps: 10_000 });
    expect(violations(inst, zeroMoves(inst))).toEqual([]);
  });

  it("reads at a given block, and a matured withdrawal becomes completable at completableBlock", async () => {
    const before = await snapshot(client, { deployment: devnet.deployment, blockNumber: snap.blockNumber });
    expect(before).toEqual(snap);

    const w = delegatorOf(0).withdrawals[0]!;
    const test = createTestClient({ chain: foundry, transport: http(devnet.rpcUrl), mode: "anvil" });
    const now = await client.getBlockNumber({ cacheTime: 0 });
    await test.mine({ blocks: Number(w.completableBlock - 1n - now) });
    const early = await snapshot(client, { deployment: devnet.deployment });
    expect(early.blockNumber).toBe(w.completableBlock - 1n);
    expect(buildInstance(early, { version: 1, operatorSets: [] }, DEFAULT_ENGINE_PARAMS).maturedWithdrawals).toEqual([]);
    await test.mine({ blocks: 1 });
    const later = await snapshot(client, { deployment: devnet.deployment });
    expect(later.blockNumber).toBe(w.completableBlock);
    const inst = buildInstance(later, { version: 1, operatorSets: [] }, DEFAULT_ENGINE_PARAMS);
    expect(inst.maturedWithdrawals.map((m) => m.withdrawalRoot)).toEqual([w.withdrawalRoot]);

    // The vault completes it in the next block (the first where block.number > startBlock + delay).
    const [[withdrawal]] = await client.readContract({
      address: devnet.deployment.eigenlayer.delegationManager,
      abi: iDelegationManagerAbi,
      functionName: "getQueuedWithdrawals",
      args: [delegatorOf(0).address],
    });
    const { receipt } = await send(keeper, devnet.deployment.trellis.vault, iVaultAbi as Abi, "completeDelegatorWithdrawal", [
      delegatorOf(0).address,
      withdrawal,
      asset("rETH").token,
    ]);
    expect(receipt.status).toBe("success");
    const done = await snapshot(client, { deployment: devnet.deployment });
    expect(done.delegators.find((d) => d.address === delegatorOf(0).address)!.withdrawals).toEqual([]);
  });
});
