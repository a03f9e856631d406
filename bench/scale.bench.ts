// How on-chain cost scales with the number of delegators (issue "Flat on-chain cost"): the devnet is deployed as
// usual, then test/bench/BenchFleet.sol (holding ADMIN, RISK_MANAGER and KEEPER, granted by the impersonated
// timelock) adds operators in batches, each with a delegator holding all 3 held assets (stETH, rETH, osETH). At
// n = 10, 100 and 1,000 delegators it prints receipt gasUsed on anvil (proxies included) of:
//   gas.allocate.<n>               the largest of one allocation of each asset to the newest delegator (cold)
//   gas.riskRegistry.refresh.<n>   RiskRegistry.refresh of one delegator
//   gas.refresh.perDelegator.<n>   a full Vault.refresh round, divided by n
//   gas.refresh.batch.max.<n>      the largest single refresh transaction of that round (batches sized under 10M)
//   gas.deposit.wstETH.receipt.<n> a warm wstETH deposit through its entry (median of 3 after a cold one)
//   gas.finalize.perRequest.<n>    the marginal cost of one more request in a keeper's finalize(ids)
// Run: npx tsx bench/scale.bench.ts [maxN, default 1000]  (one JSON line per figure; progress on stderr)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, erc20Abi, http, parseEther, parseEventLogs, type Abi, type Address, type Hex, type TransactionReceipt } from "viem";
import { iRiskRegistryAbi, trellisEntryAbi, vaultAbi, withdrawalQueueAbi } from "../src/abi/generated/index.js";
import { accessManagerAbi } from "../src/governance/abi.js";
import { createChainClients } from "../src/chain/clients.js";
import { decodeRevert } from "../src/chain/errors.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../src/devnet/accounts.js";
import { projectRoot, startAnvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import { createSim } from "../src/demo/sim.js";

const SIZES = [10, 100, 1000].filter((n) => n <= Number(process.argv[2] ?? 1000));
const BATCH = 20;
const ROLES = [0n, 1n, 2n]; // ADMIN, RISK_MANAGER, KEEPER (contracts/libraries/Roles.sol)
const TX_GAS_LIMIT = 10_000_000n;

const print = (name: string, value: number | bigint, unit = "gas") => console.log(JSON.stringify({ name, value: Number(value), unit }));
const note = (s: string) => process.stderr.write(`scale.bench: ${s}\n`);
const median = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor(xs.length / 2)]!;

