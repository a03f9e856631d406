#!/usr/bin/env node
// `trellis`: the command line of Trellis (devnet, demo, deposits and withdrawals, status, plans, keeper).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { accountFromKey } from "../chain/clients.js";
import { ConfigError, requirePrivateKey } from "../chain/config.js";
import { describeError } from "../chain/errors.js";
import { avsNames, formatStatus, readStatus, statusToJson } from "../chain/status.js";
import { runKeeper } from "../keeper/keeper.js";
import { readKeeperState } from "../keeper/readState.js";
import { snapshotForPlanner } from "../keeper/plannerSnapshot.js";
import { formatPlan, loadAvsDataFile, plan as makePlan, planToJson, type EngineParams } from "../strategy/index.js";
import { makeContext, makeLogger, type GlobalOptions } from "./context.js";
import { depositCommand, registerWithdrawCommands, type DepositOptions } from "./withdraw.js";

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
  .description("deposit an LST through its entry and receive trETH (key: TRELLIS_USER_KEY; devnet default: user key, index 8)")
  .argument("<asset>", "stETH, wstETH, rETH, osETH or a token address")
  .argument("<amount>", "amount in token units, e.g. 1.5")
  .option("--receiver <address>", "who gets the trETH (default: the sender)")
  .option("--min-shares <trETH>", "revert if fewer trETH would be minted (default: preview minus 0.5%)")
  .option("--mint", "devnet only: have the deployer mint the LST to the sender first")
  .action(async (assetArg: string, amountArg: string, o: DepositOptions) => depositCommand(globals(), assetArg, amountArg, o));

registerWithdrawCommands(program, globals);

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
