// Protocol status for people: TVL, rate, stake per operator, exposure per AVS and operator set against caps,
// and the withdrawal queue. Built on the keeper's chain read and the engine's Snapshot.
import type { Address } from "viem";
import { formatAmount, formatDate, formatEth, formatRate, shortAddress } from "./format.js";
import type { Deployment } from "../devnet/deployment.js";
import { chainSnapshotOf, readChain, type Client, type KeeperState } from "../keeper/readState.js";
import type { Snapshot } from "../strategy/types.js";

const WAD = 10n ** 18n;

export type ExposureRow = { key: string; avs: Address; operatorSetId?: number; exposure: bigint; cap: bigint; capBps: number };
export type OperatorRow = { operator: Address; delegator: Address; active: bigint; queued: bigint; share: number };

export type Status = {
  blockNumber: bigint;
  timestamp: bigint;
  totalAssets: bigint;
  measuredTotalAssets: bigint;
  rate: bigint;
  trEthSupply: bigint;
  idle: { symbol: string; units: bigint; ethValue: bigint }[];
  operators: OperatorRow[];
  avs: ExposureRow[];
  operatorSets: ExposureRow[];
  totalSlashable: { exposure: bigint; cap: bigint };
  /** Pending redemption requests: how many, their value now, how many have matured (payable once idle covers them). */
  queue: { nextRequestId: bigint; pending: number; pendingValue: bigint; matured: number };
  queuedWithdrawals: number;
};

/** Trellis' exposure per operator set: delegated stake (queued included) times allocated over max magnitude. */
export function exposures(snapshot: Snapshot): { perSet: Map<string, bigint>; total: bigint } {
  const perSet = new Map<string, bigint>();
  let total = 0n;
  for (const d of snapshot.delegators) {
    const op = snapshot.operators.find((o) => o.address.toLowerCase() === d.operator.toLowerCase());
    if (!op) continue;
    for (const s of d.stake) {
      const stake = s.active + s.queued;
      const max = op.maxMagnitudes.find((m) => m.strategy === s.strategy)?.maxMagnitude ?? WAD;
      if (stake === 0n || max === 0n) continue;
      for (const a of op.allocations.filter((x) => x.strategy === s.strategy)) {
        const e = (stake * a.allocatedMagnitude) / max;
        const key = `${a.avs.toLowerCase()}/${a.operatorSetId}`;
        perSet.set(key, (perSet.get(key) ?? 0n) + e);
        total += e;
      }
    }
  }
  return { perSet, total };
}

/** The status from one chain read: `state`'s own (no read), or a new one at its block or the latest. */
export async function readStatus(client: Client, deployment: Deployment, state?: KeeperState): Promise<Status> {
  const chain = (state && chainSnapshotOf(state)) ?? (await readChain(client, { deployment, blockNumber: state?.blockNumber }));
  const st = chain.keeper;
  const snapshot = chain.engine();
  const tvl = st.totalAssets;
  const capOf = (bps: number) => (tvl * BigInt(bps)) / 10_000n;
  const { perSet, total } = exposures(snapshot);
  // Every operator set Trellis can be exposed to: the deployment's and any an operator allocates to.
  const sets = new Map<string, { avs: Address; operatorSetId: number }>();
  for (const a of deployment.avss) for (const id of a.operatorSetIds) sets.set(`${a.address.toLowerCase()}/${id}`, { avs: a.address, operatorSetId: id });
  for (const o of snapshot.operators) for (const a of o.allocations) sets.set(`${a.avs.toLowerCase()}/${a.operatorSetId}`, { avs: a.avs, operatorSetId: a.operatorSetId });
  const setCap = (avs: Address, id: number) =>
    snapshot.limits.operatorSetCapBps.find((c) => c.avs.toLowerCase() === avs.toLowerCase() && c.operatorSetId === id)?.capBps ?? snapshot.limits.defaultOperatorSetCapBps;
  const avsCap = (avs: Address) => snapshot.limits.avsCapBps.find((c) => c.avs.toLowerCase() === avs.toLowerCase())?.capBps ?? snapshot.limits.defaultAvsCapBps;
  const operatorSets: ExposureRow[] = [...sets].map(([key, s]) => {
    const capBps = setCap(s.avs, s.operatorSetId);
    return { key, avs: s.avs, operatorSetId: s.operatorSetId, exposure: perSet.get(key) ?? 0n, cap: capOf(capBps), capBps };
  });
  const avsAddrs = [...new Map([...sets.values()].map((s) => [s.avs.toLowerCase(), s.avs])).values()];
  const avs: ExposureRow[] = avsAddrs.map((a) => {
    const capBps = avsCap(a);
    return {
      key: a.toLowerCase(),
      avs: a,
      exposure: operatorSets.filter((s) => s.avs.toLowerCase() === a.toLowerCase()).reduce((t, x) => t + x.exposure, 0n),
      cap: capOf(capBps),
      capBps,
    };
  });
  const operators: OperatorRow[] = snapshot.delegators.map((d) => {
    const active = d.stake.reduce((s, x) => s + x.active, 0n);
    const queued = d.stake.reduce((s, x) => s + x.queued, 0n);
    return { operator: d.operator, delegator: d.address, active, queued, share: tvl ? Number(((active + queued) * 10_000n) / tvl) / 10_000 : 0 };
  });
  const trEthSupply = chain.trEthSupply;
  return {
    blockNumber: st.blockNumber,
    timestamp: st.timestamp,
    totalAssets: st.totalAssets,
    measuredTotalAssets: st.measuredTotalAssets,
    rate: st.rate,
    trEthSupply,
    idle: st.assets.map((a) => {
      const units = st.idle.get(a.asset) ?? 0n;
      return { symbol: a.symbol, units, ethValue: (units * a.price) / WAD };
    }),
    operators,
    avs,
    operatorSets,
    totalSlashable: { exposure: total, cap: capOf(snapshot.limits.totalSlashableCapBps) },
    queue: {
      nextRequestId: st.queue.nextRequestId,
      pending: st.queue.pending.length,
      pendingValue: st.queue.pending.reduce((s, p) => s + p.value, 0n),
      matured: st.queue.pending.filter((p) => p.payableFrom <= st.timestamp).length,
    },
    queuedWithdrawals: st.queued.length,
  };
}

