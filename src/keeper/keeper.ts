// The keeper: each cycle reads the chain once (`readChain`: one snapshot for the phases and the strategy
// engine), then runs its phases in order, each a pure decision from that snapshot (phases.ts) whose actions
// the executor simulates, sends, waits for and checks (executor.ts): claim rewards, complete matured
// EigenLayer withdrawals, tend undelegated or retired delegators, refresh the delegators' holdings, sync the
// rate, finalize every payable redemption request, queue EigenLayer withdrawals for what the requests still
// need, refresh the RiskRegistry caches that are above live exposure, rebalance. Only a phase that changed the chain makes the next one decide from a fresh read.
// Nothing is remembered between cycles, so a crash at any point is safe to restart.
import { existsSync } from "node:fs";
import type { PrivateKeyAccount } from "viem/accounts";
import type { ChainSnapshot } from "../chain/chainSnapshot.js";
import { describeError } from "../chain/errors.js";
import type { Logger } from "../chain/log.js";
import { sleep, StopError, type RetryOptions } from "../chain/retry.js";
import type { SendContext } from "../chain/send.js";
import { readStatus } from "../chain/status.js";
import type { Deployment } from "../devnet/deployment.js";
import { loadAvsDataFile } from "../strategy/avsData.js";
import { plan as makePlan, type Plan } from "../strategy/plan.js";
import type { EngineParams } from "../strategy/types.js";
import { createExecutor, type ActionRecord } from "./executor.js";
import type { KeeperMetrics } from "./metrics.js";
import { recordState } from "./metricsRecord.js";
import {
  completionsPhase,
  DEFAULT_PHASE_CONFIG,
  exposurePhase,
  finalizePhase,
  fundingPhase,
  rebalancePhase,
  refreshPhase,
  rewardsPhase,
  strandedPhase,
  syncPhase,
  type Decision,
  type PhaseConfig,
} from "./phases.js";
import { plannerSnapshot } from "./plannerSnapshot.js";
import { readChain, type Client, type KeeperState } from "./readState.js";
import { findRewardClaims } from "./rewards.js";

export type { ActionRecord } from "./executor.js";
export type { ActionKind } from "./phases.js";

export type KeeperOptions = {
  publicClient: Client;
  account: PrivateKeyAccount;
  deployment: Deployment;
  log: Logger;
  gasPriceCap: bigint;
  rewardsDir?: string | undefined;
  avsDataFile?: string | undefined;
  /** Most request ids per `finalize(ids)` transaction. */
  finalizeBatch?: number;
  /** Delegators per `refresh(n)` transaction (each refreshes every held asset of a delegator). */
  refreshBatch?: number;
  /** A full refresh round once the last is this old (default: a quarter of the vault's `maxMeasurementAge`). */
  refreshIntervalSeconds?: number;
  dryRun?: boolean;
  /** Min seconds between syncs that only raise the rate (a loss is synced at once). */
  minSyncIntervalSeconds?: number;
  /** Rebalance with the strategy engine (needs `avsDataFile`). */
  rebalance?: boolean;
  /**
   * Before rebalancing, most delegators whose RiskRegistry cache is above their live exposure refreshed per
   * cycle (one `refreshMany`); 0 turns it off. Default 10.
   */
  exposureRefreshBatch?: number;
  /** Wei a cached exposure may be above the live one and still count as rounding (default 1e6). */
  exposureToleranceWei?: bigint;
  /**
   * Engine knobs. The RiskRegistry's operator policy read from chain (minimum allocation delay, operators
   * refused new stake, allowlisted redistributing sets) overrides their mirrors here.
   */
  engineParams?: Partial<EngineParams>;
  retry?: RetryOptions;
  signal?: AbortSignal | undefined;
  /** Prometheus metrics to update (actions as they happen, the protocol's state after each cycle). */
  metrics?: KeeperMetrics | undefined;
  /** AVS names for metric labels. */
  avsNames?: Map<string, string> | undefined;
};

export type CycleReport = {
  blockNumber: bigint;
  actions: ActionRecord[];
  plan?: Plan | undefined;
  notes: string[];
  /** Chain snapshots read this cycle: 1, plus one after each phase that changed the chain. */
  reads: number;
  /** The last snapshot read: the chain as the cycle left it. */
  chain: ChainSnapshot;
};

