// What users pay: receipt `gasUsed` on anvil (21,000 intrinsic gas and every proxy hop included) of deposits
// through the LSTs' entries and of each exit (request, cancel, finalize, claim, instant), on the devnet and on
// a one-operator devnet. Each figure is the median over warm repeats: the same account calling again, the first
// call (cold slots, first approvals) left out.
// Run: npx tsx bench/exits.bench.ts  (one JSON line per figure on stdout; progress on stderr)
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, erc20Abi, http, maxUint256, parseEther, type Abi, type Address } from "viem";
import type { HDAccount } from "viem/accounts";
import { trellisEntryAbi, vaultAbi, withdrawalQueueAbi } from "../src/abi/generated/index.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../src/devnet/accounts.js";
import { createChainClients } from "../src/chain/clients.js";
import { decodeRevert } from "../src/chain/errors.js";
import { projectRoot, startAnvil, type Anvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import type { Deployment } from "../src/devnet/deployment.js";
import { createSim, type Sim } from "../src/demo/sim.js";

const RUNS = 5; // calls per figure; the first is the cold one and is left out
const emit = (name: string, value: number, unit = "gas") => console.log(JSON.stringify({ name, value, unit }));
const median = (xs: bigint[]) => Number([...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor(xs.length / 2)]!);
const note = (s: string) => process.stderr.write(`exits.bench: ${s}\n`);

type Devnet = { anvil: Anvil; deployment: Deployment; sim: Sim; gas: (account: HDAccount, address: Address, abi: Abi, fn: string, args: readonly unknown[]) => Promise<bigint> };

async function devnet(configFile?: string): Promise<Devnet> {
  const anvil = await startAnvil();
  const deployment = await deployDevnet({ rpcUrl: anvil.rpcUrl, ...(configFile ? { configFile } : {}) });
  const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 10 });
  const sim = createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment });
  /**
   * Sends one transaction with a 30% gas margin and returns its receipt's gasUsed (the limit does not change
   * it). Without a margin a deposit can run out of gas: the estimate is made at one second, the block mined at
   * the next, and the stream's release between the two can turn a zero slot non-zero.
   */
  const gas: Devnet["gas"] = async (account, address, abi, fn, args) => {
    const call = { account, address, abi, functionName: fn, args } as never;
    await publicClient.simulateContract(call).catch((e: unknown) => {
      throw new Error(`${fn} refused: ${decodeRevert(e)?.text ?? String(e)}`);
    });
    const limit = ((await publicClient.estimateContractGas(call)) * 13n) / 10n;
    const wallet = createWalletClient({ chain: publicClient.chain, transport: http(anvil.rpcUrl), account });
    const hash = await wallet.writeContract({ ...(call as object), gas: limit } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== "success") throw new Error(`${fn} reverted on chain (${hash}, gas limit ${limit}, used ${receipt.gasUsed})`);
    return receipt.gasUsed;
  };
  return { anvil, deployment, sim, gas };
}

/** Warm deposits of `symbol` through its entry by `user`, each after an exact-amount approval (not counted). */
async function depositGas(net: Devnet, user: HDAccount, symbol: string, amount: bigint): Promise<bigint[]> {
  const minted = await net.sim.mintLst(symbol, user, amount * BigInt(RUNS));
  const each = minted / BigInt(RUNS);
  const entry = net.sim.entry(symbol);
  const out: bigint[] = [];
  for (let i = 0; i < RUNS; i++) {
    await net.sim.tx(user, net.sim.token(symbol), erc20Abi as Abi, "approve", [entry, each]);
    out.push(await net.gas(user, entry, trellisEntryAbi as Abi, "deposit", [each, user.address]));
  }
  return out.slice(1);
}

