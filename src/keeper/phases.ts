// The keeper's phases, each a pure decision from one chain read (`KeeperState`) and the keeper's config to the
// actions it would send: no RPC, no clock (`state.timestamp` is the block's). `executor.ts` sends them; the
// cycle (keeper.ts) runs the phases in order and reads the chain again only after a phase changed it.
import type { Address } from "viem";
import { cacheExcess, type DelegatorExposure } from "../chain/exposure.js";
import type { Plan } from "../strategy/plan.js";
import {
  assetOfStrategy,
  depositSharesFor,
  maturedWithdrawals,
  refreshDecision,
  removableDelegators,
  shouldSync,
  strandedDelegators,
} from "./decide.js";
import type { DelegatorPosition, KeeperState } from "./readState.js";
import { finalizableIds, pickWithdrawals, redemptionShortfalls, refreshCalls } from "./redemptions.js";
import type { RewardClaim } from "./rewards.js";

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

/** The contract an action calls, by its role in the deployment. */
export type ActionTarget = "vault" | "withdrawalQueue" | "riskRegistry";

export type Action = {
  kind: ActionKind;
  target: ActionTarget;
  functionName: string;
  args: readonly unknown[];
  /** What the log, the metrics and the cycle report say about it (amounts in wei/units as bigints). */
  details: Record<string, unknown>;
  /** One call of a full refresh round: the phase stops once one fails or ends the round. */
  untilRoundCompleted?: boolean;
};

export type Warning = { msg: string; fields: Record<string, unknown> };

/** What a phase decided: actions to send, notes for the cycle report, warnings for the log. */
export type Decision = { actions: Action[]; notes: string[]; warnings: Warning[] };

export type PhaseConfig = {
  /** Delegators per `refresh(n)` transaction. */
  refreshBatch: number;
  /** A full refresh round once the last is this old (default: a quarter of the vault's `maxMeasurementAge`). */
  refreshIntervalSeconds?: number | undefined;
  /** Min seconds between syncs that only raise the rate (a loss is synced at once). */
  minSyncIntervalSeconds: number;
  /** Most request ids per `finalize(ids)` transaction. */
  finalizeBatch: number;
  /** Most delegators per cycle in the `RiskRegistry.refreshMany` before rebalancing (one transaction). */
  exposureRefreshBatch: number;
  /** A cached exposure this far (wei) above the live one, or less, is rounding: left alone. */
  exposureToleranceWei: bigint;
};

export const DEFAULT_PHASE_CONFIG: PhaseConfig = {
  refreshBatch: 50,
  minSyncIntervalSeconds: 3600,
  finalizeBatch: 50,
  exposureRefreshBatch: 10,
  exposureToleranceWei: 1_000_000n,
};

const decision = (actions: Action[] = [], notes: string[] = [], warnings: Warning[] = []): Decision => ({ actions, notes, warnings });
const vaultAction = (kind: ActionKind, functionName: string, args: readonly unknown[], details: Record<string, unknown>): Action => ({
  kind,
  target: "vault",
  functionName,
  args,
  details,
});

/** 1. Claim what the distribution files say each delegator earned and has not claimed (found by `findRewardClaims`). */
export function rewardsPhase(claims: readonly RewardClaim[]): Decision {
  return decision(
    claims.map((c) =>
      vaultAction("claimRewards", "claimRewards", [c.delegator, c.claim], {
        delegator: c.delegator,
        rootIndex: c.rootIndex,
        tokens: c.tokens.map((t) => `${t.token}:${t.amount}`),
      }),
    ),
  );
}

/**
 * 2. Complete every matured EigenLayer withdrawal into idle: those the keeper queued, and those a forced
 * undelegation or a retirement queued (EigenLayer queues all of a delegator's stake then).
 */
export function completionsPhase(state: KeeperState): Decision {
  const out = decision();
  for (const q of maturedWithdrawals(state)) {
    const asset = assetOfStrategy(state, q.withdrawal.strategies[0]!);
    if (!asset) {
      out.notes.push(`withdrawal ${q.root} is in a strategy with no supported asset`);
      continue;
    }
    out.actions.push(
      vaultAction("completeWithdrawal", "completeDelegatorWithdrawal", [q.delegator, q.withdrawal, asset.asset], {
        delegator: q.delegator,
        root: q.root,
        asset: asset.symbol,
        amount: q.underlying[0],
      }),
    );
  }
  return out;
}

/**
 * 2b. Delegators that get no new stake: a forced undelegation (the operator undelegated Trellis' delegator on
 * EigenLayer) or a retirement. The RiskRegistry's cached exposure is refreshed if it predates the change, and a
 * retired delegator that holds nothing any more is removed. Their withdrawals are phase 2's.
 */
