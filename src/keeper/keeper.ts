// The keeper: each cycle reads the chain, decides, simulates each action with eth_call, sends, waits and
// checks. Phases run in order, each on a fresh read: claim rewards, complete matured EigenLayer withdrawals,
// refresh the delegators' holdings (a full round: deposits need a fresh one), sync the rate, finalize every
// payable redemption request, queue EigenLayer withdrawals for what the requests still need, rebalance.
// Nothing is remembered between cycles, so a crash at any point is safe to restart.
import { existsSync } from "node:fs";
import { parseEventLogs, type Abi, type Hash } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { riskRegistryAbi, strategyBaseAbi, vaultAbi, withdrawalQueueAbi } from "../abi/generated/index.js";
import { describeError } from "../chain/errors.js";
import { formatAmount, formatEth } from "../chain/format.js";
import type { Logger } from "../chain/log.js";
import { sleep, StopError, withRetry, type RetryOptions } from "../chain/retry.js";
import { sendCall, type ContractCall, type SendContext } from "../chain/send.js";
import type { Deployment } from "../devnet/deployment.js";
import { loadAvsDataFile } from "../strategy/avsData.js";
import { plan as makePlan, type Plan } from "../strategy/plan.js";
import type { EngineParams } from "../strategy/types.js";
import { assetOfStrategy, depositSharesFor, maturedWithdrawals, refreshDecision, removableDelegators, shouldSync, strandedDelegators } from "./decide.js";
import { finalizableIds, pickWithdrawals, redemptionShortfalls, refreshCalls } from "./redemptions.js";
import { findRewardClaims } from "./rewards.js";
import { readKeeperState, type Client, type KeeperState } from "./readState.js";
import { snapshotForPlanner } from "./plannerSnapshot.js";
import type { KeeperMetrics } from "./metrics.js";
import { recordAction, recordState } from "./metricsRecord.js";
import { readStatus } from "../chain/status.js";

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
  engineParams?: Partial<EngineParams>;
  retry?: RetryOptions;
  signal?: AbortSignal | undefined;
  /** Prometheus metrics to update (actions as they happen, the protocol's state after each cycle). */
  metrics?: KeeperMetrics | undefined;
  /** AVS names for metric labels. */
  avsNames?: Map<string, string> | undefined;
};

export type ActionKind =
  | "claimRewards"
  | "completeWithdrawal"
  | "refresh"
  | "refreshExposure"
  | "removeDelegator"
  | "sync"
  | "finalize"
  | "queueWithdrawal"
  | "allocate";

export type ActionRecord = {
  kind: ActionKind;
  status: "confirmed" | "simulated" | "rejected" | "reverted" | "skipped";
  hash?: Hash | undefined;
  error?: string | undefined;
  details: Record<string, unknown>;
};

/** The event each action must emit (a refresh batch that changes nothing and ends no round emits none). */
const EXPECTED_EVENT: Record<ActionKind, string | undefined> = {
  claimRewards: "RewardsClaimed",
  completeWithdrawal: "DelegatorWithdrawalCompleted",
  refreshExposure: "ExposureRefreshed",
  removeDelegator: "DelegatorRemoved",
  refresh: undefined,
  sync: "RateSynced",
  finalize: "RedeemFinalized",
  queueWithdrawal: "DelegatorWithdrawalQueued",
  allocate: "Allocated",
};

export type CycleReport = { blockNumber: bigint; actions: ActionRecord[]; plan?: Plan | undefined; notes: string[] };

