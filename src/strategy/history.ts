// Plan history: what `trellis plan` remembers between plans, and what it learns from it.
//
// The keeper keeps no state and the chain does not record what a plan predicted, so the CLI
// appends one record per plan to a JSON-lines file (`planRecord`) and, at the next plan, compares
// (`reviewHistory`):
//   - realised vs predicted: the vault's rate (assets per trETH) since each past plan, annualised,
//     against the risk-adjusted APR that plan predicted for its target (reward net of commission
//     minus expected slashing loss; the realised rate also carries fees, rewards not yet claimed
//     and slashes, so the two differ by those);
//   - operators whose allocations (magnitude per operator set and strategy, pending included)
//     changed since the last plan: the engine's limits assume today's allocations and what each
//     operator can still reach, so a change is worth a look.
// Pure functions; the file I/O is the CLI's.
import type { Plan } from "./plan.js";
import type { Address, Snapshot } from "./types.js";

export interface PlanAllocation {
  operator: Address;
  avs: Address;
  operatorSetId: number;
  strategy: Address;
  /** Allocated magnitude (WAD = the operator's whole max magnitude), decimal string. */
  magnitude: string;
  /** Committed (pending) magnitude, decimal string; equals `magnitude` when none is pending. */
  pending: string;
}

export interface PlanRecord {
  version: 1;
  chainId: number;
  vault: Address;
  blockNumber: string;
  /** Block timestamp, seconds. */
  timestamp: number;
  /** Vault rate (assets per 1e18 trETH) at the plan's block, decimal string. */
  rateWad: string;
  tvlEth: number;
  /** Whether the plan had actions (it may have been sent or not: the record says what was proposed). */
  proposed: boolean;
  predicted: { gainEth: number; horizonDays: number; aprCurrent: number; aprTarget: number };
  allocations: PlanAllocation[];
}

/** The rate and block time the review compares past records with. */
export interface HistoryNow {
  rateWad: bigint;
  timestamp: number;
}

export interface PastPlanReview {
  blockNumber: string;
  elapsedDays: number;
  proposed: boolean;
  /** APR the plan predicted for the state it aimed at (its target, or today's if it proposed nothing). */
  predictedApr: number;
  /** The vault rate's growth since then, annualised (simple). */
  realisedApr: number;
  predictedGainEth: number;
}

export interface AllocationChange {
  operator: Address;
  avs: Address;
  operatorSetId: number;
  strategy: Address;
  /** Magnitude as a fraction of the max magnitude, at the last plan and now. */
  from: number;
  to: number;
}

export interface HistoryReview {
  pastPlans: PastPlanReview[];
  allocationChanges: AllocationChange[];
  /** One line per operator whose allocations changed (for `Plan.warnings`). */
  warnings: string[];
}

const WAD = 10n ** 18n;
const DAY = 86_400;

function allocations(snapshot: Snapshot): PlanAllocation[] {
  const out: PlanAllocation[] = [];
  for (const o of snapshot.operators)
    for (const a of o.allocations)
      out.push({
        operator: o.address.toLowerCase() as Address,
        avs: a.avs.toLowerCase() as Address,
        operatorSetId: a.operatorSetId,
        strategy: a.strategy.toLowerCase() as Address,
        magnitude: a.allocatedMagnitude.toString(),
        pending: (a.pendingMagnitude ?? a.allocatedMagnitude).toString(),
      });
  return out.sort((x, y) => (allocationKey(x) < allocationKey(y) ? -1 : allocationKey(x) > allocationKey(y) ? 1 : 0));
}

const allocationKey = (a: Pick<PlanAllocation, "operator" | "avs" | "operatorSetId" | "strategy">) =>
  `${a.operator}|${a.avs}/${a.operatorSetId}|${a.strategy}`;

/** The record of a plan, to append to the history file. */
export function planRecord(plan: Plan, snapshot: Snapshot, now: HistoryNow): PlanRecord {
  return {
    version: 1,
    chainId: snapshot.chainId,
    vault: snapshot.vault.address.toLowerCase() as Address,
    blockNumber: snapshot.blockNumber.toString(),
    timestamp: now.timestamp,
    rateWad: now.rateWad.toString(),
    tvlEth: plan.tvlEth,
    proposed: plan.actions.length > 0,
    predicted: {
      gainEth: plan.gainEth,
      horizonDays: plan.horizonDays,
      aprCurrent: plan.riskAdjustedApr.current,
      aprTarget: plan.riskAdjustedApr.target,
    },
    allocations: allocations(snapshot),
  };
}

