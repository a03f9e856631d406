// A decoded revert in words for a depositor: the error's name, what it means, and its arguments formatted.
import type { Address } from "viem";
import type { DecodedRevert } from "../../src/chain/errors.js";
import { humanizeRevert } from "../../src/chain/humanize.js";
import { formatAmount } from "./format.js";

const MEANING: Record<string, string> = {
  ZeroAmount: "the amount is zero",
  AssetNotSupported: "this asset is not accepted",
  DepositBelowMinimum: "the amount is below the asset's minimum deposit",
  DepositCapExceeded: "the asset's deposit cap would be exceeded",
  SlippageExceeded: "fewer trETH would be minted than your minimum",
  ActionPaused: "this action is paused by the guardian",
  PriceOutOfBounds: "the asset's price is outside its safety bounds",
  WithdrawalsPaused: "withdrawals are paused",
  InsufficientAssetLiquidity: "the vault cannot pay this much in that asset",
  WithdrawalBelowMinimum: "the withdrawal is below the asset's minimum",
  MeasurementStale: "the vault's holdings were not refreshed recently enough; deposits resume after the next refresh",
  MarketPriceDiverged: "the asset's market price is too far from its protocol price",
  MarketPriceStale: "the asset's market price feed is stale",
  RequestNotPending: "the request is no longer pending",
  ExceedsClaimable: "more than is claimable",
  NotAuthorized: "you may not act for this owner",
  RedeemNotSupported: "this asset's entry takes deposits only: withdraw in another asset",
  InstantLimitExceeded: "the instant lane's budget for this period is used up (available, wanted)",
  InstantLaneClosed: "the instant lane is closed: the asset's idle liquidity would fall below its low watermark",
  InstantSlippage: "the instant lane would pay less than your minimum",
  ERC20InsufficientBalance: "your balance is too low",
  ERC20InsufficientAllowance: "the approval is too low: approve first",
};

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

function arg(a: unknown, symbolOf: (address: string) => string | undefined): string {
  if (typeof a === "bigint") return a >= 1_000_000_000n ? formatAmount(a) : a.toString();
  if (typeof a === "string" && /^0x[0-9a-fA-F]{40}$/.test(a)) return symbolOf(a) ?? `${a.slice(0, 6)}…${a.slice(-4)}`;
  return String(a);
}

/**
 * `DepositBelowMinimum: the amount is below the asset's minimum deposit (min deposit 0.001 stETH, amount 0.0001 stETH)`:
 * the arguments named and in units (as the CLI says them) when the error's ABI is known, else listed.
 */
export function revertInWords(r: DecodedRevert, symbolOf: (address: string) => string | undefined): string {
  const meaning = MEANING[r.errorName] ?? words(r.errorName);
  if (r.inputs && r.inputs.length === r.args.length && r.args.length > 0) {
    // The app's assets are all 18-decimal tokens (the deployment's LSTs and trETH).
    const asset = (a: Address) => {
      const symbol = symbolOf(a);
      return symbol ? { symbol, decimals: 18 } : undefined;
    };
    const named = humanizeRevert(r, { asset }).slice(r.errorName.length + 2);
    if (named) return `${r.errorName}: ${meaning} (${named})`;
  }
  const args = r.args.length ? ` (${r.args.map((a) => arg(a, symbolOf)).join(", ")})` : "";
  return `${r.errorName}: ${meaning}${args}`;
}