export async function runKeeperCycle(opts: KeeperOptions): Promise<CycleReport> {
  const { publicClient, deployment, log } = opts;
  const retry: RetryOptions = { ...opts.retry, signal: opts.signal, onRetry: (e, attempt, delayMs) => log.warn("rpc error, retrying", { attempt, delayMs, error: describeError(e) }) };
  const send: SendContext = { publicClient, account: opts.account, log, gasPriceCap: opts.gasPriceCap, dryRun: opts.dryRun ?? false, retry };
  const vault = deployment.trellis.vault;
  const actions: ActionRecord[] = [];
  const notes: string[] = [];
  const read = () => readKeeperState(publicClient, { deployment, retry });
  const stopIfAsked = () => {
    if (opts.signal?.aborted) throw new StopError("stopped");
  };

  const act = async (kind: ActionKind, call: ContractCall, details: Record<string, unknown>): Promise<boolean> => {
    stopIfAsked();
    const res = await sendCall(send, call);
    const rec: ActionRecord = { kind, status: res.status, details };
    if (res.status === "confirmed" || res.status === "reverted") rec.hash = res.hash;
    if (res.status === "confirmed") {
      // Check the result: the event the action must emit, from the contract it must come from.
      const events = parseEventLogs({ abi: [...vaultAbi, ...withdrawalQueueAbi, ...riskRegistryAbi] as Abi, logs: res.receipt.logs, strict: false });
      const want = EXPECTED_EVENT[kind];
      const from = (kind === "finalize" ? deployment.trellis.withdrawalQueue : kind === "refreshExposure" ? deployment.trellis.riskRegistry : vault).toLowerCase();
      if (want) {
        const seen = events.filter((e) => e.eventName === want && e.address.toLowerCase() === from).length;
        details.events = seen;
        if (seen === 0) log.warn(`${kind} confirmed without its ${want} event`, { hash: res.hash });
      } else if (kind === "refresh") {
        details.roundCompleted = events.some((e) => e.eventName === "RefreshRoundCompleted" && e.address.toLowerCase() === from);
      }
    }
    if (res.status === "rejected") rec.error = res.revert.text;
    if (res.status === "reverted") rec.error = res.revert?.text ?? "reverted (reason unknown)";
    if (res.status === "skipped") rec.error = res.reason;
    actions.push(rec);
    if (opts.metrics) recordAction(opts.metrics, rec);
    const fields = { action: kind, ...readable(details), hash: rec.hash, error: rec.error };
    if (res.status === "confirmed") log.info(`${kind} confirmed`, fields);
    else if (res.status === "simulated") log.info(`${kind} (dry run: simulated ok, not sent)`, fields);
    else log.warn(`${kind} ${res.status}`, fields);
    return res.status === "confirmed";
  };
  const vaultCall = (functionName: string, args: readonly unknown[]): ContractCall => ({ address: vault, abi: vaultAbi as Abi, functionName, args });

  // 1. Rewards.
  let state = await read();
  const blockNumber = state.blockNumber;
  if (opts.rewardsDir) {
    const { claims, errors } = await findRewardClaims(publicClient, {
      coordinator: deployment.eigenlayer.rewardsCoordinator,
      rewardsDir: opts.rewardsDir,
      state,
      retry,
    });
    for (const e of errors) log.warn("unreadable distribution file", e);
    for (const c of claims) {
      await act("claimRewards", vaultCall("claimRewards", [c.delegator, c.claim]), {
        delegator: c.delegator,
        rootIndex: c.rootIndex,
        tokens: c.tokens.map((t) => `${t.token}:${t.amount}`),
      });
    }
  }

  // 2. Matured EigenLayer withdrawals.
  if (actions.length) state = await read();
  for (const q of maturedWithdrawals(state)) {
    const asset = assetOfStrategy(state, q.withdrawal.strategies[0]!);
    if (!asset) {
      notes.push(`withdrawal ${q.root} is in a strategy with no supported asset`);
      continue;
    }
    await act("completeWithdrawal", vaultCall("completeDelegatorWithdrawal", [q.delegator, q.withdrawal, asset.asset]), {
      delegator: q.delegator,
      root: q.root,
      asset: asset.symbol,
      amount: q.underlying[0],
    });
  }

  // 2b. Delegators that get no new stake: forced undelegations and retirements.
  state = await read();
  await tendStrandedDelegators(state, { act, log, notes, deployment });

  // 3. Holdings: a full refresh round (resumable) when the last is getting old, so deposits stay open, or the
  // delegators a slash has moved, so the loss is booked now.
  state = await read();
  const batch = opts.refreshBatch ?? 50;
  const intervalSeconds = opts.refreshIntervalSeconds !== undefined ? BigInt(opts.refreshIntervalSeconds) : state.maxMeasurementAge / 4n;
  const refresh = refreshDecision(state, { intervalSeconds, batch });
  if (refresh.kind === "round") {
    for (let i = 0, calls = refreshCalls(state.delegators.length, batch) + 1; i < calls; i++) {
      const confirmed = await act("refresh", vaultCall("refresh", [BigInt(batch)]), { batch, delegators: state.delegators.length });
      if (!confirmed || actions[actions.length - 1]!.details.roundCompleted) break;
    }
  } else if (refresh.kind === "delegators") {
    for (const d of refresh.delegators) await act("refresh", vaultCall("refreshDelegator", [d]), { delegator: d, reason: "holdings moved" });
  }

  // 4. Rate.
  state = await read();
  if (shouldSync(state, opts.minSyncIntervalSeconds ?? 3600)) {
    await act("sync", vaultCall("sync", []), { totalAssets: state.totalAssets, marked: state.measuredTotalAssets });
  }

  // 5. Finalize every matured request idle can pay, oldest first, in batches.
  state = await read();
  const ids = finalizableIds(state);
  const perTx = opts.finalizeBatch ?? 50;
  for (let i = 0; i < ids.length; i += perTx) {
    const chunk = ids.slice(i, i + perTx);
    await act(
      "finalize",
      { address: deployment.trellis.withdrawalQueue, abi: withdrawalQueueAbi as Abi, functionName: "finalize", args: [chunk] },
      { ids: chunk.map(String), pending: state.queue.pending.length },
    );
  }

  // 6. Queue EigenLayer withdrawals for what pending requests need beyond idle and what is already queued.
  state = await read();
  for (const s of redemptionShortfalls(state)) {
    if (s.shortfall === 0n) continue;
    if (s.idle + s.inFlight + s.restaked < s.need) {
      // Rare (a slash after the requests were made): the requests in this asset wait, are cancelled or re-targeted
      // by their controllers; nobody else waits for them.
      log.warn("pending requests need more of an asset than Trellis holds", { asset: s.symbol, need: s.need, idle: s.idle, inFlight: s.inFlight, restaked: s.restaked });
      notes.push(`requests need ${s.need} ${s.symbol}, Trellis holds ${s.idle + s.inFlight + s.restaked}`);
    }
    for (const pick of pickWithdrawals(state, s)) {
      const wShares = await withRetry(
        () => publicClient.readContract({ address: pick.strategy, abi: strategyBaseAbi, functionName: "underlyingToSharesView", args: [pick.amount] }),
        retry,
      );
      const depositShares = depositSharesFor(pick, wShares + 1n);
      if (depositShares === 0n) continue;
      await act("queueWithdrawal", vaultCall("queueDelegatorWithdrawal", [pick.delegator, pick.asset, depositShares]), {
        delegator: pick.delegator,
        asset: s.symbol,
        amount: pick.amount,
        depositShares,
        need: s.need,
        idle: s.idle,
        inFlight: s.inFlight,
        reason: "redemptions",
      });
    }
  }

  // 7. Rebalance with the strategy engine.
  let plan: Plan | undefined;
  if (opts.rebalance && opts.avsDataFile && existsSync(opts.avsDataFile)) {
    state = await read();
    try {
      plan = await planFromChain(opts, state);
    } catch (e) {
      notes.push(`no rebalance: ${describeError(e)}`);
      log.warn("strategy engine made no plan", { error: describeError(e) });
    }
    if (plan) {
      log.info("plan", { actions: plan.actions.length, reason: plan.reason, gainEth: plan.gainEth, costEth: plan.costEth });
      const stranded = new Set(strandedDelegators(state).map((x) => x.delegator.toLowerCase()));
      for (const a of plan.actions) {
        const asset = assetOfStrategy(state, a.strategy);
        if (!asset) continue;
        if (a.type === "allocate") {
          if (a.assetAmount === 0n) continue;
          if (stranded.has(a.delegator.toLowerCase())) {
            // The vault would refuse it (DelegatorNotDelegated / RetiredDelegator): no stake is sent.
            notes.push(`no stake sent to ${a.delegator}: undelegated from its operator or retired`);
            continue;
          }
          await act("allocate", vaultCall("allocate", [a.delegator, asset.asset, a.assetAmount]), {
            delegator: a.delegator,
            operator: a.operator,
            asset: asset.symbol,
            amount: a.assetAmount,
          });
        } else if (a.type === "queueWithdrawal") {
          const position = state.delegators.find((d) => d.address.toLowerCase() === a.delegator.toLowerCase())?.positions.find((p) => p.strategy === asset.strategy);
          if (!position) continue;
          const wShares = await withRetry(
            () => publicClient.readContract({ address: asset.strategy, abi: strategyBaseAbi, functionName: "underlyingToSharesView", args: [a.assetAmount] }),
            retry,
          );
          const depositShares = depositSharesFor({ delegator: a.delegator, asset: asset.asset, strategy: asset.strategy, amount: a.assetAmount, withdrawableShares: position.withdrawableShares, depositShares: position.depositShares }, wShares);
          if (depositShares === 0n) continue;
          await act("queueWithdrawal", vaultCall("queueDelegatorWithdrawal", [a.delegator, asset.asset, depositShares]), {
            delegator: a.delegator,
            asset: asset.symbol,
            amount: a.assetAmount,
            reason: "rebalance",
          });
        }
        // completeWithdrawal is phase 2's job; a "deposit" of completed tokens is an allocate of the next cycle,
        // since completed withdrawals come back to the vault's idle buffer in Trellis.
      }
    }
  }
  return { blockNumber, actions, plan, notes };
}

