#!/usr/bin/env node
// `trellis`: the command line of Trellis (devnet, demo, deposits and withdrawals, status, plans, keeper).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { erc20Abi, formatEther, maxUint256, parseEther, parseUnits, type Abi, type Address } from "viem";
import { trETHAbi, vaultAbi, withdrawalQueueAbi } from "../abi/generated/index.js";
import { accountFromKey } from "../chain/clients.js";
import { ConfigError, requirePrivateKey } from "../chain/config.js";
import { describeError } from "../chain/errors.js";
import { sendCall } from "../chain/send.js";
import { avsNames, eth, formatStatus, readStatus, statusToJson } from "../chain/status.js";
import { devnetAccount } from "../devnet/accounts.js";
import { createSim } from "../demo/sim.js";
import { runKeeper } from "../keeper/keeper.js";
import { readKeeperState } from "../keeper/readState.js";
import { snapshotForPlanner } from "../keeper/plannerSnapshot.js";
import { formatPlan, loadAvsDataFile, plan as makePlan, planToJson, type EngineParams } from "../strategy/index.js";
import { makeContext, makeLogger, type CliContext, type GlobalOptions } from "./context.js";

const program = new Command()
  .name("trellis")
  .description("Trellis: a liquid restaking token (trETH) on EigenLayer")
  .addOption(new Option("-n, --network <name>", "network config (config/networks/<name>.json) or a path to one").default("devnet").env("TRELLIS_NETWORK"))
  .option("--json", "machine-readable output: JSON results on stdout, JSON log lines on stderr")
  .option("--rpc-url <url>", "override the network's RPC URL (also TRELLIS_RPC_URL)")
  .option("--deployment <file>", "override the network's deployment file")
  .option("-v, --verbose", "debug logs")
  .showHelpAfterError();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

function assetOf(ctx: CliContext, symbolOrAddress: string): Address {
  const a = ctx.deployment.assets.find((x) => x.symbol.toLowerCase() === symbolOrAddress.toLowerCase() || x.token.toLowerCase() === symbolOrAddress.toLowerCase());
  if (!a) throw new ConfigError(`unknown asset "${symbolOrAddress}": one of ${ctx.deployment.assets.map((x) => x.symbol).join(", ")}`);
  return a.token;
}

/** Sends a user transaction through the same simulate-then-send path as the keeper; exits non-zero on a revert. */
async function userSend(ctx: CliContext, key: `0x${string}`, call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) {
  const res = await sendCall({ publicClient: ctx.publicClient, account: accountFromKey(key), log: ctx.log, gasPriceCap: ctx.network.gasPriceCap }, call);
  if (res.status !== "confirmed") {
    const why = res.status === "rejected" ? res.revert.text : res.status === "reverted" ? res.revert?.text ?? "reverted" : res.status === "skipped" ? res.reason : res.status;
    throw new Error(`${call.functionName} ${res.status}: ${why}`);
  }
  return res;
}

program
  .command("devnet")
  .description("start anvil, deploy EigenLayer devnet + LSTs + Trellis + governance, seed, print addresses; runs until Ctrl-C")
  .option("--port <port>", "anvil port (default: the network's RPC port)")
  .option("--no-seed", "skip the outside stake delegated to each operator")
  .action(async (o: { port?: string; seed: boolean }) => {
    const { devnetCommand } = await import("./devnet.js");
    await devnetCommand({ ...globals(), ...o });
  });

program
  .command("app")
  .description("serve the web app for the network (build it with npm run build); reads the chain from the browser")
  .option("--port <port>", "HTTP port", "5173")
  .option("--from-block <n>", "first block the app reads events from (default: 0 on the devnet, else the latest less 100,000)")
  .action(async (o: { port: string; fromBlock?: string }) => (await import("./app.js")).appCommand({ ...globals(), ...o }));

program
  .command("demo")
  .description("self-contained devnet demo: deposits, 12 simulated weeks of keeper, rewards, a slashing, withdrawals; writes an HTML report")
  .option("--weeks <n>", "simulated weeks", "12")
  .option("--report-dir <dir>", "where the report goes", "reports")
  .action(async (o: { weeks: string; reportDir: string }) => {
    const { runDemo } = await import("../demo/demo.js");
    await runDemo({ weeks: Number(o.weeks), reportDir: join(process.cwd(), o.reportDir) });
  });