export function strandedPhase(state: KeeperState): Decision {
  const out = decision();
  for (const s of strandedDelegators(state)) {
    if (s.reason === "forcedUndelegation") {
      out.warnings.push({
        msg: "forced undelegation detected: no new stake; its withdrawals are completed after EigenLayer's delay",
        fields: { delegator: s.delegator, operator: s.operator, delegatedTo: s.delegatedTo },
      });
      out.notes.push(`forced undelegation of ${s.delegator} (operator ${s.operator})`);
    }
    if (s.staleExposure)
      out.actions.push({ kind: "refreshExposure", target: "riskRegistry", functionName: "refresh", args: [s.delegator], details: { delegator: s.delegator, reason: s.reason } });
  }
  for (const delegator of removableDelegators(state)) out.actions.push(vaultAction("removeDelegator", "removeDelegator", [delegator], { delegator }));
  return out;
}

/**
 * 3. Holdings: a full refresh round (resumable, one more call than the batches need so the round's end is
 * seen) when the last is getting old, so deposits stay open, or the delegators a slash has moved, so the
 * loss is booked now.
 */
export function refreshPhase(state: KeeperState, config: PhaseConfig): Decision {
  const batch = config.refreshBatch;
  const intervalSeconds = config.refreshIntervalSeconds !== undefined ? BigInt(config.refreshIntervalSeconds) : state.maxMeasurementAge / 4n;
  const refresh = refreshDecision(state, { intervalSeconds, batch });
  if (refresh.kind === "round") {
    const calls = refreshCalls(state.delegators.length, batch) + 1;
    const details = { batch, delegators: state.delegators.length };
    return decision(Array.from({ length: calls }, () => ({ ...vaultAction("refresh", "refresh", [BigInt(batch)], { ...details }), untilRoundCompleted: true })));
  }
  if (refresh.kind === "delegators")
    return decision(refresh.delegators.map((d) => vaultAction("refresh", "refreshDelegator", [d], { delegator: d, reason: "holdings moved" })));
  return decision();
}

/** 4. Sync the rate: a loss at once, a gain not yet streaming at most every `minSyncIntervalSeconds`. */
export function syncPhase(state: KeeperState, config: PhaseConfig): Decision {
  if (!shouldSync(state, config.minSyncIntervalSeconds)) return decision();
  return decision([vaultAction("sync", "sync", [], { totalAssets: state.totalAssets, marked: state.measuredTotalAssets })]);
}

/** 5. Finalize every matured request idle can pay, oldest first, in batches of `finalizeBatch`. */
export function finalizePhase(state: KeeperState, config: PhaseConfig): Decision {
  const ids = finalizableIds(state);
  const out = decision();
  for (let i = 0; i < ids.length; i += config.finalizeBatch) {
    const chunk = ids.slice(i, i + config.finalizeBatch);
    out.actions.push({ kind: "finalize", target: "withdrawalQueue", functionName: "finalize", args: [chunk], details: { ids: chunk.map(String), pending: state.queue.pending.length } });
  }
  return out;
}

/**
 * Withdrawable shares for `amount` underlying of a position, rounded up: the position's own
 * shares-per-underlying (`withdrawableShares / underlying`, the strategy's rate as read), never fewer than
 * `underlyingToSharesView(amount)` would give, and exactly the position's shares for the whole of it.
 */
export function withdrawableSharesFor(position: Pick<DelegatorPosition, "withdrawableShares" | "underlying">, amount: bigint): bigint {
  if (position.underlying === 0n) return 0n;
  return (amount * position.withdrawableShares + position.underlying - 1n) / position.underlying;
}

/** 6. Queue EigenLayer withdrawals for what pending requests need beyond idle and what is already queued. */
export function fundingPhase(state: KeeperState): Decision {
  const out = decision();
  for (const s of redemptionShortfalls(state)) {
    if (s.shortfall === 0n) continue;
    if (s.idle + s.inFlight + s.restaked < s.need) {
      // Rare (a slash after the requests were made): the requests in this asset wait, are cancelled or re-targeted
      // by their controllers; nobody else waits for them.
      out.warnings.push({ msg: "pending requests need more of an asset than Trellis holds", fields: { asset: s.symbol, need: s.need, idle: s.idle, inFlight: s.inFlight, restaked: s.restaked } });
      out.notes.push(`requests need ${s.need} ${s.symbol}, Trellis holds ${s.idle + s.inFlight + s.restaked}`);
    }
    for (const pick of pickWithdrawals(state, s)) {
      const position = positionOf(state, pick.delegator, pick.strategy);
      if (!position) continue;
      const depositShares = depositSharesFor(pick, withdrawableSharesFor(position, pick.amount) + 1n);
      if (depositShares === 0n) continue;
      out.actions.push(
        vaultAction("queueWithdrawal", "queueDelegatorWithdrawal", [pick.delegator, pick.asset, depositShares], {
          delegator: pick.delegator,
          asset: s.symbol,
          amount: pick.amount,
          depositShares,
          need: s.need,
          idle: s.idle,
          inFlight: s.inFlight,
          reason: "redemptions",
        }),
      );
    }
  }
  return out;
}