export const eth = (wei: bigint, digits = 4): string => {
  const neg = wei < 0n;
  const v = neg ? -wei : wei;
  const s = `${v / WAD}.${(v % WAD).toString().padStart(18, "0").slice(0, digits)}`;
  return neg ? `-${s}` : s;
};


/** A plain-text table. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** AVS names from an AVS data file: the part of each operator set's name before the first comma. */
export function avsNames(avsData: { operatorSets: { avs: string; name?: string | undefined }[] }): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of avsData.operatorSets) if (s.name && !out.has(s.avs.toLowerCase())) out.set(s.avs.toLowerCase(), s.name.split(",")[0]!.trim());
  return out;
}

export type StatusNames = {
  /** AVS names by lowercase address (from the AVS data file). */
  avs?: Map<string, string> | undefined;
  /** Operator names by lowercase address. */
  operators?: Map<string, string> | undefined;
  /** --wei. */
  raw?: boolean | undefined;
};

export function formatStatus(s: Status, names: StatusNames = {}): string {
  const f = { raw: names.raw };
  const e = (v: bigint) => formatEth(v, f);
  const pct = (a: bigint, b: bigint) => (b === 0n ? "-" : `${(Number((a * 10_000n) / b) / 100).toFixed(1)}%`);
  const opName = (a: Address) => names.operators?.get(a.toLowerCase()) ?? shortAddress(a);
  const out: string[] = [];
  out.push(`block ${s.blockNumber} (${formatDate(s.timestamp)})  TVL ${e(s.totalAssets)}  rate ${formatRate(s.rate, f)}  supply ${formatAmount(s.trEthSupply, 18, "trETH", f)}`);
  if (s.measuredTotalAssets !== s.totalAssets) out.push(`marked ${e(s.measuredTotalAssets)} (gains stream in after a sync; losses are booked at once)`);
  out.push(`idle: ${s.idle.map((i) => formatAmount(i.units, 18, i.symbol, f)).join(", ")}`);
  out.push("", "Stake per operator (ETH)");
  out.push(table(["operator", "active", "queued", "of TVL"], s.operators.map((o) => [opName(o.operator), e(o.active), e(o.queued), `${(o.share * 100).toFixed(1)}%`])));
  out.push("", "Exposure per AVS (ETH, against its cap)");
  out.push(table(["AVS", "exposure", "cap", "used"], s.avs.map((a) => [names.avs?.get(a.key) ?? shortAddress(a.avs), e(a.exposure), e(a.cap), pct(a.exposure, a.cap)])));
  out.push(`total slashable ${e(s.totalSlashable.exposure)} of cap ${e(s.totalSlashable.cap)} (${pct(s.totalSlashable.exposure, s.totalSlashable.cap)})`);
  out.push("", `Redemptions: ${s.queue.pending} pending (${e(s.queue.pendingValue)}), ${s.queue.matured} matured, next id #${s.queue.nextRequestId}; ${s.queuedWithdrawals} EigenLayer withdrawal(s) in flight`);
  return out.join("\n");
}

export const statusToJson = (s: Status) => JSON.parse(JSON.stringify(s, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
