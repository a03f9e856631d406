// Every contract write the app makes, one function each: simulate first (so a revert is named before
// anything is signed), then send through the connected wallet. Deposits and exits are re-pointed here
// when the ERC-7575 entries and ERC-7540 redemption land.
import type { Config } from "wagmi";
import { simulateContract, writeContract } from "wagmi/actions";
import { erc20Abi, type Address, type Hash } from "viem";
import { trETHAbi } from "../../../src/abi/generated/TrETH.js";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { withdrawalQueueAbi } from "../../../src/abi/generated/WithdrawalQueue.js";
import { devnetStETHAbi } from "../../../src/abi/generated/DevnetStETH.js";
import type { Deployment } from "../../../src/devnet/deployment.js";

type Ctx = { config: Config; deployment: Deployment; account: Address };

/** Lets the vault pull exactly `amount` of an LST (its own step, before the deposit). */
export async function approveAsset(c: Ctx, p: { token: Address; amount: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, { account: c.account, address: p.token, abi: erc20Abi, functionName: "approve", args: [c.deployment.trellis.vault, p.amount] });
  return writeContract(c.config, request);
}

/** Deposits `amount` of `asset`; reverts with SlippageExceeded below `minShares` trETH. */
export async function depositAsset(c: Ctx, p: { asset: Address; amount: bigint; minShares: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: c.deployment.trellis.vault,
    abi: vaultAbi,
    functionName: "deposit",
    args: [p.asset, p.amount, p.minShares, c.account],
  });
  return writeContract(c.config, request);
}

/** Lets the withdrawal queue escrow `shares` trETH (its own step, before the request). */
export async function approveTrEthForExit(c: Ctx, p: { shares: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, { account: c.account, address: c.deployment.trellis.trETH, abi: trETHAbi, functionName: "approve", args: [c.deployment.trellis.withdrawalQueue, p.shares] });
  return writeContract(c.config, request);
}

/** Escrows `shares` trETH for a withdrawal paid in `asset`. */
export async function requestExit(c: Ctx, p: { shares: bigint; asset: Address }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: c.deployment.trellis.withdrawalQueue,
    abi: withdrawalQueueAbi,
    functionName: "requestWithdrawal",
    args: [p.shares, p.asset, c.account],
  });
  return writeContract(c.config, request);
}

/** Claims a finalized request: pays its LST to the request's owner. */
export async function claimExit(c: Ctx, p: { requestId: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, {
    account: c.account,
    address: c.deployment.trellis.withdrawalQueue,
    abi: withdrawalQueueAbi,
    functionName: "claim",
    args: [p.requestId],
  });
  return writeContract(c.config, request);
}

/** Devnet only: stake ETH with the devnet's Lido look-alike (`submit`) to get stETH to deposit. */
export async function stakeEthForStEth(c: Ctx, p: { stEth: Address; value: bigint }): Promise<Hash> {
  const { request } = await simulateContract(c.config, { account: c.account, address: p.stEth, abi: devnetStETHAbi, functionName: "submit", args: [c.account], value: p.value });
  return writeContract(c.config, request);
}
