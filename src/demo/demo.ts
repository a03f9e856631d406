// `trellis demo` (npm start): its own anvil, the whole devnet deployed, deposits of every LST, then the keeper
// over simulated weeks with LST yield, weekly EigenLayer reward roots, one slashing, a stETH depeg refused at
// the door, and exits: redemptions requested, finalized and claimed, one cancelled, one through the instant lane.
// Ends with a summary table and an HTML report.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { formatEther, parseEther, type Abi, type Address } from "viem";
import { assetRegistryAbi, trETHAbi } from "../abi/generated/index.js";
import { createChainClients } from "../chain/clients.js";
import { decodeRevert } from "../chain/errors.js";
import { loadNetwork } from "../chain/config.js";
import { createLogger } from "../chain/log.js";
import { eth, readStatus, table, type Status } from "../chain/status.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { projectRoot, startAnvil } from "../devnet/anvil.js";
import { deployDevnet } from "../devnet/deploy.js";
import type { Deployment } from "../devnet/deployment.js";
import { runKeeperCycle, type CycleReport, type KeeperOptions } from "../keeper/keeper.js";
import type { EngineParams } from "../strategy/types.js";
import { withProgress } from "./progress.js";
import { renderReport, type WeekPoint } from "./report.js";
import { readRateHistory } from "../chain/apr.js";
import { createSim, SimTxError } from "./sim.js";

export type DemoOptions = {
  weeks?: number;
  /** Weekly LST yield, bps (7 bps/week is about 3.7% a year). */
  weeklyYieldBps?: bigint;
  /** AVS rewards paid per week, as APR on restaked stake. */
  rewardApr?: number;
  slashWeek?: number;
  reportDir?: string;
  write?: (line: string) => void;
};

const WEEK = 7 * 24 * 3600;
const AVS_NAMES = ["data availability", "price oracle", "bridge", "coprocessor", "sequencer"];

