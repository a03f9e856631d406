// The connected depositor: LST and trETH balances, entry allowances, position, redemption requests, exit quotes.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { erc20Abi, getAbiItem, type Address } from "viem";
import { trETHAbi } from "../../../src/abi/generated/TrETH.js";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { withdrawalQueueAbi } from "../../../src/abi/generated/WithdrawalQueue.js";
import { trellisEntryAbi } from "../../../src/abi/generated/TrellisEntry.js";
import { useAppConfig, useEntryAssets } from "../context.js";

/** `allowance` is the entry's: deposits are approved to the asset's entry, which pulls for the vault. */
export type AssetBalance = { symbol: string; token: Address; entry: Address; balance: bigint; allowance: bigint };

export function useBalances(owner: Address | undefined) {
  const { deployment, devnet } = useAppConfig();
  const { all } = useEntryAssets();
  const client = usePublicClient()!;
  const { trETH } = deployment.trellis;
  return useQuery({
    queryKey: ["balances", owner],
    enabled: !!owner,
    queryFn: async () => {
      const assets = await Promise.all(
        all.map(async (a): Promise<AssetBalance> => {
          const [balance, allowance] = await Promise.all([
            client.readContract({ address: a.token, abi: erc20Abi, functionName: "balanceOf", args: [owner!] }),
            client.readContract({ address: a.token, abi: erc20Abi, functionName: "allowance", args: [owner!, a.entry] }),
          ]);
          return { symbol: a.symbol, token: a.token, entry: a.entry, balance, allowance };
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

/** trETH minted for `amount` through the asset's entry, as it would mint now (`entry.previewDeposit`). */
export function useDepositPreview(entry: Address | undefined, amount: bigint | undefined) {
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["previewDeposit", entry, amount?.toString()],
    enabled: !!entry && !!amount && amount > 0n,
    queryFn: () => client.readContract({ address: entry!, abi: trellisEntryAbi, functionName: "previewDeposit", args: [amount!] }),
    retry: false,
  });
}

export type RequestState = "waiting" | "claimable" | "claimed" | "cancelled";
export type WithdrawalRequestRow = {
  id: bigint;
  asset: Address;
  entry: Address | undefined;
  shares: bigint;
  valueAtRequest: bigint;
  requestedAt: number;
  payableFrom: number;
  /** Claimable: this request's pro-rata part of the pool, in asset units. */
  claimable: bigint;
  /** Claimable: everything `redeem(maxRedeem(me))` on the entry takes now (pooled per controller and asset). */
  poolShares: bigint;
  state: RequestState;
};

const STATUS = { pending: 1, claimable: 2, cancelled: 3 } as const;

/** The controller's redemption requests (`RedeemRequested` naming it), each read back with `getRequest` and `payableFrom`. */
export function useWithdrawalRequests(controller: Address | undefined) {
  const { deployment, fromBlock, devnet } = useAppConfig();
  const { all } = useEntryAssets();
  const client = usePublicClient()!;
  const queue = deployment.trellis.withdrawalQueue;
  return useQuery({
    queryKey: ["requests", controller],
    enabled: !!controller,
    queryFn: async () => {
      const logs = await client.getLogs({
        address: queue,
        event: getAbiItem({ abi: withdrawalQueueAbi, name: "RedeemRequested" }),
        args: { controller },
        fromBlock: BigInt(fromBlock),
      });
      const pools = new Map<string, Promise<readonly [bigint, bigint]>>();
      const pool = (asset: Address) => {
        const k = asset.toLowerCase();
        if (!pools.has(k)) pools.set(k, client.readContract({ address: queue, abi: withdrawalQueueAbi, functionName: "claimableOf", args: [asset, controller!] }));
        return pools.get(k)!;
      };
      const rows = await Promise.all(
        logs.map(async (l): Promise<WithdrawalRequestRow> => {
          const id = l.args.requestId!;
          const [r, payableFrom] = await Promise.all([
            client.readContract({ address: queue, abi: withdrawalQueueAbi, functionName: "getRequest", args: [id] }),
            client.readContract({ address: queue, abi: withdrawalQueueAbi, functionName: "payableFrom", args: [id] }),
          ]);
          const entry = all.find((a) => a.token.toLowerCase() === r.asset.toLowerCase())?.entry;
          let state: RequestState = r.status === STATUS.cancelled ? "cancelled" : r.status === STATUS.pending ? "waiting" : "claimable";
          let claimable = 0n;
          let poolShares = 0n;
          if (state === "claimable") {
            const [shares, assets] = await pool(r.asset);
            if (shares === 0n) state = "claimed";
            else {
              poolShares = shares;
              claimable = (assets * (r.shares < shares ? r.shares : shares)) / shares;
            }
          }
          return { id, asset: r.asset, entry, shares: r.shares, valueAtRequest: r.valueAtRequest, requestedAt: Number(r.requestedAt), payableFrom: Number(payableFrom), claimable, poolShares, state };
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

/**
 * What a request of `shares` in the entry's asset is worth now (`convertToAssets`, ETH: it pays at most this) and
 * when it could be paid (now + `exitParams().minRedeemDelay`).
 */
export function useExitPreview(shares: bigint | undefined) {
  const { deployment } = useAppConfig();
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["exitPreview", shares?.toString()],
    enabled: shares !== undefined && shares > 0n,
    queryFn: async () => {
      const [value, params, block] = await Promise.all([
        client.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "convertToAssets", args: [shares!] }),
        client.readContract({ address: deployment.trellis.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "exitParams" }),
        client.getBlock(),
      ]);
      return { value, minRedeemDelay: params.minRedeemDelay, now: Number(block.timestamp), payableFrom: Number(block.timestamp) + params.minRedeemDelay };
    },
  });
}

/** The instant lane's quote for `shares` through `entry` (`previewInstantRedeem`: assets paid, fee in ETH), or its revert. */
export function useInstantQuote(entry: Address | undefined, shares: bigint | undefined) {
  const client = usePublicClient()!;
  return useQuery({
    queryKey: ["instantQuote", entry, shares?.toString()],
    enabled: !!entry && shares !== undefined && shares > 0n,
    queryFn: async () => {
      const [assets, feeValue] = await client.readContract({ address: entry!, abi: trellisEntryAbi, functionName: "previewInstantRedeem", args: [shares!] });
      return { assets, feeValue };
    },
    retry: false,
    refetchInterval: 6_000,
  });
}
