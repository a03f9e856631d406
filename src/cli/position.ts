// `trellis position [address]` and `trellis preview deposit|withdraw`: what an address holds and what an
// action would give, in units, from the contracts' own views. Reads only.
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
  /** Pending: requests ahead of this one in the FIFO queue. */
  ahead: bigint;
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
 * Withdrawal requests `owner` holds and has not claimed: found by the requests minted to it, kept while it
 * still owns them. (The one reader of requests; re-pointed at ERC-7540 requests after the redesign.)
 */
export async function readRequestsOf(ctx: CliContext, owner: Address, blockNumber: bigint): Promise<OpenRequest[]> {
  const wq = ctx.deployment.trellis.withdrawalQueue;
  const logs = await ctx.publicClient.getLogs({
    address: wq,
    event: getAbiItem({ abi: withdrawalQueueAbi, name: "WithdrawalRequested" }),
    args: { owner },
    fromBlock: 0n,
    toBlock: blockNumber,
  });
  const nextToFinalize = await read<bigint>(ctx, wq, withdrawalQueueAbi, "nextToFinalize", [], blockNumber);
  const out: OpenRequest[] = [];
  for (const log of logs) {
    const id = log.args.requestId!;
    const holder = await read<Address>(ctx, wq, withdrawalQueueAbi, "ownerOf", [id], blockNumber).catch(() => undefined);
    if (holder?.toLowerCase() !== owner.toLowerCase()) continue;
    const r = await read<{ asset: Address; shares: bigint; valueAtRequest: bigint; requestedAt: number; finalizedAt: number; claimed: boolean }>(ctx, wq, withdrawalQueueAbi, "getRequest", [id], blockNumber);
    if (r.claimed) continue;
    const symbol = ctx.deployment.assets.find((a) => a.token.toLowerCase() === r.asset.toLowerCase())?.symbol ?? r.asset;
    const finalized = r.finalizedAt > 0;
    let amount: bigint;
    if (finalized) amount = await read<bigint>(ctx, wq, withdrawalQueueAbi, "claimableAmount", [id], blockNumber);
    else {
      // Pays min(value at request, value at finalization): today's value bounds it.
      const now = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi, "convertToAssets", [r.shares], blockNumber);
      amount = await unitsForValue(ctx, r.asset, now < r.valueAtRequest ? now : r.valueAtRequest, blockNumber);
    }
    out.push({ id, asset: r.asset, symbol, shares: r.shares, valueAtRequest: r.valueAtRequest, requestedAt: BigInt(r.requestedAt), state: finalized ? "claimable" : "pending", amount, ahead: finalized ? 0n : id - nextToFinalize });
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
          : `    ${what}; pending, ${r.ahead} request(s) ahead; about ${u.amount(r.amount, r.symbol)}, payable once the keeper finalizes it (FIFO, when idle ${r.symbol} covers it)`,
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
