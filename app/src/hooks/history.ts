// Rate and TVL over time. The blocks come from the vault's events (syncs, deposits, payouts to the
// queue, booked losses); the values are the vault's own `rate()` and `totalAssets()` read at each of those blocks.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { getAbiItem } from "viem";
import { assetRegistryAbi } from "../../../src/abi/generated/AssetRegistry.js";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { useAppConfig } from "../context.js";

export type HistoryPoint = { block: bigint; timestamp: number; rate: bigint; totalAssets: bigint };

const MAX_POINTS = 120;
const EVENTS = [
  getAbiItem({ abi: vaultAbi, name: "RateSynced" }),
  getAbiItem({ abi: vaultAbi, name: "Deposited" }),
  getAbiItem({ abi: vaultAbi, name: "ReleasedToQueue" }),
  getAbiItem({ abi: vaultAbi, name: "RewardsClaimed" }),
  getAbiItem({ abi: vaultAbi, name: "LossBooked" }),
] as const;
const YEAR = 365 * 86_400;
const WAD = 10n ** 18n;

/**
 * Where the window's gains came from, each annualised over the time-weighted TVL (fractions, 0.05 = 5%).
 * `booked` is the gains the syncs found (fee included); `losses` the falls booked at once (slashes, an LST's price
 * falling); net = booked − losses − fee. Gains reach the rate over time (they stream in at a bounded speed), so the
 * realised APR (the rate's growth) trails `net` while some are `streaming`.
 */
export type AprBreakdown = { booked: number; avsRewards: number; lstYieldAndOther: number; losses: number; fee: number; net: number };

/** What one sync found: the vault's `RateSynced` fields and the gains still streaming in just before it. */
export type SyncFound = { oldTotalAssets: bigint; measuredAssets: bigint; pendingBefore: bigint };

/**
 * New gains and losses a sync found. The booked total before a sync already holds what had streamed in, and
 * `pendingBefore` is what was found earlier and had not streamed in yet: only the mark above both is new. A mark
 * below the booked total is a loss, applied at once (the pending gains it cancels were never in the rate).
 */
export function syncGain(s: SyncFound): { gain: bigint; loss: bigint } {
  if (s.measuredAssets < s.oldTotalAssets) return { gain: 0n, loss: s.oldTotalAssets - s.measuredAssets };
  const known = s.oldTotalAssets + s.pendingBefore;
  return { gain: s.measuredAssets > known ? s.measuredAssets - known : 0n, loss: 0n };
}

/** Gains pending at `timestamp` given the vault's `books()` read at an earlier block (its checkpoint is that block's time). */
export function pendingAt(b: { pending: bigint; releasePerSecond: bigint; checkpoint: bigint }, timestamp: bigint): bigint {
  const released = b.releasePerSecond * (timestamp > b.checkpoint ? timestamp - b.checkpoint : 0n);
  return released >= b.pending ? 0n : b.pending - released;
}

