// Named reverts in human units, one style for every command:
//   DepositCapExceeded: cap 100,000 stETH, would reach 1,000,000,003 stETH
// Units come from the error's parameter names: an `asset` parameter gives its amounts the asset's symbol,
// `shares` are trETH, RiskRegistry limits are ETH values, ids are `#n`, prices are ETH per unit.
import type { Address } from "viem";
import type { DecodedRevert } from "./errors.js";
import { formatAmount, formatBps, shortAddress } from "./format.js";

export type RevertUnits = {
  /** The token at `address`, when it is a known asset. */
  asset?: (address: Address) => { symbol: string; decimals: number } | undefined;
  /** A readable name for an address (an AVS, an operator, a contract of the deployment). */
  name?: (address: Address) => string | undefined;
  /** --wei: integers as they are on chain. */
  raw?: boolean | undefined;
};

/** Words a person reads instead of a parameter's name, per error where the generic name misleads. */
const LABELS: Record<string, Record<string, string>> = {
  DepositCapExceeded: { wanted: "would reach" },
  InsufficientAssetLiquidity: { available: "payable", wanted: "requested" },
  InsufficientIdle: { wanted: "wanted" },
  SlippageExceeded: { minShares: "at least", shares: "would mint" },
};

/** Errors whose uint amounts (without an `asset` parameter) are ETH values. */
const ETH_VALUED = new Set(["OperatorCapExceeded", "AvsExposureCapExceeded", "OperatorSetExposureCapExceeded", "TotalSlashableCapExceeded", "LiquidBufferTooLow"]);

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

/** One line for a decoded revert, amounts in units with their symbols. */
export function humanizeRevert(revert: DecodedRevert, units: RevertUnits = {}): string {
  const inputs = revert.inputs;
  if (!inputs || inputs.length === 0 || revert.args.length !== inputs.length) {
    return revert.args.length === 0 ? revert.errorName : revert.text;
  }
  const assetIndex = inputs.findIndex((i) => i.type === "address" && i.name === "asset");
  const asset = assetIndex >= 0 ? units.asset?.(revert.args[assetIndex] as Address) : undefined;
  const parts: string[] = [];
  inputs.forEach((input, k) => {
    const name = input.name ?? `arg${k}`;
    const value = revert.args[k];
    const label = LABELS[revert.errorName]?.[name] ?? words(name);
    if (k === assetIndex && asset) return; // its symbol is on every amount
    parts.push(`${label} ${formatArg(revert.errorName, name, input.type, value, asset, units)}`);
  });
  return parts.length ? `${revert.errorName}: ${parts.join(", ")}` : revert.errorName;
}

function formatArg(
  errorName: string,
  name: string,
  type: string,
  value: unknown,
  asset: { symbol: string; decimals: number } | undefined,
  units: RevertUnits,
): string {
  if (type === "address") {
    const a = value as Address;
    return units.asset?.(a)?.symbol ?? units.name?.(a) ?? shortAddress(a);
  }
  if (typeof value !== "bigint" && typeof value !== "number") return String(value);
  const v = BigInt(value);
  const raw = { raw: units.raw };
  if (/id$/i.test(name)) return `#${v}`;
  if (/bps$/i.test(name)) return units.raw ? `${v} bps` : formatBps(v);
  if (!type.startsWith("uint")) return v.toString();
  if (/price/i.test(name)) return units.raw ? v.toString() : `${formatAmount(v, 18, undefined, { digits: 6 })} ETH/${asset?.symbol ?? "unit"}`;
  if (/shares/i.test(name)) return formatAmount(v, 18, "trETH", raw);
  if (asset) return formatAmount(v, asset.decimals, asset.symbol, raw);
  if (ETH_VALUED.has(errorName)) return formatAmount(v, 18, "ETH", raw);
  return v.toString();
}