export async function runKeeperCycle(opts: KeeperOptions): Promise<CycleReport> {
  const { publicClient, deployment, log } = opts;
  const retry: RetryOptions = { ...opts.retry, signal: opts.signal, onRetry: (e, attempt, delayMs) => log.warn("rpc error, retrying", { attempt, delayMs, error: describeError(e) }) };
  const send: SendContext = { publicClient, account: opts.account, log, gasPriceCap: opts.gasPriceCap, dryRun: opts.dryRun ?? false, retry };
  const executor = createExecutor({ send, deployment, log, metrics: opts.metrics, signal: opts.signal });
  const config: PhaseConfig = {
    refreshBatch: opts.refreshBatch ?? DEFAULT_PHASE_CONFIG.refreshBatch,
    refreshIntervalSeconds: opts.refreshIntervalSeconds,
    minSyncIntervalSeconds: opts.minSyncIntervalSeconds ?? DEFAULT_PHASE_CONFIG.minSyncIntervalSeconds,
    finalizeBatch: opts.finalizeBatch ?? DEFAULT_PHASE_CONFIG.finalizeBatch,
    exposureRefreshBatch: opts.exposureRefreshBatch ?? DEFAULT_PHASE_CONFIG.exposureRefreshBatch,
    exposureToleranceWei: opts.exposureToleranceWei ?? DEFAULT_PHASE_CONFIG.exposureToleranceWei,
  };
  const read = () => readChain(publicClient, { deployment, retry });
  let chain = await read();
  let reads = 1;
  const blockNumber = chain.blockNumber;
  const actions: ActionRecord[] = [];
  const notes: string[] = [];

  /** Decides from the current snapshot, sends, and reads again only if the chain changed. */
  const phase = async (decide: (state: KeeperState) => Decision | Promise<Decision>) => {
    if (opts.signal?.aborted) throw new StopError("stopped");
    const decision = await decide(chain.keeper);
    notes.push(...decision.notes);
    const records = await executor.run(decision);
    actions.push(...records);
    if (records.some((r) => r.status === "confirmed")) {
      chain = await read();
      reads++;
    }
  };

  if (opts.rewardsDir) {
    const rewardsDir = opts.rewardsDir;
    await phase(async (state) => {
      const { claims, errors } = await findRewardClaims(publicClient, { coordinator: deployment.eigenlayer.rewardsCoordinator, rewardsDir, state, retry });
      for (const e of errors) log.warn("unreadable distribution file", e);
      return rewardsPhase(claims);
    });
  }
  await phase(completionsPhase);
  await phase(strandedPhase);
  await phase((state) => refreshPhase(state, config));
  await phase((state) => syncPhase(state, config));
  await phase((state) => finalizePhase(state, config));
  await phase(fundingPhase);

  let plan: Plan | undefined;
  if (opts.rebalance && opts.avsDataFile && existsSync(opts.avsDataFile)) {
    // The caps' aggregates brought down to live values, so the engine plans on what the chain will check.
    await phase(() => exposurePhase(chain.exposure, config));
    try {
      const avsData = await loadAvsDataFile(opts.avsDataFile);
      plan = await makePlan(plannerSnapshot(chain.engine(), chain.keeper), avsData, opts.engineParams ?? {});
    } catch (e) {
      notes.push(`no rebalance: ${describeError(e)}`);
      log.warn("strategy engine made no plan", { error: describeError(e) });
    }
    if (plan) {
      const made = plan;
      log.info("plan", { actions: made.actions.length, reason: made.reason, gainEth: made.gainEth, costEth: made.costEth });
      await phase((state) => rebalancePhase(state, made));
    }
  }
  return { blockNumber, actions, plan, notes, reads, chain };
}

export type RunKeeperOptions = KeeperOptions & { once?: boolean; pollIntervalSeconds: number };

/** Runs cycles until `signal` aborts (SIGINT) or, with `once`, one cycle. A failed cycle is logged and retried next poll. */
export async function runKeeper(opts: RunKeeperOptions): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  for (;;) {
    try {
      const report = await runKeeperCycle(opts);
      reports.push(report);
      if (opts.metrics) await updateStateMetrics(opts, opts.metrics, report.chain);
      opts.log.info("cycle done", {
        block: report.blockNumber,
        sent: report.actions.filter((a) => a.status === "confirmed").length,
        failed: report.actions.filter((a) => a.status === "rejected" || a.status === "reverted").length,
      });
      if (opts.once) return reports;
    } catch (e) {
      if (e instanceof StopError) break;
      opts.log.error("cycle failed", { error: describeError(e) });
      opts.metrics?.cycles.inc({ outcome: "failed" });
      opts.metrics?.errors.inc({ kind: "cycle" });
      if (opts.once) throw e;
    }
    try {
      await sleep(opts.pollIntervalSeconds * 1000, opts.signal);
    } catch {
      break;
    }
  }
  opts.log.info("keeper stopped");
  return reports;
}

/** The state gauges, from the snapshot the cycle ended on (no read of its own). A failure is logged, never fatal. */
async function updateStateMetrics(opts: KeeperOptions, metrics: KeeperMetrics, chain: ChainSnapshot): Promise<void> {
  try {
    const status = await readStatus(opts.publicClient, opts.deployment, chain.keeper);
    recordState(metrics, { state: chain.keeper, status, avsNames: opts.avsNames });
    metrics.cycles.inc({ outcome: "ok" });
    metrics.lastCycle.set(Date.now() / 1000);
  } catch (e) {
    metrics.errors.inc({ kind: "metrics" });
    opts.log.warn("metrics read failed", { error: describeError(e) });
  }
}