export async function runDemo(opts: DemoOptions = {}): Promise<{ reportFile: string; logFile: string; seconds: number }> {
  const t0 = Date.now();
  const say = opts.write ?? ((l: string) => process.stdout.write(l + "\n"));
  const weeks = opts.weeks ?? 12;
  const slashWeek = opts.slashWeek ?? 7;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const reportDir = opts.reportDir ?? join(projectRoot, "reports");
  const runDir = join(reportDir, `demo-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, "keeper.log.jsonl");
  const logStream = createWriteStream(logFile);
  const log = createLogger({ json: true, level: "info", write: (l) => logStream.write(l + "\n") });
  const rewardsDir = join(runDir, "rewards");
  const step = (s: string) => say(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${s}`);

  step("starting anvil");
  const anvil = await startAnvil();
  const stopAnvil = () => void anvil.stop();
  process.once("SIGINT", stopAnvil);
  try {
    step(`deploying EigenLayer devnet, LSTs, Trellis, Safe and timelock to ${anvil.rpcUrl} (forge script, ~35 s)`);
    const deployment = await withProgress("forge script DeployDevnet", deployDevnet({ rpcUrl: anvil.rpcUrl }));
    const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, name: "devnet", pollingIntervalMs: 20 });
    const sim = createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment });
    step(`deployed: vault ${deployment.trellis.vault}, ${deployment.operators.length} operators, ${deployment.avss.length} AVSs`);

    step("seeding: 100 stETH of outside stake delegated to each operator");
    await withProgress("seeding", sim.seedOutsideStake(parseEther("100")));

    const [alice, bob] = sim.users as [typeof sim.users[0], typeof sim.users[0]];
    const deposits: [typeof alice, string, bigint][] = [
      [alice, "stETH", parseEther("120")],
      [alice, "wstETH", parseEther("60")],
      [alice, "rETH", parseEther("50")],
      [bob, "osETH", parseEther("80")],
      [bob, "stETH", parseEther("40")],
      [bob, "rETH", parseEther("30")],
    ];
    for (const [user, symbol, amount] of deposits) {
      const minted = await sim.mintLst(symbol, user, amount);
      const shares = await sim.deposit(user, symbol, minted);
      step(`deposit: ${user === alice ? "alice" : "bob"} ${formatEther(minted)} ${symbol} -> ${eth(shares)} trETH`);
    }

    const keeper: KeeperOptions = {
      publicClient,
      account: devnetAccount(DEVNET_KEY_INDEX.keeper) as never,
      deployment,
      log,
      gasPriceCap: parseEther("0.0000001"),
      rewardsDir,
      avsDataFile: join(projectRoot, "config", "avs-data", "devnet.json"),
      // The devnet network's engine settings, as `trellis --network devnet keeper` plans with (the engine's
      // defaults are for real AVS data: on the devnet's toy AVSs their tail-risk priors make no stake pay).
      engineParams: (loadNetwork({ network: "devnet" }).engine ?? {}) as Partial<EngineParams>,
      rebalance: true,
      minSyncIntervalSeconds: 3600,
      finalizeBatch: 50,
    };
    const cycle = async (label: string): Promise<CycleReport> => {
      const r = await runKeeperCycle(keeper);
      const counts = countActions([r]);
      const bad = r.actions.filter((a) => a.status !== "confirmed");
      step(`keeper ${label}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ") || "nothing to do"}${bad.length ? ` (${bad.map((b) => `${b.kind} ${b.status}: ${b.error}`).join("; ")})` : ""}`);
      return r;
    };

    const avsLabel = new Map(deployment.avss.map((a, i) => [a.address.toLowerCase(), AVS_NAMES[i] ?? `avs ${i}`]));
    const points: WeekPoint[] = [];
    const record = (week: number, status: Status, reports: CycleReport[], events: string[]) =>
      points.push({
        week,
        rate: Number(formatEther(status.rate)),
        tvl: Number(formatEther(status.totalAssets)),
        operators: status.operators.map((o, i) => ({ label: `op${i} ${o.operator.slice(0, 6)}`, stake: Number(formatEther(o.active + o.queued)) })),
        avs: status.avs.map((a) => ({ label: avsLabel.get(a.key) ?? a.key.slice(0, 8), exposure: Number(formatEther(a.exposure)), cap: Number(formatEther(a.cap)) })),
        actions: countActions(reports),
        events,
      });

    step("keeper: first cycle (allocates from the buffer, within the turnover cap)");
    const first = [await cycle("week 0")];
    record(0, await readStatus(publicClient, deployment), first, ["deposits"]);

    const cumulative = new Map<Address, bigint>();
    const rewardToken = sim.token("rETH");
    const activation = await sim.activationDelay();
    const requests: { user: typeof alice; name: string; id: bigint; symbol: string }[] = [];
    const claimed: string[] = [];

    for (let week = 1; week <= weeks; week++) {
      const events: string[] = [];
      // A week passes: 101 blocks, so EigenLayer withdrawals queued last week are completable.
      await sim.advance(WEEK - activation, 101);
      await sim.accrueYield(opts.weeklyYieldBps ?? 7n);

      // Weekly AVS rewards (in rETH) to Trellis' delegators, pro rata to their restaked stake.
      const status = await readStatus(publicClient, deployment);
      const rEthPrice = (await sim.read<bigint>(deployment.trellis.assetRegistry, assetRegistryAbi as Abi, "price", [rewardToken]));
      let newRewards = 0n;
      for (const o of status.operators) {
        const stake = o.active + o.queued;
        if (stake === 0n) continue;
        const ethReward = (stake * BigInt(Math.round((opts.rewardApr ?? 0.05) * 1e6))) / 52n / 1_000_000n;
        const units = (ethReward * 10n ** 18n) / rEthPrice;
        cumulative.set(o.delegator, (cumulative.get(o.delegator) ?? 0n) + units);
        newRewards += units;
      }
      if (newRewards > 0n) {
        await sim.publishRewards({
          dir: rewardsDir,
          distribution: [...cumulative].map(([earner, amount]) => ({ earner, tokens: [{ token: rewardToken, cumulativeEarnings: amount }] })),
          newRewards,
          rewardToken,
          label: `week-${String(week).padStart(2, "0")}`,
        });
        events.push(`reward root (${eth(newRewards, 3)} rETH)`);
      }
      await sim.advance(activation + 1, 1);

      if (week === slashWeek) {
        const target = pickSlashTarget(deployment, status);
        if (target) {
          await sim.slash({ avsIndex: target.avsIndex, operatorSetId: target.operatorSetId, operator: target.operator, wad: parseEther("0.5"), description: "demo: equivocation" });
          const label = `slash: ${AVS_NAMES[target.avsIndex]} set ${target.operatorSetId} slashed operator ${target.operator.slice(0, 8)} by 50% of its allocation`;
          events.push(label);
          step(label);
        }
      }
      const balance = (who: typeof alice) => sim.read<bigint>(deployment.trellis.trETH, trETHAbi as Abi, "balanceOf", [who.address]);
      if (week === 2) events.push(await showDepeg(sim, alice));
      if (week === 3) {
        const shares = ((await balance(bob)) * 3n) / 10n;
        requests.push({ user: bob, name: "bob", id: await sim.requestRedeem(bob, shares, "stETH"), symbol: "stETH" });
        events.push(`bob requests ${eth(shares, 2)} trETH in stETH`);
      }
      if (week === 4) {
        // Alice asks for rETH, changes her mind before it is paid, and gets her escrowed trETH back exactly.
        const shares = (await balance(alice)) / 10n;
        const id = await sim.requestRedeem(alice, shares, "rETH");
        const before = await balance(alice);
        await sim.cancelRedeem(alice, id, "rETH");
        events.push(`alice requests #${id} (${eth(shares, 2)} trETH) and cancels it: ${eth((await balance(alice)) - before, 2)} trETH back`);
      }
      if (week === 5) {
        const shares = ((await balance(alice)) * 2n) / 10n;
        requests.push({ user: alice, name: "alice", id: await sim.requestRedeem(alice, shares, "rETH"), symbol: "rETH" });
        events.push(`alice requests ${eth(shares, 2)} trETH in rETH`);
      }
      if (week === 6) {
        // Bob cannot wait: the instant lane pays at once from idle, for a fee that stays with the holders.
        const shares = (await balance(bob)) / 100n;
        const { assets, fee } = await sim.instantRedeem(bob, shares, "stETH");
        events.push(`bob redeems ${eth(shares, 3)} trETH instantly: ${eth(assets, 3)} stETH, fee ${eth(fee, 4)} ETH`);
      }
      for (const e of events) if (!e.startsWith("slash")) step(`week ${week}: ${e}`);

      const reports = [await cycle(`week ${week}`)];

      // Users claim what the keeper finalized (claims are pooled per user and asset).
      for (const r of requests.filter((x) => !claimed.includes(`${x.id}`))) {
        const amount = await sim.claimRedeem(r.user, r.symbol);
        if (amount > 0n) {
          claimed.push(`${r.id}`);
          const e = `${r.name} claims request #${r.id}: ${eth(amount)} ${r.symbol}`;
          events.push(e);
          step(`week ${week}: ${e}`);
        }
      }
      const after = await readStatus(publicClient, deployment);
      record(week, after, reports, events);
      step(`week ${week}: rate ${eth(after.rate, 6)}, TVL ${eth(after.totalAssets, 2)} ETH`);
    }

    const final = await readStatus(publicClient, deployment);
    const totals = countActions([]);
    for (const p of points) for (const [k, v] of Object.entries(p.actions)) totals[k] = (totals[k] ?? 0) + v;
    const summary = [
      table(
        ["week", "rate ETH/trETH", "TVL ETH", "actions", "events"],
        points.map((p) => [String(p.week), p.rate.toFixed(6), p.tvl.toFixed(3), Object.entries(p.actions).map(([k, v]) => `${k}:${v}`).join(" "), p.events.join("; ").slice(0, 110)]),
      ),
      "",
      table(
        ["AVS", "exposure ETH", "cap ETH", "used"],
        final.avs.map((a) => [avsLabel.get(a.key) ?? a.key, eth(a.exposure, 2), eth(a.cap, 2), a.cap ? `${((Number(a.exposure) * 100) / Number(a.cap)).toFixed(0)}%` : "-"]),
      ),
      "",
      `keeper actions in total: ${Object.entries(totals).map(([k, v]) => `${k} ${v}`).join(", ")}`,
      `redemption requests: ${requests.length} made and kept, ${claimed.length} claimed, 1 cancelled, 1 instant exit; pending ${final.queue.pending}`,
      `rate: ${points[0]!.rate.toFixed(6)} -> ${points[points.length - 1]!.rate.toFixed(6)} ETH/trETH over ${weeks} weeks`,
    ].join("\n");
    const seconds = (Date.now() - t0) / 1000;
    const reportFile = join(reportDir, `demo-${stamp}.html`);
    writeFileSync(
      reportFile,
      await renderReport({
        weeks: points,
        summary,
        title: `Trellis devnet demo, ${weeks} simulated weeks`,
        meta: { date: new Date().toISOString(), "wall time": `${seconds.toFixed(1)} s`, vault: deployment.trellis.vault, "keeper log": relative(reportDir, logFile) },
        rateHistory: await readRateHistory(publicClient, deployment),
        now: (await publicClient.getBlock()).timestamp,
      }),
    );
    say("\n" + summary + "\n");
    say(`report: ${relative(process.cwd(), reportFile)}`);
    say(`keeper log (JSON lines): ${relative(process.cwd(), logFile)}`);
    say(`demo done in ${seconds.toFixed(1)} s`);
    return { reportFile, logFile, seconds };
  } finally {
    process.removeListener("SIGINT", stopAnvil);
    await anvil.stop();
    await new Promise<void>((ok) => logStream.end(ok));
  }
}