const positionOf = (state: KeeperState, delegator: Address, strategy: Address) =>
  state.delegators.find((d) => d.address.toLowerCase() === delegator.toLowerCase())?.positions.find((p) => p.strategy.toLowerCase() === strategy.toLowerCase());

/**
 * 7. Before rebalancing: refresh the RiskRegistry's cache of every delegator whose cached exposure is above
 * the live one by more than `exposureToleranceWei` (per operator set, or slashable) or whose set-bound flag is
 * out of date. `Vault.allocate` checks the cap aggregates (sums of the caches) with only the touched delegator
 * re-measured, while the engine plans on live values: a cache higher than live would make the chain refuse a
 * move planned up to a cap. Once no cache is higher, every aggregate is at most its live sum, which the engine
 * keeps under the caps. A lower cache is left alone (the chain then accepts more than the engine plans; a
 * refresh would cost gas and change no outcome). The largest excess first, at most `exposureRefreshBatch` in
 * one `refreshMany`; the rest next cycle.
 */
export function exposurePhase(exposure: readonly DelegatorExposure[], config: Pick<PhaseConfig, "exposureRefreshBatch" | "exposureToleranceWei">): Decision {
  const out = decision();
  const stale: { delegator: Address; excess: bigint }[] = [];
  for (const e of exposure) {
    if (!e.live) {
      out.notes.push(`exposure of ${e.delegator} not measurable: ${e.unmeasurable ?? "unknown"}`);
      continue;
    }
    const excess = cacheExcess(e);
    if (excess > config.exposureToleranceWei || e.cached.beyondSetBound !== e.live.beyondSetBound) stale.push({ delegator: e.delegator, excess });
  }
  if (!stale.length || config.exposureRefreshBatch <= 0) return out;
  stale.sort((a, b) => (a.excess === b.excess ? 0 : a.excess > b.excess ? -1 : 1));
  const batch = stale.slice(0, config.exposureRefreshBatch);
  if (stale.length > batch.length) out.notes.push(`${stale.length - batch.length} stale exposure caches left for the next cycle`);
  out.actions.push({
    kind: "refreshExposure",
    target: "riskRegistry",
    functionName: "refreshMany",
    args: [batch.map((s) => s.delegator)],
    details: { delegators: batch.map((s) => s.delegator), excess: batch.map((s) => s.excess), reason: "cache above live exposure" },
  });
  return out;
}

/**
 * 8. The strategy engine's plan as vault calls. An allocation to a stranded delegator is dropped (the vault
 * would refuse it: the engine already gives it no new stake when the snapshot carries the chain's policy).
 * Completions are phase 2's; a "deposit" of completed tokens is an allocation of a later cycle, since
 * completed withdrawals come back to the vault's idle buffer in Trellis.
 */
export function rebalancePhase(state: KeeperState, plan: Plan): Decision {
  const out = decision();
  const stranded = new Set(strandedDelegators(state).map((x) => x.delegator.toLowerCase()));
  for (const a of plan.actions) {
    const asset = assetOfStrategy(state, a.strategy);
    if (!asset) continue;
    if (a.type === "allocate") {
      if (a.assetAmount === 0n) continue;
      if (stranded.has(a.delegator.toLowerCase())) {
        out.notes.push(`no stake sent to ${a.delegator}: undelegated from its operator or retired`);
        continue;
      }
      out.actions.push(
        vaultAction("allocate", "allocate", [a.delegator, asset.asset, a.assetAmount], { delegator: a.delegator, operator: a.operator, asset: asset.symbol, amount: a.assetAmount }),
      );
    } else if (a.type === "queueWithdrawal") {
      const position = positionOf(state, a.delegator, asset.strategy);
      if (!position) continue;
      const pick = { delegator: a.delegator, asset: asset.asset, strategy: asset.strategy, amount: a.assetAmount, withdrawableShares: position.withdrawableShares, depositShares: position.depositShares };
      const depositShares = depositSharesFor(pick, withdrawableSharesFor(position, a.assetAmount));
      if (depositShares === 0n) continue;
      out.actions.push(vaultAction("queueWithdrawal", "queueDelegatorWithdrawal", [a.delegator, asset.asset, depositShares], { delegator: a.delegator, asset: asset.symbol, amount: a.assetAmount, reason: "rebalance" }));
    }
  }
  return out;
}