/** Parses a JSON-lines history (blank lines skipped); a malformed line is an error naming it. */
export function parseHistory(text: string): PlanRecord[] {
  const out: PlanRecord[] = [];
  text.split("\n").forEach((line, n) => {
    if (!line.trim()) return;
    let r: PlanRecord;
    try {
      r = JSON.parse(line) as PlanRecord;
    } catch (e) {
      throw new Error(`plan history line ${n + 1}: not JSON (${(e as Error).message})`);
    }
    if (r.version !== 1 || typeof r.rateWad !== "string" || !Array.isArray(r.allocations))
      throw new Error(`plan history line ${n + 1}: not a version 1 plan record`);
    out.push(r);
  });
  return out;
}

/**
 * Reviews the records of this vault (same chain and address) made before the snapshot's block:
 * realised vs predicted APR for the last `keep` of them (newest first), and the allocation
 * changes since the newest one.
 */
export function reviewHistory(records: PlanRecord[], snapshot: Snapshot, now: HistoryNow, keep = 5): HistoryReview {
  const vault = snapshot.vault.address.toLowerCase();
  const past = records
    .filter((r) => r.chainId === snapshot.chainId && r.vault === vault && BigInt(r.blockNumber) < snapshot.blockNumber)
    .sort((a, b) => (BigInt(b.blockNumber) > BigInt(a.blockNumber) ? 1 : BigInt(b.blockNumber) < BigInt(a.blockNumber) ? -1 : 0));
  const pastPlans = past.slice(0, keep).map((r) => {
    const elapsed = Math.max(0, now.timestamp - r.timestamp);
    const then = BigInt(r.rateWad);
    // Rate growth in 1e-18 units, then as a float (rates are ~1e18, so this keeps 15 digits).
    const growth = then > 0n ? Number(((now.rateWad - then) * WAD) / then) / 1e18 : 0;
    return {
      blockNumber: r.blockNumber,
      elapsedDays: elapsed / DAY,
      proposed: r.proposed,
      predictedApr: r.proposed ? r.predicted.aprTarget : r.predicted.aprCurrent,
      realisedApr: elapsed > 0 ? (growth * 365 * DAY) / elapsed : 0,
      predictedGainEth: r.predicted.gainEth,
    };
  });
  const allocationChanges: AllocationChange[] = [];
  const last = past[0];
  if (last) {
    const before = new Map(last.allocations.map((a) => [allocationKey(a), a]));
    const after = new Map(allocations(snapshot).map((a) => [allocationKey(a), a]));
    const maxOf = new Map<string, bigint>();
    for (const o of snapshot.operators)
      for (const m of o.maxMagnitudes) maxOf.set(`${o.address.toLowerCase()}|${m.strategy.toLowerCase()}`, m.maxMagnitude);
    const frac = (a: PlanAllocation | undefined, max: bigint) => (a && max > 0n ? Number((BigInt(a.pending) * 10n ** 9n) / max) / 1e9 : 0);
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const b = before.get(key);
      const a = after.get(key);
      if (b && a && b.magnitude === a.magnitude && b.pending === a.pending) continue;
      const ref = (a ?? b)!;
      const max = maxOf.get(`${ref.operator}|${ref.strategy}`) ?? WAD;
      allocationChanges.push({ operator: ref.operator, avs: ref.avs, operatorSetId: ref.operatorSetId, strategy: ref.strategy, from: frac(b, max), to: frac(a, max) });
    }
  }
  const byOperator = new Map<string, AllocationChange[]>();
  for (const c of allocationChanges) byOperator.set(c.operator, [...(byOperator.get(c.operator) ?? []), c]);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const warnings = [...byOperator].map(
    ([operator, cs]) =>
      `operator ${operator} changed its allocations since the plan at block ${last!.blockNumber}: ` +
      cs.map((c) => `${c.avs}/${c.operatorSetId} ${c.strategy.slice(0, 10)}… ${pct(c.from)} -> ${pct(c.to)}`).join("; "),
  );
  return { pastPlans, allocationChanges, warnings };
}
