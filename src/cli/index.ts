#!/usr/bin/env node
// `trellis`: the command line of Trellis (devnet, demo, deposits and withdrawals, status, plans, keeper).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { maxUint256, parseEther, type Abi, type Address } from "viem";
import { trETHAbi, withdrawalQueueAbi } from "../abi/generated/index.js";
import { readRateHistory, realisedApr } from "../chain/apr.js";
import { accountFromKey } from "../chain/clients.js";
import { ConfigError, loadNetwork, requirePrivateKey } from "../chain/config.js";
import { formatDate, formatDuration } from "../chain/format.js";
import { avsNames, formatStatus, readStatus, statusToJson } from "../chain/status.js";
import { InputError, parseAddressArg, parseAmountArg, parseCountArg, parseIntegerArg, parseSecondsArg, parseWeiArg } from "../chain/validate.js";
import { checkEndpoints, redactRpcUrl } from "../chain/endpoints.js";
import { readDeployment } from "../devnet/deployment.js";
import { runKeeper } from "../keeper/keeper.js";
import { readKeeperState } from "../keeper/readState.js";
import { snapshotForPlanner } from "../keeper/plannerSnapshot.js";
import { formatPlan, loadAvsDataFile, parseHistory, plan as makePlan, planRecord, planToJson, reviewHistory, type EngineParams } from "../strategy/index.js";
import { formatApr } from "./aprFormat.js";
import { currentUnits, makeContext, makeLogger, makeUnits, type CliContext, type GlobalOptions } from "./context.js";
import { deposit } from "./deposit.js";
import { describeFailure } from "./failure.js";
import { formatPosition, readDepositPreview, readPosition, readWithdrawPreview } from "./position.js";
import { userSend as sendUserTx } from "./tx.js";
import { registerWithdrawCommands } from "./withdraw.js";
import { labelPlan } from "./planLabels.js";

