// Sends the phases' actions: each simulated with eth_call, sent, waited for and checked for the event it
// must emit; logged with its tx hash and counted in the metrics. The only part of the keeper that writes.
import { parseEventLogs, type Abi, type Hash } from "viem";
import { iRiskRegistryAbi, iVaultAbi, iWithdrawalQueueAbi } from "../abi/generated/index.js";
import { formatAmount, formatEth } from "../chain/format.js";
import type { Logger } from "../chain/log.js";
import { StopError } from "../chain/retry.js";
import { sendCall, type ContractCall, type SendContext } from "../chain/send.js";
import type { Deployment } from "../devnet/deployment.js";
import type { KeeperMetrics } from "./metrics.js";
import { recordAction } from "./metricsRecord.js";
import type { Action, ActionKind, ActionTarget, Decision } from "./phases.js";

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

const ABI: Record<ActionTarget, Abi> = { vault: iVaultAbi as Abi, withdrawalQueue: iWithdrawalQueueAbi as Abi, riskRegistry: iRiskRegistryAbi as Abi };
const EVENTS_ABI = [...iVaultAbi, ...iWithdrawalQueueAbi, ...iRiskRegistryAbi] as Abi;

export type Executor = {
  /** Sends one decision's actions in order and logs its warnings; the records of what was sent. */
  run(decision: Decision): Promise<ActionRecord[]>;
};

export type ExecutorParameters = {
  send: SendContext;
  deployment: Deployment;
  log: Logger;
  metrics?: KeeperMetrics | undefined;
  signal?: AbortSignal | undefined;
};

export function createExecutor(p: ExecutorParameters): Executor {
  const addressOf = (target: ActionTarget) =>
    target === "withdrawalQueue" ? p.deployment.trellis.withdrawalQueue : target === "riskRegistry" ? p.deployment.trellis.riskRegistry : p.deployment.trellis.vault;

  const execute = async (action: Action): Promise<ActionRecord> => {
    if (p.signal?.aborted) throw new StopError("stopped");
    const details = { ...action.details };
    const from = addressOf(action.target);
    const call: ContractCall = { address: from, abi: ABI[action.target], functionName: action.functionName, args: action.args };
    const res = await sendCall(p.send, call);
    const rec: ActionRecord = { kind: action.kind, status: res.status, details };
    if (res.status === "confirmed" || res.status === "reverted") rec.hash = res.hash;
    if (res.status === "confirmed") {
      // Check the result: the event the action must emit, from the contract it must come from.
      const events = parseEventLogs({ abi: EVENTS_ABI, logs: res.receipt.logs, strict: false }).filter((e) => e.address.toLowerCase() === from.toLowerCase());
      const want = EXPECTED_EVENT[action.kind];
      if (want) {
        details.events = events.filter((e) => e.eventName === want).length;
        if (details.events === 0) p.log.warn(`${action.kind} confirmed without its ${want} event`, { hash: res.hash });
      } else if (action.kind === "refresh") {
        details.roundCompleted = events.some((e) => e.eventName === "RefreshRoundCompleted");
      }
    }
    if (res.status === "rejected") rec.error = res.revert.text;
    if (res.status === "reverted") rec.error = res.revert?.text ?? "reverted (reason unknown)";
    if (res.status === "skipped") rec.error = res.reason;
    if (p.metrics) recordAction(p.metrics, rec);
    const fields = { action: action.kind, ...readable(details), hash: rec.hash, error: rec.error };
    if (res.status === "confirmed") p.log.info(`${action.kind} confirmed`, fields);
    else if (res.status === "simulated") p.log.info(`${action.kind} (dry run: simulated ok, not sent)`, fields);
    else p.log.warn(`${action.kind} ${res.status}`, fields);
    return rec;
  };

  return {
    async run(decision) {
      for (const w of decision.warnings) p.log.warn(w.msg, readable(w.fields));
      const records: ActionRecord[] = [];
      for (const action of decision.actions) {
        const rec = await execute(action);
        records.push(rec);
        if (action.untilRoundCompleted && (rec.status !== "confirmed" || rec.details.roundCompleted)) break;
      }
      return records;
    },
  };
}

const ETH_FIELDS = new Set(["totalAssets", "marked", "measured"]);
const ASSET_FIELDS = new Set(["amount", "need", "idle", "inFlight", "restaked"]);

/** Log fields in units: asset amounts with the asset's symbol, ETH values in ETH (the report keeps wei). */
export function readable(details: Record<string, unknown>): Record<string, unknown> {
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
