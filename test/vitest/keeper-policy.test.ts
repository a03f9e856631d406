// The one chain read on the devnet: through Multicall3 (planted at its canonical address) it equals the
// parallel reads; and the RiskRegistry's operator policy read from chain steers the strategy engine: after
// governance tightens it, the plan sends the operators the chain now refuses no new stake, and every planned
// allocation passes the vault's RiskRegistry check (simulated with eth_call, then sent by the keeper).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createTestClient, createWalletClient, http, parseEther, type Abi, type Hex, type Transport } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { allocationManagerAbi, riskRegistryAbi, vaultAbi } from "../../src/abi/generated/index.js";
import { readChainSnapshot } from "../../src/chain/chainSnapshot.js";
import { createChainClients } from "../../src/chain/clients.js";
import { MULTICALL3_ADDRESS } from "../../src/chain/readCalls.js";
import { simulateCall, type SendContext } from "../../src/chain/send.js";
import { createSim, type Sim } from "../../src/demo/sim.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { runKeeperCycle, type KeeperOptions } from "../../src/keeper/keeper.js";
import { plannerSnapshot } from "../../src/keeper/plannerSnapshot.js";
import { loadAvsDataFile } from "../../src/strategy/avsData.js";
import { plan as makePlan } from "../../src/strategy/plan.js";
import type { AllocateAction, Snapshot } from "../../src/strategy/types.js";
import { useDevnet } from "../helpers/devnet.js";
import { DEVNET_AVS_DATA, devnetKeeperOptions, FREE_ENGINE, keeperSendContext } from "../helpers/keeperDevnet.js";

const devnet = useDevnet();
const avsDataFile = DEVNET_AVS_DATA;
const engineParams = FREE_ENGINE;
const lc = (a: string) => a.toLowerCase();

let sim: Sim;
let opts: KeeperOptions;
let send: SendContext;
const ethCalls = { n: 0 };

/** Counts eth_call requests through the transport. */
const counting = (base: Transport): Transport => (config) => {
  const inner = base(config);
  return { ...inner, request: ((args: { method: string }, o?: unknown) => {
    if (args.method === "eth_call") ethCalls.n++;
    return inner.request(args as never, o as never);
  }) as typeof inner.request };
};

/** Multicall3's creation code, as viem ships it for its deployless multicall (not a public export). */
function multicall3CreationCode(): Hex {
  const viemCjs = dirname(createRequire(import.meta.url).resolve("viem"));
  const text = readFileSync(join(viemCjs, "..", "_esm", "constants", "contracts.js"), "utf8");
  const m = /multicall3Bytecode = '(0x[0-9a-f]+)'/.exec(text);
  if (!m) throw new Error("multicall3Bytecode not found in viem");
  return m[1] as Hex;
}

const planAllocations = async (snapshot: Snapshot) =>
  (await makePlan(snapshot, await loadAvsDataFile(avsDataFile), engineParams)).actions.filter((a): a is AllocateAction => a.type === "allocate" && a.assetAmount > 0n);