program
  .command("deposit")
  .description("deposit an LST and receive trETH (key: TRELLIS_USER_KEY; devnet default: user key, index 8)")
  .argument("<asset>", "stETH, wstETH, rETH, osETH or a token address")
  .argument("<amount>", "amount in token units, e.g. 1.5")
  .option("--receiver <address>", "who gets the trETH (default: the sender)")
  .option("--min-shares <trETH>", "revert if fewer trETH would be minted (default: preview minus 0.5%)")
  .option("--mint", "devnet only: have the deployer mint the LST to the sender first")
  .action(async (assetArg: string, amountArg: string, o: { receiver?: Address; minShares?: string; mint?: boolean }) => {
    const ctx = await makeContext(globals());
    const { key, source } = requirePrivateKey(ctx.network, "TRELLIS_USER_KEY");
    const user = accountFromKey(key);
    ctx.log.debug("user key", { source, address: user.address });
    const asset = assetOf(ctx, assetArg);
    const amount = parseUnits(amountArg, 18);
    if (o.mint) {
      if (!ctx.network.devnet) throw new ConfigError("--mint is devnet only");
      const sim = createSim({ publicClient: ctx.publicClient, rpcUrl: ctx.network.rpcUrl, deployment: ctx.deployment });
      const symbol = ctx.deployment.assets.find((a) => a.token === asset)!.symbol;
      const index = [8, 9].find((i) => devnetAccount(i).address === user.address);
      if (index === undefined) throw new ConfigError("--mint works with a devnet user key (index 8 or 9)");
      await sim.mintLst(symbol, devnetAccount(index), amount);
    }
    const v = ctx.deployment.trellis.vault;
    const allowance = (await ctx.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: "allowance", args: [user.address, v] })) as bigint;
    if (allowance < amount) await userSend(ctx, key, { address: asset, abi: erc20Abi as Abi, functionName: "approve", args: [v, maxUint256] });
    const preview = (await ctx.publicClient.readContract({ address: v, abi: vaultAbi, functionName: "previewDeposit", args: [asset, amount] })) as bigint;
    const minShares = o.minShares ? parseEther(o.minShares) : (preview * 995n) / 1000n;
    const res = await userSend(ctx, key, { address: v, abi: vaultAbi as Abi, functionName: "deposit", args: [asset, amount, minShares, o.receiver ?? user.address] });
    const shares = res.status === "confirmed" ? (res.result as bigint) : 0n;
    ctx.out(`deposited ${amountArg} ${assetArg}: ${eth(shares)} trETH minted (tx ${res.status === "confirmed" ? res.hash : ""})`, { asset, amount, shares, hash: res.status === "confirmed" ? res.hash : undefined });
  });

const withdraw = program.command("withdraw").description("withdrawal requests (ERC-721) of the withdrawal queue");
withdraw
  .command("request")
  .description("escrow trETH and get a request, paid later in the chosen LST")
  .argument("<trETH>", "trETH to withdraw, e.g. 2.5, or 'all'")
  .requiredOption("--asset <asset>", "LST to be paid in")
  .option("--receiver <address>", "owner of the request NFT (default: the sender)")
  .action(async (sharesArg: string, o: { asset: string; receiver?: Address }) => {
    const ctx = await makeContext(globals());
    const { key } = requirePrivateKey(ctx.network, "TRELLIS_USER_KEY");
    const user = accountFromKey(key);
    const asset = assetOf(ctx, o.asset);
    const { trETH, withdrawalQueue } = ctx.deployment.trellis;
    const balance = (await ctx.publicClient.readContract({ address: trETH, abi: trETHAbi, functionName: "balanceOf", args: [user.address] })) as bigint;
    const shares = sharesArg === "all" ? balance : parseEther(sharesArg);
    const allowance = (await ctx.publicClient.readContract({ address: trETH, abi: trETHAbi, functionName: "allowance", args: [user.address, withdrawalQueue] })) as bigint;
    if (allowance < shares) await userSend(ctx, key, { address: trETH, abi: trETHAbi as Abi, functionName: "approve", args: [withdrawalQueue, maxUint256] });
    const res = await userSend(ctx, key, { address: withdrawalQueue, abi: withdrawalQueueAbi as Abi, functionName: "requestWithdrawal", args: [shares, asset, o.receiver ?? user.address] });
    const id = res.status === "confirmed" ? (res.result as bigint) : 0n;
    ctx.out(`withdrawal request #${id}: ${eth(shares)} trETH escrowed, to be paid in ${o.asset} once finalized by the keeper`, { requestId: id, shares, asset });
  });
withdraw
  .command("claim")
  .description("claim a finalized request")
  .argument("<requestId>")
  .action(async (idArg: string) => {
    const ctx = await makeContext(globals());
    const { key } = requirePrivateKey(ctx.network, "TRELLIS_USER_KEY");
    const id = BigInt(idArg);
    const res = await userSend(ctx, key, { address: ctx.deployment.trellis.withdrawalQueue, abi: withdrawalQueueAbi as Abi, functionName: "claim", args: [id] });
    const amount = res.status === "confirmed" ? (res.result as bigint) : 0n;
    ctx.out(`request #${id} claimed: ${formatEther(amount)}`, { requestId: id, amount });
  });