type Act = (kind: ActionKind, call: ContractCall, details: Record<string, unknown>) => Promise<boolean>;

/**
 * A forced undelegation (the operator undelegated Trellis' delegator on EigenLayer) or a retirement: the
 * delegator gets no new stake (the rebalance skips it, the vault would refuse it), its queued withdrawals are
 * completed by phase 2 once matured, the RiskRegistry's cached exposure is refreshed if it predates the change,
 * and a retired delegator that holds nothing any more is removed.
 */
async function tendStrandedDelegators(
  state: KeeperState,
  ctx: { act: Act; log: Logger; notes: string[]; deployment: Deployment },
): Promise<void> {
  for (const s of strandedDelegators(state)) {
    if (s.reason === "forcedUndelegation") {
      ctx.log.warn("forced undelegation detected: no new stake; its withdrawals are completed after EigenLayer's delay", {
        delegator: s.delegator,
        operator: s.operator,
        delegatedTo: s.delegatedTo,
      });
      ctx.notes.push(`forced undelegation of ${s.delegator} (operator ${s.operator})`);
    }
    if (!s.staleExposure) continue;
    await ctx.act(
      "refreshExposure",
      { address: ctx.deployment.trellis.riskRegistry, abi: riskRegistryAbi as Abi, functionName: "refresh", args: [s.delegator] },
      { delegator: s.delegator, reason: s.reason },
    );
  }
  for (const delegator of removableDelegators(state)) {
    await ctx.act("removeDelegator", { address: ctx.deployment.trellis.vault, abi: vaultAbi as Abi, functionName: "removeDelegator", args: [delegator] }, { delegator });
  }
}

