// Rate and TVL over time. The blocks come from the vault's events (syncs, deposits, payouts to the
// queue); the values are the vault's own `rate()` and `totalAssets()` read at each of those blocks.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { getAbiItem } from "viem";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { useAppConfig } from "../context.js";

export type HistoryPoint = { block: bigint; timestamp: number; rate: bigint; totalAssets: bigint };

const MAX_POINTS = 120;
const EVENTS = [
  getAbiItem({ abi: vaultAbi, name: "RateSynced" }),
  getAbiItem({ abi: vaultAbi, name: "Deposited" }),
  getAbiItem({ abi: vaultAbi, name: "ReleasedToQueue" }),
] as const;

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
      return { points, syncs, realisedApr: realisedApr(points) };
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
