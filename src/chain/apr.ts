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
  const [syncs, claims] = await Promise.all([
    client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "RateSynced" }), fromBlock }),
    client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "RewardsClaimed" }), fromBlock }),
  ]);
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
  for (const log of syncs) {
    let rewardsValue = 0n;
    while (c < claims.length && (claims[c]!.blockNumber < log.blockNumber || (claims[c]!.blockNumber === log.blockNumber && claims[c]!.logIndex < log.logIndex))) {
      const a = claims[c]!.args;
      if (!a.toTreasury) rewardsValue += (a.amount! * (await priceOf(a.token!))) / WAD;
      c++;
    }
    const a = log.args;
    out.push({
      blockNumber: log.blockNumber,
      timestamp: await timeOf(log.blockNumber),
      oldTotalAssets: a.oldTotalAssets!,
      newTotalAssets: a.newTotalAssets!,
      oldRate: a.oldRate!,
      newRate: a.newRate!,
      feeShares: a.feeShares!,
      rewardsValue,
    });
  }
  return out;
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
    const gain = s.newTotalAssets - s.oldTotalAssets;
    const feeValue = (s.feeShares * s.newRate) / WAD;
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
