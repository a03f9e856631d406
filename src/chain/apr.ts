// Realised APR from the vault's RateSynced history: how much the rate (ETH per trETH) actually grew over a
// window, annualised (simple, not compounded), and where the growth came from: AVS rewards claimed, the
// LST yield and everything else the measurement found, the protocol fee, and losses.
import { getAbiItem, type Address } from "viem";
import { assetRegistryAbi, vaultAbi } from "../abi/generated/index.js";
import type { Deployment } from "../devnet/deployment.js";
import type { Client } from "../keeper/readState.js";

const WAD = 10n ** 18n;
const YEAR = 365 * 86_400;

export type RateSync = {
  blockNumber: bigint;
  timestamp: bigint;
  oldTotalAssets: bigint;
  newTotalAssets: bigint;
  oldRate: bigint;
  newRate: bigint;
  feeShares: bigint;
  /** ETH value of restaked rewards claimed since the previous sync (at today's prices). */
  rewardsValue: bigint;
  /** The mark the sync measured. With `pendingBefore`, the gains it found are the mark above both. */
  measuredAssets?: bigint | undefined;
  /** Gains found by earlier syncs and still streaming into the rate when this sync ran. */
  pendingBefore?: bigint | undefined;
  /** Falls of the booked total booked at once (`LossBooked`: slashes noticed by a refresh) since the previous sync. */
  lossesBooked?: bigint | undefined;
};

export type AprParts = { lstYieldAndOther: number; avsRewards: number; fees: number; losses: number };

export type AprWindow = {
  days: number;
  /** The window actually covered (shorter when the history is). */
  fromTimestamp: bigint;
  toTimestamp: bigint;
  fromRate: bigint;
  toRate: bigint;
  syncs: number;
  /** (toRate / fromRate - 1) * year / window; undefined when the window has no length. */
  apr: number | undefined;
  /** The same growth split by source, each annualised over the window; they add up to about `apr`. */
  parts: AprParts;
};

/** Every RateSynced of the vault with its block time, and the restaked rewards claimed before it. */
export async function readRateHistory(client: Client, deployment: Deployment, fromBlock = 0n): Promise<RateSync[]> {
  const vault = deployment.trellis.vault;
  const [syncs, claims, lossLogs] = await Promise.all([
    client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "RateSynced" }), fromBlock }),
    client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "RewardsClaimed" }), fromBlock }),
    client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "LossBooked" }), fromBlock }),
  ]);
  const before = (a: { blockNumber: bigint; logIndex: number }, b: { blockNumber: bigint; logIndex: number }) =>
    a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);
  const prices = new Map<string, bigint>();
  const priceOf = async (token: Address) => {
    const k = token.toLowerCase();
    if (!prices.has(k)) {
      const p = (await client.readContract({ address: deployment.trellis.assetRegistry, abi: assetRegistryAbi, functionName: "price", args: [token] }).catch(() => 0n)) as bigint;
      prices.set(k, p);
    }
    return prices.get(k)!;
  };
  const times = new Map<bigint, bigint>();
  const timeOf = async (n: bigint) => {
    if (!times.has(n)) times.set(n, (await client.getBlock({ blockNumber: n })).timestamp);
    return times.get(n)!;
  };
  const out: RateSync[] = [];
  let c = 0;
  let l = 0;
  for (const log of syncs) {
    let rewardsValue = 0n;
    while (c < claims.length && before(claims[c]!, log)) {
      const a = claims[c]!.args;
      if (!a.toTreasury) rewardsValue += (a.amount! * (await priceOf(a.token!))) / WAD;
      c++;
    }
    let lossesBooked = 0n;
    for (; l < lossLogs.length && before(lossLogs[l]!, log); l++) lossesBooked += lossLogs[l]!.args.oldTotalAssets! - lossLogs[l]!.args.newTotalAssets!;
    // What was still streaming in just before the sync: the books one block earlier, released up to the sync's time.
    const timestamp = await timeOf(log.blockNumber);
    const books = log.blockNumber > 0n ? await client.readContract({ address: vault, abi: vaultAbi, functionName: "books", blockNumber: log.blockNumber - 1n }).catch(() => undefined) : undefined;
    const released = books ? books.releasePerSecond * (timestamp > books.checkpoint ? timestamp - books.checkpoint : 0n) : 0n;
    const pendingBefore = books ? (released >= books.pending ? 0n : books.pending - released) : undefined;
    const a = log.args;
    out.push({
      blockNumber: log.blockNumber,
      timestamp,
      oldTotalAssets: a.oldTotalAssets!,
      newTotalAssets: a.newTotalAssets!,
      oldRate: a.oldRate!,
      newRate: a.newRate!,
      feeShares: a.feeShares!,
      rewardsValue,
      measuredAssets: a.measuredAssets!,
      pendingBefore,
      lossesBooked,
    });
  }
  return out;
}