describe("one chain read, and the operator policy from chain", () => {
  beforeAll(async () => {
    const clients = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20, wrapTransport: counting });
    sim = createSim({ publicClient: clients.publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    opts = devnetKeeperOptions(clients.publicClient, devnet.deployment, { engineParams });
    send = keeperSendContext(opts);
    const [alice, bob] = sim.users as [Sim["users"][0], Sim["users"][0]];
    // Others' stake in the operator sets, so new stake earns something (as in the keeper suite).
    await sim.seedOutsideStake(parseEther("100"));
    await sim.deposit(alice, "rETH", await sim.mintLst("rETH", alice, parseEther("100")));
    await sim.deposit(bob, "stETH", await sim.mintLst("stETH", bob, parseEther("100")));
    // Some stake out already, so delegators hold positions and withdrawals are in flight.
    const d = devnet.deployment;
    await sim.tx(devnetAccount(DEVNET_KEY_INDEX.keeper), d.trellis.vault, vaultAbi as Abi, "allocate", [d.operators[1]!.delegator, sim.token("rETH"), parseEther("10")]);
  });

  it("reads the same snapshot through Multicall3 as with parallel eth_calls, in far fewer calls", async () => {
    const { publicClient } = opts;
    const block = await publicClient.getBlockNumber({ cacheTime: 0 });
    const test = createTestClient({ mode: "anvil", transport: http(devnet.rpcUrl) });
    // No Multicall3 on the devnet (nor in the real-core anvil state): plant it where every chain has it.
    expect(await publicClient.getCode({ address: MULTICALL3_ADDRESS })).toBeUndefined();
    const deployer = createWalletClient({ account: devnetAccount(DEVNET_KEY_INDEX.deployer), transport: http(devnet.rpcUrl) });
    const hash = await deployer.sendTransaction({ chain: null, data: multicall3CreationCode() });
    const { contractAddress } = await publicClient.waitForTransactionReceipt({ hash });
    await test.setCode({ address: MULTICALL3_ADDRESS, bytecode: (await publicClient.getCode({ address: contractAddress! }))! });
    await test.mine({ blocks: 1 });

    ethCalls.n = 0;
    const parallel = await readChainSnapshot(publicClient, { deployment: devnet.deployment, blockNumber: block + 2n, multicall: false });
    const parallelCalls = ethCalls.n;
    ethCalls.n = 0;
    const batched = await readChainSnapshot(publicClient, { deployment: devnet.deployment, blockNumber: block + 2n });
    const batchedCalls = ethCalls.n;
    expect([parallel.multicall, batched.multicall]).toEqual([false, true]);
    expect(batched.keeper).toEqual(parallel.keeper);
    expect(batched.engine()).toEqual(parallel.engine());
    expect(batched.reads).toBe(parallel.reads);
    expect(parallelCalls).toBe(parallel.reads);
    // One eth_call per round (chunks of 16 KiB of calldata), against one per read.
    expect(batchedCalls).toBeLessThanOrEqual(10);
  });

  it("plans no new stake for operators a tightened policy refuses, and every planned allocation passes the chain", async () => {
    const d = devnet.deployment;
    const chain0 = await readChainSnapshot(opts.publicClient, { deployment: d });
    expect(chain0.policy).toEqual({ minAllocationDelayBlocks: 1, maxOperatorSets: 32, minAdminDelaySeconds: 0 });
    expect(chain0.newStakeRefusals.size).toBe(0);

    // Governance tightens (at once, no timelock): at most 2 operator sets per operator. Operators 0 and 3 are
    // allocated to 3 on the devnet. And operator 5 lowers its own allocation delay to 0, below the minimum of 1.
    const test = createTestClient({ mode: "anvil", transport: http(devnet.rpcUrl) });
    const { safe, riskRegistry } = d.trellis;
    await test.impersonateAccount({ address: safe });
    await test.setBalance({ address: safe, value: parseEther("1") });
    const wallet = createWalletClient({ account: safe, transport: http(devnet.rpcUrl) });
    const tightened = await wallet.writeContract({ chain: null, address: riskRegistry, abi: riskRegistryAbi, functionName: "setMaxOperatorSets", args: [2] });
    expect((await opts.publicClient.waitForTransactionReceipt({ hash: tightened })).status).toBe("success");
    await test.stopImpersonatingAccount({ address: safe });
    const op5 = d.operators[5]!;
    await sim.tx(devnetAccount(op5.keyIndex!), d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "setAllocationDelay", [op5.address, 0]);
    await test.mine({ blocks: 3 }); // the delay change takes effect after the allocation configuration delay

    const chain = await readChainSnapshot(opts.publicClient, { deployment: d });
    const refused = new Set([d.operators[0]!.address, d.operators[3]!.address, op5.address].map(lc));
    expect([...chain.newStakeRefusals.keys()].sort()).toEqual([...refused].sort());
    expect(chain.newStakeRefusals.get(lc(d.operators[0]!.address))).toBe(`OperatorSetsBeyondBound(${d.operators[0]!.address}, 2)`);
    expect(chain.newStakeRefusals.get(lc(op5.address))).toBe(`AllocationDelayTooShort(${op5.address}, 1, 0)`);
    const engine = plannerSnapshot(chain.engine(), chain.keeper);
    const assetOf = (strategy: string) => engine.strategies.find((s) => lc(s.address) === lc(strategy))!.asset;
    expect(engine.operators.filter((o) => o.newStakeRefused).map((o) => lc(o.address)).sort()).toEqual([...refused].sort());

    // Without the policy (the config's mirror only), the engine would send stake the chain refuses.
    const blind: Snapshot = { ...engine, limits: { ...engine.limits, minAllocationDelayBlocks: undefined }, operators: engine.operators.map((o) => ({ ...o, newStakeRefused: undefined })) };
    const blindMoves = (await planAllocations(blind)).filter((a) => refused.has(lc(a.operator)));
    expect(blindMoves.length).toBeGreaterThan(0);
    const refusedCall = await simulateCall(send, { address: d.trellis.vault, abi: vaultAbi as Abi, functionName: "allocate", args: [blindMoves[0]!.delegator, assetOf(blindMoves[0]!.strategy), blindMoves[0]!.assetAmount] });
    expect(refusedCall.ok).toBe(false);
    if (!refusedCall.ok) expect(refusedCall.revert.errorName).toMatch(/^(OperatorSetsBeyondBound|AllocationDelayTooShort)$/);

    // With it: no new stake to them, and each planned allocation passes the vault's check from this state.
    const moves = await planAllocations(engine);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.filter((a) => refused.has(lc(a.operator)))).toEqual([]);
    for (const a of moves) {
      const asset = assetOf(a.strategy);
      const sim1 = await simulateCall(send, { address: d.trellis.vault, abi: vaultAbi as Abi, functionName: "allocate", args: [a.delegator, asset, a.assetAmount] });
      expect(sim1.ok ? "ok" : sim1.revert.text).toBe("ok");
    }

    // The keeper sends the plan in order (each simulated then sent): every allocation goes through.
    const report = await runKeeperCycle(opts);
    const allocations = report.actions.filter((a) => a.kind === "allocate");
    expect(allocations.length).toBeGreaterThan(0);
    expect(allocations.map((a) => a.status)).toEqual(allocations.map(() => "confirmed"));
    expect(allocations.filter((a) => refused.has(lc(a.details.operator as string)))).toEqual([]);
  });

  it("reads the chain once in a cycle that sends nothing", async () => {
    const report = await runKeeperCycle({ ...opts, rebalance: false });
    expect(report.actions).toEqual([]);
    expect(report.reads).toBe(1);
  });
});
