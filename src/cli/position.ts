// `trellis position [address]` and `trellis preview deposit|withdraw`: what an address holds and what an
// action would give, in units, from the contracts' own views. Reads only.
import { formatDate } from "../chain/format.js";
import type { AbiEvent } from "viem";
import { getAbiItem, type Address } from "viem";
import { assetRegistryAbi, trETHAbi, vaultAbi, withdrawalQueueAbi } from "../abi/generated/index.js";
import { formatPercent } from "../chain/format.js";
import type { CliContext } from "./context.js";
import { previewDeposit } from "./deposit.js";

export type RequestState = "pending" | "claimable" | "claimed";

export type OpenRequest = {
  id: bigint;
  asset: Address;
  symbol: string;
  shares: bigint;
  valueAtRequest: bigint;
  requestedAt: bigint;
  state: RequestState;
  /** Asset units payable now (claimable) or expected at today's rate and price (pending). */
  amount: bigint;
  /** Pending: when it can be finalized (unix seconds). */
  payableFrom: bigint;
};

export type Position = {
  address: Address;
  blockNumber: bigint;
  timestamp: bigint;
  shares: bigint;
  ethValue: bigint;
  rate: bigint;
  supply: bigint;
  totalAssets: bigint;
  shareOfTvl: number;
  requests: OpenRequest[];
};

const read = <T>(ctx: CliContext, address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = [], blockNumber?: bigint) =>
  ctx.publicClient.readContract({ address, abi: abi as never, functionName, args, blockNumber } as never) as Promise<T>;

/** Asset units worth `ethValue` at the registry's price. */
async function unitsForValue(ctx: CliContext, asset: Address, ethValue: bigint, blockNumber?: bigint): Promise<bigint> {
  const price = await read<bigint>(ctx, ctx.deployment.trellis.assetRegistry, assetRegistryAbi, "price", [asset], blockNumber);
  return price === 0n ? 0n : (ethValue * 10n ** 18n) / price;
}

export async function readPosition(ctx: CliContext, address: Address): Promise<Position> {
  const { vault, trETH } = ctx.deployment.trellis;
  const block = await ctx.publicClient.getBlock();
  const at = block.number;
  const [shares, supply, totalAssets, rate] = await Promise.all([
    read<bigint>(ctx, trETH, trETHAbi, "balanceOf", [address], at),
    read<bigint>(ctx, trETH, trETHAbi, "totalSupply", [], at),
    read<bigint>(ctx, vault, vaultAbi, "totalAssets", [], at),
    read<bigint>(ctx, vault, vaultAbi, "rate", [], at),
  ]);
  const ethValue = await read<bigint>(ctx, vault, vaultAbi, "convertToAssets", [shares], at);
  const requests = await readRequestsOf(ctx, address, at);
  return { address, blockNumber: at, timestamp: block.timestamp, shares, ethValue, rate, supply, totalAssets, shareOfTvl: supply === 0n ? 0 : Number((shares * 1_000_000n) / supply) / 1_000_000, requests };
}

/**
 * Redemption requests `controller` manages that are not yet claimed or cancelled: found by `RedeemRequested`
 * logs naming it, then read back. (The one reader of requests.) Claimable requests are pooled per asset: each
 * shows its pro-rata part of the pool.
 */