/**
 * The gains (or, negative, the loss) a sync found. Gains enter the rate over time: the booked total before a sync
 * holds what had streamed in, and `pendingBefore` was found by earlier syncs, so only the mark above both is new
 * (`newTotalAssets - oldTotalAssets` is then just the fee's worth). Without the mark, the change of the booked total.
 */
export function syncGain(s: RateSync): bigint {
  if (s.measuredAssets === undefined || s.pendingBefore === undefined) return s.newTotalAssets - s.oldTotalAssets;
  if (s.measuredAssets < s.oldTotalAssets) return s.measuredAssets - s.oldTotalAssets;
  const known = s.oldTotalAssets + s.pendingBefore;
  return s.measuredAssets > known ? s.measuredAssets - known : 0n;
}

const ratio = (a: bigint, b: bigint) => (b === 0n ? 0 : Number((a * 10n ** 12n) / b) / 1e12);

/**
 * The realised APR over the last `days` before `now`: from the rate at the window's start (the last sync at
 * or before it; the first sync's old rate when the history is shorter) to the latest rate.
 */
export function realisedApr(history: readonly RateSync[], days: number, now: bigint): AprWindow {
  const start = now - BigInt(days * 86_400);
  const empty: AprParts = { lstYieldAndOther: 0, avsRewards: 0, fees: 0, losses: 0 };
  if (history.length === 0) return { days, fromTimestamp: start, toTimestamp: now, fromRate: 0n, toRate: 0n, syncs: 0, apr: undefined, parts: empty };
  const before = [...history].reverse().find((s) => s.timestamp <= start);
  const inWindow = history.filter((s) => s.timestamp > start && s.timestamp <= now);
  const fromRate = before ? before.newRate : inWindow[0]?.oldRate ?? history.at(-1)!.newRate;
  const fromTimestamp = before ? start : (inWindow[0]?.timestamp ?? now);
  const toRate = inWindow.at(-1)?.newRate ?? fromRate;
  const span = Number(now - fromTimestamp);
  const annualise = span > 0 ? YEAR / span : 0;
  const parts = { ...empty };
  for (const s of inWindow) {
    const gain = syncGain(s);
    const feeValue = (s.feeShares * s.newRate) / WAD;
    if (s.lossesBooked) parts.losses -= ratio(s.lossesBooked, s.oldTotalAssets);
    if (gain < 0n) parts.losses += ratio(gain, s.oldTotalAssets);
    else {
      const rewards = s.rewardsValue < gain ? s.rewardsValue : gain;
      parts.avsRewards += ratio(rewards, s.oldTotalAssets);
      parts.lstYieldAndOther += ratio(gain - rewards, s.oldTotalAssets);
    }
    parts.fees -= ratio(feeValue, s.oldTotalAssets);
  }
  for (const k of Object.keys(parts) as (keyof AprParts)[]) parts[k] *= annualise;
  const growth = fromRate === 0n ? 0 : ratio(toRate, fromRate) - 1;
  return { days, fromTimestamp, toTimestamp: now, fromRate, toRate, syncs: inWindow.length, apr: span > 0 ? growth * annualise : undefined, parts };
}