const version = (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8")) as { version: string }).version;

const program = new Command()
  .name("trellis")
  .description("Trellis: a liquid restaking token (trETH) on EigenLayer")
  .addOption(new Option("-n, --network <name>", "network config (config/networks/<name>.json) or a path to one").default("devnet").env("TRELLIS_NETWORK"))
  .option("--json", "machine-readable output: JSON results on stdout, JSON log lines on stderr")
  .option("--rpc-url <url[,url...]>", "override the network's RPC URL; several, comma-separated, fail over in order (also TRELLIS_RPC_URL)")
  .option("--deployment <file>", "override the network's deployment file")
  .option("--wei", "amounts in and out as raw integers (wei) instead of token units")
  .option("-v, --verbose", "debug logs")
  .version(version, "-V, --version", "the version of trellis");

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

/** A deployment asset by symbol or address (no RPC). */
function assetOf(ctx: Pick<CliContext, "deployment">, symbolOrAddress: string): { token: Address; symbol: string } {
  const a = ctx.deployment.assets.find((x) => x.symbol.toLowerCase() === symbolOrAddress.toLowerCase() || x.token.toLowerCase() === symbolOrAddress.toLowerCase());
  if (!a) throw new InputError(`asset: unknown asset "${symbolOrAddress}": one of ${ctx.deployment.assets.map((x) => x.symbol).join(", ")}`);
  return { token: a.token, symbol: a.symbol };
}

/** An amount argument in token units (or wei with --wei), checked against the token's decimals. */
async function amountOf(ctx: CliContext, value: string, name: string, token: { token: Address; symbol: string }): Promise<{ wei: bigint; decimals: number }> {
  const decimals = await ctx.decimals(token.token);
  return { wei: ctx.units.raw ? parseWeiArg(value, name) : parseAmountArg(value, decimals, name, { symbol: token.symbol }), decimals };
}

/** Syntax checks of an amount before any RPC (the decimals check against the token follows once known). */
const checkAmountSyntax = (value: string, name: string) => (globals().wei ? parseWeiArg(value, name) : parseAmountArg(value, 77, name));

/** Sends a user transaction (prints its hash); throws a TxError on a revert. Kept for `withdraw`. */
async function userSend(ctx: CliContext, key: `0x${string}`, call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) {
  return sendUserTx(ctx, key, call);
}

const devnet = program
  .command("devnet")
  .description("start anvil, deploy EigenLayer devnet + LSTs + Trellis + governance, seed, print addresses and keys; runs until Ctrl-C")
  .option("--port <port>", "anvil port (default: the network's RPC port); refused when something already listens there")
  .option("--no-seed", "skip the outside stake delegated to each operator")
  .action(async (o: { port?: string; seed: boolean }) => {
    const port = o.port === undefined ? undefined : parseCountArg(o.port, "--port", { min: 1, max: 65_535 });
    const { devnetCommand } = await import("./devnet.js");
    await devnetCommand({ ...globals(), port, seed: o.seed });
  });
devnet
  .command("advance")
  .description("move the running devnet's clock: --days N (time, one block) or --blocks N (N blocks, 12 s each)")
  .option("--days <n>", "days to add to the chain's time (the timelock delay, the APR window)")
  .option("--blocks <n>", "blocks to mine, 12 s apart (EigenLayer's withdrawal delay is in blocks: 100 on the devnet)")
  .action(async (o: { days?: string; blocks?: string }) => {
    if ((o.days === undefined) === (o.blocks === undefined)) throw new InputError("devnet advance: give exactly one of --days N or --blocks N");
    const days = o.days === undefined ? undefined : parseCountArg(o.days, "--days", { min: 1, max: 36_500 });
    const blocks = o.blocks === undefined ? undefined : parseCountArg(o.blocks, "--blocks", { min: 1, max: 100_000 });
    const ctx = await makeContext(globals());
    if (!ctx.network.devnet) throw new ConfigError(`devnet advance: ${ctx.network.name} is not a devnet`);
    const { advanceDevnet } = await import("./advance.js");
    const r = await advanceDevnet(ctx, { days, blocks });
    ctx.out(`devnet advanced ${r.blocks} block(s) and ${formatDuration(r.seconds)}: now block ${r.blockNumber}, ${formatDate(r.timestamp)}`, r);
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
  .option("--weeks <n>", "simulated weeks (1 to 520)", "12")
  .option("--report-dir <dir>", "where the report goes (relative to the current directory, or absolute)", "reports")
  .action(async (o: { weeks: string; reportDir: string }) => {
    const weeks = parseCountArg(o.weeks, "--weeks", { min: 1, max: 520 });
    const { runDemo } = await import("../demo/demo.js");
    await runDemo({ weeks, reportDir: resolve(process.cwd(), o.reportDir) });
  });

program
  .command("deposit")
  .description("deposit an LST and receive trETH; approves exactly the amount (key: TRELLIS_USER_KEY; devnet default: user key, index 8)")
  .argument("<asset>", "stETH, wstETH, rETH, osETH or a token address")
  .argument("<amount>", "amount in token units, e.g. 1.5 (wei with --wei)")
  .option("--receiver <address>", "who gets the trETH (default: the sender)")
  .option("--min-shares <trETH>", "revert if fewer trETH would be minted (default: preview minus 0.5%)")
  .option("--mint", "devnet only: mint the LST to the sender first, once the deposit's simulation succeeds")
  .action(async (assetArg: string, amountArg: string, o: { receiver?: string; minShares?: string; mint?: boolean }) => {
    checkAmountSyntax(amountArg, "amount");
    const receiver = o.receiver === undefined ? undefined : parseAddressArg(o.receiver, "--receiver");
    const minShares = o.minShares === undefined ? undefined : globals().wei ? parseWeiArg(o.minShares, "--min-shares", { allowZero: true }) : parseAmountArg(o.minShares, 18, "--min-shares", { allowZero: true, symbol: "trETH" });
    const { key, source } = requirePrivateKey(loadNetwork({ network: globals().network }), "TRELLIS_USER_KEY");
    const ctx = await makeContext(globals(), (d) => void assetOf({ deployment: d }, assetArg));
    const user = accountFromKey(key);
    ctx.log.debug("user key", { source, address: user.address });
    const token = assetOf(ctx, assetArg);
    const { wei: amount, decimals } = await amountOf(ctx, amountArg, "amount", token);
    const r = await deposit(ctx, { key, asset: { ...token, decimals }, amount, receiver, minShares, mint: o.mint });
    const u = ctx.units;
    ctx.out(
      `deposited ${u.amount(amount, token.symbol, decimals)}: ${u.trEth(r.shares)} minted to ${receiver ?? user.address} (preview ${u.trEth(r.preview)}, minimum ${u.trEth(r.minShares)}; tx ${r.hash})`,
      { asset: token.token, symbol: token.symbol, amount, shares: r.shares, preview: r.preview, minShares: r.minShares, approval: r.approval.method, approvalHash: r.approval.hash, minted: r.minted, hash: r.hash },
    );
  });

const preview = program.command("preview").description("what a deposit would mint or a withdrawal pay, from the contracts' views (sends nothing)");
preview
  .command("deposit")
  .argument("<asset>", "stETH, wstETH, rETH, osETH or a token address")
  .argument("<amount>", "amount in token units (wei with --wei)")
  .action(async (assetArg: string, amountArg: string) => {
    checkAmountSyntax(amountArg, "amount");
    const ctx = await makeContext(globals(), (d) => void assetOf({ deployment: d }, assetArg));
    const token = assetOf(ctx, assetArg);
    const { wei: amount, decimals } = await amountOf(ctx, amountArg, "amount", token);
    const p = await readDepositPreview(ctx, token, amount);
    const u = ctx.units;
    ctx.out(`depositing ${u.amount(amount, token.symbol, decimals)} mints ${u.trEth(p.shares)} worth ${u.eth(p.ethValue)} at ${u.rate(p.rate)} (the CLI's default minimum: ${u.trEth(p.minShares)})`, p);
  });
preview
  .command("withdraw")
  .argument("<trETH>", "trETH to withdraw (wei with --wei)")
  .requiredOption("--asset <asset>", "LST to be paid in")
  .option("--address <address>", "whose balance to compare with (default: the user key's address)")
  .action(async (sharesArg: string, o: { asset: string; address?: string }) => {
    const shares = globals().wei ? parseWeiArg(sharesArg, "trETH") : parseAmountArg(sharesArg, 18, "trETH", { symbol: "trETH" });
    const holder = o.address ? parseAddressArg(o.address, "--address") : accountFromKey(requirePrivateKey(loadNetwork({ network: globals().network }), "TRELLIS_USER_KEY").key).address;
    const ctx = await makeContext(globals(), (d) => void assetOf({ deployment: d }, o.asset));
    const token = assetOf(ctx, o.asset);
    const p = await readWithdrawPreview(ctx, token, shares, holder);
    const u = ctx.units;
    const note = shares > p.balance ? `; more than the ${u.trEth(p.balance)} ${holder} holds` : "";
    ctx.out(`withdrawing ${u.trEth(shares)} (worth ${u.eth(p.ethValue)}) pays at most ${u.amount(p.amount, token.symbol)} at today's rate and price, paid once finalized${note}`, p);
  });

program
  .command("position")
  .description("trETH held, its ETH value, share of TVL, and open withdrawal requests with their state")
  .argument("[address]", "whose position (default: the user key's address)")
  .action(async (addressArg?: string) => {
    const address = addressArg ? parseAddressArg(addressArg, "address") : accountFromKey(requirePrivateKey(loadNetwork({ network: globals().network }), "TRELLIS_USER_KEY").key).address;
    const ctx = await makeContext(globals());
    const p = await readPosition(ctx, address);
    ctx.out(formatPosition(ctx, p), p);
  });

program
  .command("apr")
  .description("realised APR: the rate's growth over the last 7 and 30 days from RateSynced history, and its parts")
  .option("--days <list>", "comma-separated windows in days", "7,30")
  .option("--from-block <n>", "first block to read RateSynced logs from", "0")
  .action(async (o: { days: string; fromBlock: string }) => {
    const windows = o.days.split(",").map((d) => parseCountArg(d, "--days", { min: 1, max: 3650 }));
    const fromBlock = parseIntegerArg(o.fromBlock, "--from-block");
    const ctx = await makeContext(globals());
    const history = await readRateHistory(ctx.publicClient, ctx.deployment, fromBlock);
    const now = (await ctx.publicClient.getBlock()).timestamp;
    const results = windows.map((d) => realisedApr(history, d, now));
    ctx.out(formatApr(ctx, results, history.length), { syncs: history.length, windows: results });
  });

registerWithdrawCommands(program, globals);

program
  .command("status")
  .description("TVL, rate, allocation per operator, exposure per AVS against caps, withdrawal queue")
  .action(async () => {
    const ctx = await makeContext(globals());
    const s = await readStatus(ctx.publicClient, ctx.deployment);
    const names = existsSync(ctx.network.avsDataPath) ? avsNames(await loadAvsDataFile(ctx.network.avsDataPath)) : undefined;
    const operators = new Map(ctx.deployment.operators.map((o, i) => [o.address.toLowerCase(), `operator ${i + 1}`]));
    ctx.out(formatStatus(s, { avs: names, operators, raw: ctx.units.raw }), statusToJson(s));
  });

program
  .command("plan")
  .description("read the chain, run the strategy engine and print the plan (sends nothing)")
  .option("--avs-data <file>", "AVS data file (default: the network's)")
  .option("--history <file>", "plan-history file (JSON lines; default: next to the deployment file, <deployment>.plan-history.jsonl)")
  .option("--no-record", "compare with the plan history but do not append this plan to it")
  .action(async (o: { avsData?: string; history?: string; record: boolean }) => {
    const ctx = await makeContext(globals());
    const file = o.avsData ?? ctx.network.avsDataPath;
    if (!existsSync(file)) throw new ConfigError(`no AVS data file at ${file}`);
    const state = await readKeeperState(ctx.publicClient, { deployment: ctx.deployment });
    const snapshot = await snapshotForPlanner(ctx.publicClient, { deployment: ctx.deployment, state });
    const p = await makePlan(snapshot, await loadAvsDataFile(file), (ctx.network.engine ?? {}) as Partial<EngineParams>);
    // Realised vs predicted and allocation changes come from the plans this CLI recorded before.
    const historyFile = o.history ?? ctx.network.deploymentPath.replace(/\.json$/, "") + ".plan-history.jsonl";
    const now = { rateWad: state.rate, timestamp: Number(state.timestamp) };
    const records = existsSync(historyFile) ? parseHistory(readFileSync(historyFile, "utf8")) : [];
    p.history = reviewHistory(records, snapshot, now);
    p.warnings.push(...p.history.warnings);
    if (o.record) {
      mkdirSync(dirname(historyFile), { recursive: true });
      appendFileSync(historyFile, JSON.stringify(planRecord(p, snapshot, now)) + "\n");
    }
    if (ctx.json) process.stdout.write(planToJson(p) + "\n");
    else {
      const names = avsNames(await loadAvsDataFile(file));
      process.stdout.write(formatPlan(labelPlan(p, ctx.deployment, names)) + "\n");
    }
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
  .addOption(new Option("--metrics-port <port>", "serve Prometheus metrics on http://127.0.0.1:<port>/metrics (0: any free port)").env("TRELLIS_METRICS_PORT"))
  .addOption(new Option("--metrics-host <host>", "address the metrics server listens on").default("127.0.0.1"))
  .action(async (o: { once?: boolean; dryRun?: boolean; rebalance: boolean; poll?: string; rewardsDir?: string; avsData?: string; metricsPort?: string; metricsHost: string }) => {
    const poll = o.poll === undefined ? undefined : parseSecondsArg(o.poll, "--poll");
    const metricsPort = o.metricsPort === undefined || o.metricsPort === "" ? undefined : Number(parseIntegerArg(o.metricsPort, "--metrics-port", { max: 65_535n }));
    const metricsModule = metricsPort === undefined ? undefined : await import("../keeper/metrics.js");
    const metrics = metricsModule?.createKeeperMetrics();
    const network = loadNetwork({ network: globals().network, rpcUrl: globals().rpcUrl, deploymentFile: globals().deployment });
    const { key, source } = requirePrivateKey(network, "TRELLIS_KEEPER_KEY");
    const log = makeLogger(globals());
    if (network.rpcUrls.length > 1) {
      const deployment = readDeployment(network.deploymentPath);
      const { checks, warnings } = await checkEndpoints({ urls: network.rpcUrls, chainId: deployment.chainId });
      for (const c of checks) if (c.ok) log.info("rpc endpoint", { url: redactRpcUrl(c.url), chainId: c.chainId, head: c.blockNumber, ms: c.ms });
      for (const w of warnings) log.warn(w);
    }
    const ctx = await makeContext(globals(), undefined, metrics ? { wrapTransport: (t, url) => metricsModule!.instrumentTransport(t, metrics, redactRpcUrl(url)) } : {});
    const account = accountFromKey(key);
    ctx.log.info("keeper starting", { network: ctx.network.name, rpc: ctx.network.rpcUrls.map(redactRpcUrl).join(", "), keeper: account.address, key: source, dryRun: !!o.dryRun, once: !!o.once });
    const server = metrics ? await metricsModule!.serveMetrics(metrics, { port: metricsPort!, host: o.metricsHost }) : undefined;
    if (server) ctx.log.info("metrics", { url: server.url });
    const names = existsSync(ctx.network.avsDataPath) ? avsNames(await loadAvsDataFile(ctx.network.avsDataPath)) : undefined;
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
      pollIntervalSeconds: poll ?? ctx.network.pollIntervalSeconds,
      signal: controller.signal,
      metrics,
      avsNames: names,
    }).finally(() => server?.close());
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
    const { line, kind } = describeFailure(e, currentUnits?.revert ?? makeUnits(undefined, globals().wei ?? false).revert);
    if (globals().json) process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: "error", kind, msg: line }) + "\n");
    else process.stderr.write(`error: ${line}\n`);
    process.exitCode = 1;
  }
}

await main();