async function exitsGas(net: Devnet): Promise<void> {
  const { sim, gas, deployment: d } = net;
  const [alice, bob] = sim.users as [HDAccount, HDAccount];
  const entry = sim.entry("stETH");
  const stETH = sim.token("stETH");
  await sim.deposit(bob, "stETH", await sim.mintLst("stETH", bob, parseEther("200")));

  // requestRedeem, then cancelRedeem of the same requests (alice's trETH from her deposits).
  const requests: bigint[] = [];
  const ids: bigint[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = await sim.read<bigint>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "nextRequestId");
    requests.push(await gas(alice, entry, trellisEntryAbi as Abi, "requestRedeem", [parseEther("0.5"), alice.address, alice.address]));
    ids.push(id);
  }
  emit("gas.requestRedeem", median(requests.slice(1)));
  const cancels: bigint[] = [];
  for (const id of ids) cancels.push(await gas(alice, entry, trellisEntryAbi as Abi, "cancelRedeemRequest", [id, alice.address]));
  emit("gas.cancelRedeem", median(cancels.slice(1)));

  // finalize: one request alone, then 11 in one call; per request is the marginal cost of one more id.
  const open = async (n: number) => {
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push(await sim.requestRedeem(alice, parseEther("0.2"), "stETH"));
    return out;
  };
  const one = await open(1);
  const many = await open(11);
  const delay = (await sim.read<{ minRedeemDelay: number }>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "exitParams")).minRedeemDelay;
  await sim.advance(delay + 1, 1);
  // A matured request is paid once a full refresh round started after its maturity (anyone may refresh), by the
  // keeper at once (others only after the grace period).
  await sim.tx(bob, d.trellis.vault, vaultAbi as Abi, "refresh", [maxUint256]);
  const keeper = devnetAccount(DEVNET_KEY_INDEX.keeper);
  const finalizeOne = await gas(keeper, d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [one]);
  const finalizeMany = await gas(keeper, d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [many]);
  for (const id of [...one, ...many]) {
    const r = await sim.read<{ status: number }>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "getRequest", [id]);
    if (r.status !== 2) throw new Error(`request ${id} was not finalized (status ${r.status}): the finalize figures would be wrong`);
  }
  emit("gas.finalize.one", Number(finalizeOne));
  emit("gas.finalize.perRequest", Math.round(Number(finalizeMany - finalizeOne) / (many.length - 1)));

  // claimRedeem: alice redeems her pooled claim in equal parts.
  const [pooled] = await sim.read<readonly [bigint, bigint]>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "claimableOf", [stETH, alice.address]);
  const claims: bigint[] = [];
  for (let i = 0; i < RUNS; i++) claims.push(await gas(alice, entry, trellisEntryAbi as Abi, "redeem", [pooled / BigInt(RUNS + 1), alice.address, alice.address]));
  emit("gas.claimRedeem", median(claims.slice(1)));

  // instantRedeem: bob, small exits well inside the period's budget.
  const instants: bigint[] = [];
  for (let i = 0; i < RUNS; i++) {
    const shares = parseEther("0.05");
    const [assets] = await sim.read<readonly [bigint, bigint]>(entry, trellisEntryAbi as Abi, "previewInstantRedeem", [shares]);
    instants.push(await gas(bob, entry, trellisEntryAbi as Abi, "instantRedeem", [shares, bob.address, bob.address, assets]));
  }
  emit("gas.instantRedeem", median(instants.slice(1)));
}

/** The devnet's config with one operator and only its allocations, written where forge may read it. */
function oneOperatorConfig(): string {
  const config = JSON.parse(readFileSync(join(projectRoot, "script", "config", "devnet.json"), "utf8"));
  const a = config.allocations;
  const keep = (a.operator as number[]).map((op, i) => (op === 0 ? i : -1)).filter((i) => i >= 0);
  for (const k of ["operator", "avs", "operatorSetId", "magnitudeBps"]) a[k] = keep.map((i) => a[k][i]);
  config.operatorCount = 1;
  const file = join(projectRoot, "deployments", `bench-1op-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const main = await devnet();
try {
  note(`devnet with ${main.deployment.operators.length} operators deployed`);
  const [alice] = main.sim.users as [HDAccount];
  for (const symbol of ["wstETH", "stETH", "rETH", "osETH"]) emit(`gas.deposit.${symbol}.receipt`, median(await depositGas(main, alice, symbol, parseEther("5"))));
  await exitsGas(main);
} finally {
  await main.anvil.stop();
}

const configFile = oneOperatorConfig();
try {
  const single = await devnet(configFile);
  try {
    note(`devnet with ${single.deployment.operators.length} operator deployed`);
    const [alice] = single.sim.users as [HDAccount];
    emit("gas.deposit.wstETH.receipt.1op", median(await depositGas(single, alice, "wstETH", parseEther("5"))));
  } finally {
    await single.anvil.stop();
  }
} finally {
  rmSync(configFile, { force: true });
}
