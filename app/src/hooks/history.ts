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

/** Where the window's gains came from, each annualised over the time-weighted TVL (fractions, 0.05 = 5%). */
/** `booked` is the gains booked at syncs; `losses` the falls booked at once (`LossBooked`, slashes); net = booked − losses − fee. */
export type AprBreakdown = { booked: number; avsRewards: number; lstYieldAndOther: number; losses: number; fee: number; net: number };

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
      // Booked gains and fees from each sync; restaked AVS rewards valued at the registry's price then.
      let booked = 0n;
      let fee = 0n;
      let rewards = 0n;
      let losses = 0n;
      for (const l of logs) {
        if (l.eventName === "LossBooked") losses += l.args.oldTotalAssets! - l.args.newTotalAssets!;
        if (l.eventName === "RateSynced") {
          booked += l.args.newTotalAssets! - l.args.oldTotalAssets!;
          fee += (l.args.feeShares! * l.args.newRate!) / WAD;
        } else if (l.eventName === "RewardsClaimed" && !l.args.toTreasury) {
          const price = await client
            .readContract({ address: deployment.trellis.assetRegistry, abi: assetRegistryAbi, functionName: "price", args: [l.args.token!], blockNumber: l.blockNumber })
            .catch(() => 0n); // a reward token Trellis does not price adds nothing to the rate
          rewards += (l.args.amount! * price) / WAD;
        }
      }
      return { points, syncs, realisedApr: realisedApr(points), breakdown: aprBreakdown(points, { booked, rewards, losses, fee }) };
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
  return { booked, avsRewards, lstYieldAndOther: booked - avsRewards, losses, fee, net: booked - losses - fee };
}