const anvil = await startAnvil();
try {
  const deployment = await deployDevnet({ rpcUrl: anvil.rpcUrl });
  const d = deployment.trellis;
  const { publicClient, chain } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 20 });
  const sim = createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment });
  const transport = http(anvil.rpcUrl);
  type From = ReturnType<typeof devnetAccount> | Address;
  /** Simulates first (a refusal throws with its named error), then sends with `gas` or the estimate. */
  const send = async (account: From, address: Address, abi: Abi, functionName: string, args: readonly unknown[], gas?: bigint): Promise<TransactionReceipt> => {
    const call = { account, address, abi, functionName, args, chain } as never;
    await publicClient.simulateContract(call).catch((e: unknown) => {
      throw new Error(`${functionName} refused: ${decodeRevert(e)?.text ?? String(e)}`);
    });
    const hash = await createWalletClient({ chain, transport, account }).writeContract({ ...(call as object), ...(gas ? { gas } : {}) } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 600_000 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash}, used ${receipt.gasUsed})`);
    return receipt;
  };

  const user = sim.users[0]!;
  const held = deployment.assets.filter((a) => BigInt(a.strategy) !== 0n).map((a) => a.symbol);
  // Enough idle of each held asset for 1,000 delegators' allocations above the buffer.
  for (const symbol of held) await sim.deposit(user, symbol, await sim.mintLst(symbol, user, parseEther("400")));

  const artifact = JSON.parse(readFileSync(join(projectRoot, "out", "BenchFleet.sol", "BenchFleet.json"), "utf8")) as { abi: Abi; bytecode: { object: Hex } };
  const deployer = devnetAccount(DEVNET_KEY_INDEX.deployer);
  const hash = await createWalletClient({ chain, transport, account: deployer }).deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode.object,
    args: [d.vault, deployment.eigenlayer.delegationManager, deployment.eigenlayer.allocationManager],
    account: deployer,
    chain,
  });
  const fleet = (await publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
  await sim.testClient.impersonateAccount({ address: d.timelock });
  await sim.testClient.setBalance({ address: d.timelock, value: parseEther("10") });
  for (const role of ROLES) await send(d.timelock, d.accessManager, accessManagerAbi as Abi, "grantRole", [role, fleet, 0]);

  const keeper = devnetAccount(DEVNET_KEY_INDEX.keeper);
  const amount = parseEther("0.01");
  const refresh = (batch: bigint) => send(user, d.vault, vaultAbi as Abi, "refresh", [batch], TX_GAS_LIMIT);
  const roundDone = (r: TransactionReceipt) => parseEventLogs({ abi: vaultAbi, logs: r.logs, eventName: "RefreshRoundCompleted" }).length > 0;
  /** One full refresh round in batches sized to stay under 10M gas per transaction; returns each transaction's gas. */
  const refreshRound = async (n: number): Promise<bigint[]> => {
    const probe = await refresh(10n); // also ends any round in progress
    for (let r = probe; !roundDone(r); ) r = await refresh(10n);
    const perDelegator = Number(probe.gasUsed) / Math.min(10, n);
    const batch = BigInt(Math.max(1, Math.floor((Number(TX_GAS_LIMIT) * 0.85) / perDelegator)));
    const round: bigint[] = [];
    for (let r: TransactionReceipt | undefined; !r || !roundDone(r); round.push(r.gasUsed)) r = await refresh(batch);
    note(`refresh round at ${n}: batches of ${batch}, ${round.length} transaction(s)`);
    return round;
  };

  for (const n of SIZES) {
    for (;;) {
      const have = (await publicClient.readContract({ address: d.vault, abi: vaultAbi, functionName: "getDelegators" })).length;
      if (have >= n) break;
      await send(deployer, fleet, artifact.abi, "grow", [BigInt(Math.min(BATCH, n - have)), amount]);
    }
    const delegators = await publicClient.readContract({ address: d.vault, abi: vaultAbi, functionName: "getDelegators" });
    note(`${delegators.length} delegators`);
    // The latest bench delegator: at every size one in the same state (two operator sets, all 3 assets held).
    const target = delegators[delegators.length - 1]!;
    let max = 0n;
    for (const a of deployment.assets.filter((x) => held.includes(x.symbol))) {
      const r = await send(keeper, d.vault, vaultAbi as Abi, "allocate", [target, a.token, amount]);
      if (r.gasUsed > max) max = r.gasUsed;
    }
    print(`gas.allocate.${n}`, max);
    print(`gas.riskRegistry.refresh.${n}`, (await send(keeper, d.riskRegistry, iRiskRegistryAbi as Abi, "refresh", [target])).gasUsed);

    const round = await refreshRound(n);
    print(`gas.refresh.perDelegator.${n}`, Math.round(Number(round.reduce((s, g) => s + g, 0n)) / n));
    print(`gas.refresh.batch.max.${n}`, round.reduce((m, g) => (g > m ? g : m), 0n));

    // A warm wstETH deposit through its entry (the first, cold call left out).
    const entry = sim.entry("wstETH");
    const wst = sim.token("wstETH");
    const minted = await sim.mintLst("wstETH", user, parseEther("0.4"));
    const deposits: bigint[] = [];
    for (let k = 0; k < 4; k++) {
      await send(user, wst, erc20Abi as Abi, "approve", [entry, minted / 4n]);
      deposits.push((await send(user, entry, trellisEntryAbi as Abi, "deposit", [minted / 4n, user.address], 2_000_000n)).gasUsed);
    }
    print(`gas.deposit.wstETH.receipt.${n}`, median(deposits.slice(1)));

    // finalize by the keeper once the requests matured and a refresh round started after: 1 request, then 11 more.
    const ids: bigint[] = [];
    for (let k = 0; k < 12; k++) ids.push(await sim.requestRedeem(user, parseEther("0.01"), "rETH"));
    const { minRedeemDelay } = await publicClient.readContract({ address: d.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "exitParams" });
    await sim.advance(Number(minRedeemDelay) + 1, 1);
    await refreshRound(n);
    const finalize = async (batch: bigint[]) => {
      const r = await send(keeper, d.withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [batch], TX_GAS_LIMIT);
      const paid = parseEventLogs({ abi: withdrawalQueueAbi, logs: r.logs, eventName: "RedeemFinalized" }).length;
      if (paid !== batch.length) throw new Error(`finalize paid ${paid} of ${batch.length} requests`);
      return r.gasUsed;
    };
    const one = await finalize(ids.slice(0, 1));
    const many = await finalize(ids.slice(1));
    print(`gas.finalize.perRequest.${n}`, Math.round(Number(many - one) / 10));
    print(`gas.finalize.one.${n}`, one);
  }
} finally {
  await anvil.stop();
}
