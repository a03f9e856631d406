// Every contract write the app makes, one function each: simulate first (so a revert is named before
// anything is signed), then send through the connected wallet. Deposits and exits go through the asset's
// entry (`deployment.assets[].entry`): ERC-7575 deposits, ERC-7540 redemption and the instant lane.
import type { Config } from "wagmi";
import { readContract, simulateContract, writeContract } from "wagmi/actions";
import { erc20Abi, type Address, type Hash } from "viem";
import { trellisEntryAbi } from "../../../src/abi/generated/TrellisEntry.js";
import { devnetStETHAbi } from "../../../src/abi/generated/DevnetStETH.js";
import type { Deployment } from "../../../src/devnet/deployment.js";

type Ctx = { config: Config; deployment: Deployment; account: Address };

/** Lets the asset's entry pull exactly `amount` of the LST (its own step, before the deposit). */
export async function approveAsset(c: Ctx, p: { token: Address; entry: Address; amount: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, { account: c.account, address: p.token, abi: erc20Abi, functionName: "approve", args: [p.entry, p.amount] });
  return writeContract(c.config, request);
}

/** Deposits `amount` through the asset's entry (`deposit(assets, receiver, minShares)`); SlippageExceeded below `minShares`. */
export async function depositAsset(c: Ctx, p: { entry: Address; amount: bigint; minShares: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: p.entry,
    abi: trellisEntryAbi,
    functionName: "deposit",
    args: [p.amount, c.account, p.minShares],
  });
  return writeContract(c.config, request);
}

/** Opens a redemption request paid in the entry's asset: escrows `shares` trETH of the caller, who is owner and controller. */
export async function requestRedeem(c: Ctx, p: { entry: Address; shares: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: p.entry,
    abi: trellisEntryAbi,
    functionName: "requestRedeem",
    args: [p.shares, c.account, c.account],
  });
  return writeContract(c.config, request);
}

/** Cancels a pending request: its escrowed trETH comes back exactly. */
export async function cancelRedeem(c: Ctx, p: { entry: Address; requestId: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: p.entry,
    abi: trellisEntryAbi,
    functionName: "cancelRedeemRequest",
    args: [p.requestId, c.account],
  });
  return writeContract(c.config, request);
}

/** Claims the caller's whole claimable pool in the entry's asset (`redeem(maxRedeem(me), me, me)`): claims are pooled per controller and asset. */
export async function claimRedeemed(c: Ctx, p: { entry: Address }): Promise<Hash> {
  const shares = await readContract(c.config, { address: p.entry, abi: trellisEntryAbi, functionName: "maxRedeem", args: [c.account] });
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: p.entry,
    abi: trellisEntryAbi,
    functionName: "redeem",
    args: [shares, c.account, c.account],
  });
  return writeContract(c.config, request);
}

/** The instant lane: pays at once for its fee; reverts with InstantSlippage below `minAssets`. */
export async function instantRedeem(c: Ctx, p: { entry: Address; shares: bigint; minAssets: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: p.entry,
    abi: trellisEntryAbi,
    functionName: "instantRedeem",
    args: [p.shares, c.account, c.account, p.minAssets],
  });
  return writeContract(c.config, request);
}

/** Devnet only: stake ETH with the devnet's Lido look-alike (`submit`) to get stETH to deposit. */
export async function stakeEthForStEth(c: Ctx, p: { stEth: Address; value: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, { account: c.account, address: p.stEth, abi: devnetStETHAbi, functionName: "submit", args: [c.account], value: p.value });
  return writeContract(c.config, request);
}
