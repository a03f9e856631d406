// The depositor's entry points the scenarios use, each in ONE small function so that a change of the vault's
// deposit or exit API (e.g. ERC-7575 entries per LST, ERC-7540 requestRedeem/redeem) is made here only.
import type { HDAccount } from "viem/accounts";
import type { Sim } from "../../src/demo/sim.js";

/** Deposits `amount` of the LST `symbol` for `user`; returns the trETH minted. */
export async function depositLst(sim: Sim, user: HDAccount, symbol: string, amount: bigint): Promise<bigint> {
  return sim.deposit(user, symbol, amount);
}

/** Asks to exit `shares` trETH into the LST `symbol`; returns the request's id. */
export async function requestExit(sim: Sim, user: HDAccount, shares: bigint, symbol: string): Promise<bigint> {
  return sim.requestWithdrawal(user, shares, symbol);
}

/** Takes a finalized exit's payout; returns the LST units paid. */
export async function claimExit(sim: Sim, user: HDAccount, id: bigint): Promise<bigint> {
  return sim.claimWithdrawal(user, id);
}
