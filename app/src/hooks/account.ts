// The connected depositor: LST and trETH balances, allowances, position, withdrawal requests.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { erc20Abi, getAbiItem, type Address } from "viem";
import { trETHAbi } from "../../../src/abi/generated/TrETH.js";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { withdrawalQueueAbi } from "../../../src/abi/generated/WithdrawalQueue.js";
import { useAppConfig } from "../context.js";

export type AssetBalance = { symbol: string; token: Address; balance: bigint; allowance: bigint };

export function useBalances(owner: Address | undefined) {
  const { deployment, devnet } = useAppConfig();
  const client = usePublicClient()!;
  const { vault, trETH } = deployment.trellis;
  return useQuery({
    queryKey: ["balances", owner],
    enabled: !!owner,
    queryFn: async () => {
      const assets = await Promise.all(
        deployment.assets.map(async (a): Promise<AssetBalance> => {
          const [balance, allowance] = await Promise.all([
            client.readContract({ address: a.token, abi: erc20Abi, functionName: "balanceOf", args: [owner!] }),
            client.readContract({ address: a.token, abi: erc20Abi, functionName: "allowance", args: [owner!, vault] }),
          ]);
          return { symbol: a.symbol, token: a.token, balance, allowance };
        }),
      );
      const [trEth, eth] = await Promise.all([
        client.readContract({ address: trETH, abi: trETHAbi, functionName: "balanceOf", args: [owner!] }),
        client.getBalance({ address: owner! }),
      ]);
      return { assets, trEth, eth };
    },
    refetchInterval: devnet ? 3_000 : 12_000,
  });
}

/** trETH held, its ETH value at the vault's rate (`convertToAssets`), and its share of the supply. */
export function usePosition(owner: Address | undefined) {
  const { deployment, devnet } = useAppConfig();
  const client = usePublicClient()!;
  const { vault, trETH } = deployment.trellis;
  return useQuery({
    queryKey: ["position", owner],
    enabled: !!owner,
    queryFn: async () => {
      const [shares, supply, rate] = await Promise.all([
        client.readContract({ address: trETH, abi: trETHAbi, functionName: "balanceOf", args: [owner!] }),
        client.readContract({ address: trETH, abi: trETHAbi, functionName: "totalSupply" }),
        client.readContract({ address: vault, abi: vaultAbi, functionName: "rate" }),
      ]);
      const ethValue = await client.readContract({ address: vault, abi: vaultAbi, functionName: "convertToAssets", args: [shares] });
      return { shares, supply, rate, ethValue };
    },
    refetchInterval: devnet ? 3_000 : 12_000,
  });
}

/** trETH minted for `amount` of `asset`, as the vault would mint it now (`previewDeposit`). */
export function useDepositPreview(asset: Address | undefined, amount: bigint | undefined) {
  const { deployment } = useAppConfig();
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["previewDeposit", asset, amount?.toString()],
    enabled: !!asset && !!amount && amount > 0n,
    queryFn: () => client.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "previewDeposit", args: [asset!, amount!] }),
    retry: false,
  });
}

export type RequestState = "waiting" | "claimable" | "claimed";
export type WithdrawalRequestRow = {
  id: bigint;
  asset: Address;
  shares: bigint;
  valueAtRequest: bigint;
  requestedAt: number;
  claimable: bigint;
  payout: bigint;
  state: RequestState;
};

/** The owner's withdrawal requests (from `WithdrawalRequested`), each read back with `getRequest`. */
export function useWithdrawalRequests(owner: Address | undefined) {
  const { deployment, fromBlock, devnet } = useAppConfig();
  const client = usePublicClient()!;
  const queue = deployment.trellis.withdrawalQueue;
  return useQuery({
    queryKey: ["requests", owner],
    enabled: !!owner,
    queryFn: async () => {
      const logs = await client.getLogs({
        address: queue,
        event: getAbiItem({ abi: withdrawalQueueAbi, name: "WithdrawalRequested" }),
        args: { owner },
        fromBlock: BigInt(fromBlock),
      });
      const rows = await Promise.all(
        logs.map(async (l): Promise<WithdrawalRequestRow> => {
          const id = l.args.requestId!;
          const [r, claimable] = await Promise.all([
            client.readContract({ address: queue, abi: withdrawalQueueAbi, functionName: "getRequest", args: [id] }),
            client.readContract({ address: queue, abi: withdrawalQueueAbi, functionName: "claimableAmount", args: [id] }),
          ]);
          const state: RequestState = r.claimed ? "claimed" : r.finalizedAt > 0 ? "claimable" : "waiting";
          return { id, asset: r.asset, shares: r.shares, valueAtRequest: r.valueAtRequest, requestedAt: Number(r.requestedAt), claimable, payout: r.payout, state };
        }),
      );
      return rows.reverse();
    },
    refetchInterval: devnet ? 3_000 : 12_000,
  });
}

const YEAR = 365 * 86_400;

/**
 * The holder's realised APR: the rate's growth since each of their deposits (the vault's `rate()` at the
 * deposit's block against now), weighted by the ETH each deposit put in and the time it has been in.
 * Exits are not netted out; undefined until the deposits are an hour old on average.
 */
export function useRealisedPositionApr(owner: Address | undefined) {
  const { deployment, fromBlock } = useAppConfig();
  const client = usePublicClient()!;
  const vault = deployment.trellis.vault;
  return useQuery({
    queryKey: ["positionApr", owner],
    enabled: !!owner,
    queryFn: async () => {
      const logs = await client.getLogs({ address: vault, event: getAbiItem({ abi: vaultAbi, name: "Deposited" }), args: { receiver: owner }, fromBlock: BigInt(fromBlock) });
      const now = await client.getBlock();
      const rateNow = await client.readContract({ address: vault, abi: vaultAbi, functionName: "rate", blockNumber: now.number });
      let gained = 0;
      let invested = 0;
      let valueTime = 0;
      for (const l of logs) {
        const [block, rateThen] = await Promise.all([
          client.getBlock({ blockNumber: l.blockNumber }),
          client.readContract({ address: vault, abi: vaultAbi, functionName: "rate", blockNumber: l.blockNumber }),
        ]);
        const value = Number(l.args.value!) / 1e18;
        gained += value * (Number((rateNow * 10n ** 12n) / rateThen) / 1e12 - 1);
        invested += value;
        valueTime += value * Number(now.timestamp - block.timestamp);
      }
      const averageAge = invested > 0 ? valueTime / invested : 0;
      return { deposits: logs.length, apr: averageAge >= 3_600 ? (gained * YEAR) / valueTime : undefined };
    },
  });
}

/** ETH value of `shares` at the vault's rate (`convertToAssets`): what a withdrawal request is worth now. */
export function useExitValue(shares: bigint | undefined) {
  const { deployment } = useAppConfig();
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["exitValue", shares?.toString()],
    enabled: shares !== undefined && shares > 0n,
    queryFn: () => client.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "convertToAssets", args: [shares!] }),
  });
}

/** trETH the withdrawal queue may escrow for `owner`. */
export function useTrEthAllowance(owner: Address) {
  const { deployment } = useAppConfig();
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["trEthAllowance", owner],
    queryFn: () => client.readContract({ address: deployment.trellis.trETH, abi: trETHAbi, functionName: "allowance", args: [owner, deployment.trellis.withdrawalQueue] }),
  });
}