/**
 * A stETH depeg at the door: the market feed drops to 0.95 ETH, a stETH deposit is refused (MarketPriceDiverged,
 * so discounted stETH cannot be swapped into rETH at Lido's rate), then the feed is restored.
 */
async function showDepeg(sim: ReturnType<typeof createSim>, user: ReturnType<typeof createSim>["users"][number]): Promise<string> {
  await sim.refresh(); // fresh holdings, so the market guard is what refuses it
  const minted = await sim.mintLst("stETH", user, parseEther("5"));
  await sim.setStEthMarketPrice(parseEther("0.95"));
  let refused = "not refused (unexpected)";
  try {
    await sim.deposit(user, "stETH", minted);
  } catch (e) {
    const name = decodeRevert(e)?.errorName ?? (e instanceof SimTxError ? /reverted: (\w+)/.exec(e.message)?.[1] : undefined);
    if (!name) throw e;
    refused = `refused: ${name}`;
  } finally {
    await sim.setStEthMarketPrice(parseEther("1"));
  }
  return `stETH market at 0.95 ETH: a 5 stETH deposit is ${refused}; feed restored`;
}

function countActions(reports: CycleReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of reports) for (const a of r.actions) if (a.status === "confirmed") out[a.kind] = (out[a.kind] ?? 0) + 1;
  return out;
}

/** The operator with the most Trellis stake among those allocated to an AVS set, so the slashing shows in the rate. */
function pickSlashTarget(deployment: Deployment, status: Status): { avsIndex: number; operatorSetId: number; operator: Address } | undefined {
  const config = JSON.parse(readFileSync(join(projectRoot, "script", "config", "devnet.json"), "utf8")) as {
    allocations: { operator: number[]; avs: number[]; operatorSetId: number[] };
  };
  const a = config.allocations;
  let best: { avsIndex: number; operatorSetId: number; operator: Address; stake: bigint } | undefined;
  for (let i = 0; i < a.operator.length; i++) {
    const op = deployment.operators[a.operator[i]!];
    if (!op) continue;
    const row = status.operators.find((o) => o.operator === op.address);
    const stake = row ? row.active : 0n;
    if (!best || stake > best.stake) best = { avsIndex: a.avs[i]!, operatorSetId: a.operatorSetId[i]!, operator: op.address, stake };
  }
  return best && best.stake > 0n ? best : undefined;
}