withdraw
  .command("status")
  .description("show a request")
  .argument("<requestId>")
  .action(async (idArg: string) => {
    const ctx = await makeContext(globals());
    const id = BigInt(idArg);
    const wq = ctx.deployment.trellis.withdrawalQueue;
    const req = (await ctx.publicClient.readContract({ address: wq, abi: withdrawalQueueAbi, functionName: "getRequest", args: [id] })) as Record<string, unknown>;
    const claimable = (await ctx.publicClient.readContract({ address: wq, abi: withdrawalQueueAbi, functionName: "claimableAmount", args: [id] })) as bigint;
    ctx.out(`request #${id}: ${JSON.stringify(req, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\nclaimable now: ${formatEther(claimable)}`, { ...req, claimable });
  });

program
  .command("status")
  .description("TVL, rate, allocation per operator, exposure per AVS against caps, withdrawal queue")
  .action(async () => {
    const ctx = await makeContext(globals());
    const s = await readStatus(ctx.publicClient, ctx.deployment);
    const names = existsSync(ctx.network.avsDataPath) ? avsNames(await loadAvsDataFile(ctx.network.avsDataPath)) : undefined;
    ctx.out(formatStatus(s, { avs: names }), statusToJson(s));
  });

program
  .command("plan")
  .description("read the chain, run the strategy engine and print the plan (sends nothing)")
  .option("--avs-data <file>", "AVS data file (default: the network's)")
  .action(async (o: { avsData?: string }) => {
    const ctx = await makeContext(globals());
    const file = o.avsData ?? ctx.network.avsDataPath;
    if (!existsSync(file)) throw new ConfigError(`no AVS data file at ${file}`);
    const state = await readKeeperState(ctx.publicClient, { deployment: ctx.deployment });
    const snapshot = await snapshotForPlanner(ctx.publicClient, { deployment: ctx.deployment, state });
    const p = await makePlan(snapshot, await loadAvsDataFile(file), (ctx.network.engine ?? {}) as Partial<EngineParams>);
    if (ctx.json) process.stdout.write(planToJson(p) + "\n");
    else process.stdout.write(formatPlan(p) + "\n");
  });

program
  .command("keeper")
  .description("run the keeper: claim rewards, complete EigenLayer withdrawals, sync, finalize, queue for the queue, rebalance (key: TRELLIS_KEEPER_KEY)")
  .option("--once", "one cycle, then exit")
  .option("--dry-run", "simulate every action with eth_call, send nothing")
  .option("--no-rebalance", "skip the strategy engine")
  .option("--poll <seconds>", "seconds between cycles (default: the network's pollIntervalSeconds)")
  .option("--rewards-dir <dir>", "directory of EigenLayer distribution files (default: the network's rewardsDir)")
  .option("--avs-data <file>", "AVS data file for rebalancing (default: the network's avsDataFile)")
  .action(async (o: { once?: boolean; dryRun?: boolean; rebalance: boolean; poll?: string; rewardsDir?: string; avsData?: string }) => {
    const ctx = await makeContext(globals());
    const { key, source } = requirePrivateKey(ctx.network, "TRELLIS_KEEPER_KEY");
    const account = accountFromKey(key);
    ctx.log.info("keeper starting", { network: ctx.network.name, rpc: ctx.network.rpcUrl, keeper: account.address, key: source, dryRun: !!o.dryRun, once: !!o.once });
    const controller = new AbortController();
    const stop = () => {
      ctx.log.info("stop requested: finishing the current step");
      controller.abort();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const reports = await runKeeper({
      publicClient: ctx.publicClient,
      account,
      deployment: ctx.deployment,
      log: ctx.log,
      gasPriceCap: ctx.network.gasPriceCap,
      rewardsDir: o.rewardsDir ?? ctx.network.rewardsPath,
      avsDataFile: o.avsData ?? ctx.network.avsDataPath,
      finalizeBatch: ctx.network.finalizeBatch,
      dryRun: o.dryRun ?? false,
      rebalance: o.rebalance,
      engineParams: (ctx.network.engine ?? {}) as Partial<EngineParams>,
      once: o.once ?? false,
      pollIntervalSeconds: o.poll ? Number(o.poll) : ctx.network.pollIntervalSeconds,
      signal: controller.signal,
    });
    if (ctx.json && o.once) process.stdout.write(JSON.stringify(reports.map((r) => ({ blockNumber: r.blockNumber, actions: r.actions, notes: r.notes })), (_, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
  });

async function mountGovernance(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!existsSync(join(here, "gov.ts")) && !existsSync(join(here, "gov.js"))) return;
  try {
    const mod = (await import("./gov.js" as string)) as { registerGovCommands?: (p: Command) => void };
    mod.registerGovCommands?.(program);
  } catch (e) {
    process.stderr.write(`warning: governance commands unavailable: ${(e as Error).message}\n`);
  }
}

async function main(): Promise<void> {
  await mountGovernance();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    const log = makeLogger(globals());
    log.error(describeError(e), e instanceof ConfigError ? { kind: "config" } : {});
    process.exitCode = 1;
  }
}

await main();