export async function readRequestsOf(ctx: CliContext, controller: Address, blockNumber: bigint): Promise<OpenRequest[]> {
  const wq = ctx.deployment.trellis.withdrawalQueue;
  const logs = await ctx.publicClient.getLogs({
    address: wq,
    event: getAbiItem({ abi: withdrawalQueueAbi, name: "RedeemRequested" }) as AbiEvent,
    args: { controller } as never,
    fromBlock: 0n,
    toBlock: blockNumber,
  });
  const out: OpenRequest[] = [];
  for (const log of logs as unknown as { args: { requestId: bigint } }[]) {
    const id = log.args.requestId;
    const r = await read<{ asset: Address; shares: bigint; valueAtRequest: bigint; requestedAt: number; status: number }>(ctx, wq, withdrawalQueueAbi, "getRequest", [id], blockNumber);
    if (r.status !== 1 && r.status !== 2) continue;
    const symbol = ctx.deployment.assets.find((a) => a.token.toLowerCase() === r.asset.toLowerCase())?.symbol ?? r.asset;
    const claimable = r.status === 2;
    let amount: bigint;
    if (claimable) {
      const [poolShares, poolAssets] = await read<readonly [bigint, bigint]>(ctx, wq, withdrawalQueueAbi, "claimableOf", [r.asset, controller], blockNumber);
      if (poolShares === 0n) continue; // already claimed
      amount = (poolAssets * (r.shares < poolShares ? r.shares : poolShares)) / poolShares;
    } else {
      // Pays min(value at request, value at finalization): today's value bounds it.
      const now = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi, "convertToAssets", [r.shares], blockNumber);
      amount = await unitsForValue(ctx, r.asset, now < r.valueAtRequest ? now : r.valueAtRequest, blockNumber);
    }
    const payableFrom = await read<bigint>(ctx, wq, withdrawalQueueAbi, "payableFrom", [id], blockNumber);
    out.push({ id, asset: r.asset, symbol, shares: r.shares, valueAtRequest: r.valueAtRequest, requestedAt: BigInt(r.requestedAt), state: claimable ? "claimable" : "pending", amount, payableFrom });
  }
  return out;
}

export function formatPosition(ctx: CliContext, p: Position): string {
  const u = ctx.units;
  const lines = [
    `position of ${p.address} at block ${p.blockNumber}`,
    `  ${u.trEth(p.shares)}  worth ${u.eth(p.ethValue)} at ${u.rate(p.rate)}`,
    `  ${formatPercent(p.shareOfTvl, 4)} of ${u.trEth(p.supply)} (TVL ${u.eth(p.totalAssets)})`,
  ];
  if (p.requests.length === 0) lines.push("  no open withdrawal requests");
  else {
    lines.push("  open withdrawal requests:");
    for (const r of p.requests) {
      const what = `#${r.id}: ${u.trEth(r.shares)} for ${r.symbol}, requested ${new Date(Number(r.requestedAt) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
      lines.push(
        r.state === "claimable"
          ? `    ${what}; claimable now: ${u.amount(r.amount, r.symbol)} (trellis withdraw claim ${r.id})`
          : `    ${what}; pending, payable from ${formatDate(r.payableFrom)}; about ${u.amount(r.amount, r.symbol)} (the lower of its value at request and at payout)`,
      );
    }
  }
  return lines.join("\n");
}

export type DepositPreview = { asset: Address; symbol: string; amount: bigint; shares: bigint; ethValue: bigint; rate: bigint; minShares: bigint };

export async function readDepositPreview(ctx: CliContext, asset: { token: Address; symbol: string }, amount: bigint): Promise<DepositPreview> {
  const [shares, rate] = await Promise.all([previewDeposit(ctx, asset.token, amount), read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi, "rate")]);
  const ethValue = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi, "convertToAssets", [shares]);
  return { asset: asset.token, symbol: asset.symbol, amount, shares, ethValue, rate, minShares: (shares * 995n) / 1000n };
}

export type WithdrawPreview = { asset: Address; symbol: string; shares: bigint; ethValue: bigint; amount: bigint; balance: bigint };

/** What `shares` trETH would pay in `asset` at today's rate and price (the queue pays at most this). */
export async function readWithdrawPreview(ctx: CliContext, asset: { token: Address; symbol: string }, shares: bigint, holder: Address): Promise<WithdrawPreview> {
  const ethValue = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi, "convertToAssets", [shares]);
  const amount = await unitsForValue(ctx, asset.token, ethValue);
  const balance = await read<bigint>(ctx, ctx.deployment.trellis.trETH, trETHAbi, "balanceOf", [holder]);
  return { asset: asset.token, symbol: asset.symbol, shares, ethValue, amount, balance };
}
