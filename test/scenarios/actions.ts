// The depositor's entry points the scenarios use, each in ONE small function so that a change of the vault's
// deposit or exit API (e.g. ERC-7575 entries per LST, ERC-7540 requestRedeem/redeem) is made here only.
import type { HDAccount } from "viem/accounts";
import type { Sim } from "../../src/demo/sim.js";

/** Deposits `amount` of the LST `symbol` for `user`; returns the trETH minted. */
export async function depositLst(sim: Sim, user: HDAccount, symbol: string, amount: bigint): Promise<bigint> {
  return sim.deposit(user, symbol, amount);
}

/** Asks to exit `shares` trETH into the LST `symbol` (ERC-7540 `requestRedeem` on its entry); returns the id. */
export async function requestExit(sim: Sim, user: HDAccount, shares: bigint, symbol: string): Promise<bigint> {
  return sim.requestRedeem(user, shares, symbol);
}

/** Claims everything `user` has claimable in `symbol` (ERC-7540 `redeem` on its entry); returns the units paid. */
export async function claimExit(sim: Sim, user: HDAccount, symbol: string): Promise<bigint> {
  return sim.claimRedeem(user, symbol);
}