async function planFromChain(opts: KeeperOptions, state: KeeperState): Promise<Plan> {
  const avsData = await loadAvsDataFile(opts.avsDataFile!);
  const snapshot = await snapshotForPlanner(opts.publicClient, { deployment: opts.deployment, state });
  return makePlan(snapshot, avsData, opts.engineParams ?? {});
}

export type RunKeeperOptions = KeeperOptions & { once?: boolean; pollIntervalSeconds: number };

/** Runs cycles until `signal` aborts (SIGINT) or, with `once`, one cycle. A failed cycle is logged and retried next poll. */
export async function runKeeper(opts: RunKeeperOptions): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  for (;;) {
    try {
      const report = await runKeeperCycle(opts);
      reports.push(report);
      if (opts.metrics) await updateStateMetrics(opts, opts.metrics);
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

/** One read of the chain for the state gauges, after a cycle. A failed read is logged, never fatal. */
async function updateStateMetrics(opts: KeeperOptions, metrics: KeeperMetrics): Promise<void> {
  try {
    const state = await readKeeperState(opts.publicClient, { deployment: opts.deployment, retry: opts.retry });
    const status = await readStatus(opts.publicClient, opts.deployment, state);
    await recordState(metrics, { client: opts.publicClient, deployment: opts.deployment, state, status, avsNames: opts.avsNames });
    metrics.cycles.inc({ outcome: "ok" });
    metrics.lastCycle.set(Date.now() / 1000);
  } catch (e) {
    metrics.errors.inc({ kind: "metrics" });
    opts.log.warn("metrics read failed", { error: describeError(e) });
  }
}

const ETH_FIELDS = new Set(["totalAssets", "measured"]);
const ASSET_FIELDS = new Set(["amount", "need", "idle", "inFlight"]);

/** Log fields in units: asset amounts with the asset's symbol, ETH values in ETH (the report keeps wei). */
function readable(details: Record<string, unknown>): Record<string, unknown> {
  const symbol = typeof details.asset === "string" && !details.asset.startsWith("0x") ? details.asset : undefined;
  return Object.fromEntries(
    Object.entries(details).map(([k, v]) => {
      if (typeof v !== "bigint") return [k, v];
      if (ETH_FIELDS.has(k)) return [k, formatEth(v)];
      if (ASSET_FIELDS.has(k) && symbol) return [k, formatAmount(v, 18, symbol)];
      return [k, v];
    }),
  );
}