export function useRateHistory() {
  const { deployment, fromBlock, devnet } = useAppConfig();
  const client = usePublicClient()!;
  const vault = deployment.trellis.vault;
  return useQuery({
    queryKey: ["history", vault],
    queryFn: async () => {
      const logs = await client.getLogs({
        address: vault,
        events: EVENTS,
        fromBlock: BigInt(fromBlock),
      });
      const latest = await client.getBlockNumber();
      let blocks = [...new Set(logs.map((l) => l.blockNumber!))];
      if (blocks.length > MAX_POINTS) blocks = blocks.filter((_, i) => i % Math.ceil(blocks.length / MAX_POINTS) === 0);
      if (!blocks.includes(latest)) blocks.push(latest);
      const points = await Promise.all(
        blocks.map(async (blockNumber): Promise<HistoryPoint> => {
          const [block, rate, totalAssets] = await Promise.all([
            client.getBlock({ blockNumber }),
            client.readContract({ address: vault, abi: vaultAbi, functionName: "rate", blockNumber }),
            client.readContract({ address: vault, abi: vaultAbi, functionName: "totalAssets", blockNumber }),
          ]);
          return { block: blockNumber, timestamp: Number(block.timestamp), rate, totalAssets };
        }),
      );
      const syncs = logs.filter((l) => l.eventName === "RateSynced").length;
      // Gains each sync found (net of what was still streaming in from earlier syncs) and its fee; losses booked;
      // restaked AVS rewards valued at the registry's price then.
      const parts = await Promise.all(
        logs.map(async (l) => {
          if (l.eventName === "LossBooked") return { losses: l.args.oldTotalAssets! - l.args.newTotalAssets! };
          if (l.eventName === "RateSynced") {
            const [before, block] = await Promise.all([
              client.readContract({ address: vault, abi: vaultAbi, functionName: "books", blockNumber: l.blockNumber! - 1n }),
              client.getBlock({ blockNumber: l.blockNumber! }),
            ]);
            const found = syncGain({ oldTotalAssets: l.args.oldTotalAssets!, measuredAssets: l.args.measuredAssets!, pendingBefore: pendingAt(before, block.timestamp) });
            return { booked: found.gain, losses: found.loss, fee: (l.args.feeShares! * l.args.newRate!) / WAD };
          }
          if (l.eventName === "RewardsClaimed" && !l.args.toTreasury) {
            const price = await client
              .readContract({ address: deployment.trellis.assetRegistry, abi: assetRegistryAbi, functionName: "price", args: [l.args.token!], blockNumber: l.blockNumber })
              .catch(() => 0n); // a reward token Trellis does not price adds nothing to the rate
            return { rewards: (l.args.amount! * price) / WAD };
          }
          return {};
        }),
      );
      const sum = (k: "booked" | "losses" | "fee" | "rewards") => parts.reduce((t, p) => t + ((p as Partial<Record<typeof k, bigint>>)[k] ?? 0n), 0n);
      const streaming = (await client.readContract({ address: vault, abi: vaultAbi, functionName: "books", blockNumber: latest })).pending;
      const breakdown = aprBreakdown(points, { booked: sum("booked"), rewards: sum("rewards"), losses: sum("losses"), fee: sum("fee") });
      return { points, syncs, realisedApr: realisedApr(points), breakdown, streaming };
    },
    refetchInterval: devnet ? 8_000 : 60_000,
  });
}

/** Annualised growth of the rate from the first to the last point (simple, not compounded); undefined under an hour. */
export function realisedApr(points: HistoryPoint[]): number | undefined {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || last.timestamp - first.timestamp < 3_600 || first.rate === 0n) return undefined;
  const growth = Number(((last.rate - first.rate) * 10n ** 12n) / first.rate) / 1e12;
  return (growth * 365 * 86_400) / (last.timestamp - first.timestamp);
}

/** Annualises the window's ETH amounts over the time-weighted TVL of the points; undefined under an hour. */
export function aprBreakdown(points: HistoryPoint[], eth: { booked: bigint; rewards: bigint; losses?: bigint; fee: bigint }): AprBreakdown | undefined {
  let tvlSeconds = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    tvlSeconds += ((Number(a.totalAssets) + Number(b.totalAssets)) / 2e18) * (b.timestamp - a.timestamp);
  }
  const span = points.length ? points[points.length - 1]!.timestamp - points[0]!.timestamp : 0;
  if (span < 3_600 || tvlSeconds <= 0) return undefined;
  const apr = (wei: bigint) => ((Number(wei) / 1e18) * YEAR) / tvlSeconds;
  const booked = apr(eth.booked);
  const avsRewards = apr(eth.rewards);
  const fee = apr(eth.fee);
  const losses = apr(eth.losses ?? 0n);
  // Rewards are part of what the syncs found; a reward the window's syncs have not measured yet is not counted.
  const rewards = Math.min(avsRewards, booked);
  return { booked, avsRewards: rewards, lstYieldAndOther: booked - rewards, losses, fee, net: booked - losses - fee };
}
