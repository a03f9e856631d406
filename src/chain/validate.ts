// Input checks that run before any RPC: a bad argument is one clear line and a non-zero exit, never an
// "rpc error" retried with backoff.
import { getAddress, isAddress, type Address } from "viem";

/** A command-line argument that is not valid; the message names the argument and what it should be. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** A checksummed address from `--name value`; refuses anything but 0x + 40 hex digits (any case). */
export function parseAddressArg(value: string, name: string): Address {
  const v = value.trim();
  if (!isAddress(v, { strict: false })) throw new InputError(`${name}: "${value}" is not an address (0x followed by 40 hex digits)`);
  return getAddress(v);
}

/**
 * A decimal amount in token units to its integer (wei) value: `parseAmountArg("1.5", 18, "amount")`.
 * Refuses signs, exponents, more fraction digits than the token has, and (unless `allowZero`) zero.
 */
export function parseAmountArg(value: string, decimals: number, name: string, opts: { allowZero?: boolean; symbol?: string } = {}): bigint {
  const v = value.trim().replace(/_/g, "");
  const m = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/.exec(v);
  const unit = opts.symbol ? ` ${opts.symbol}` : "";
  if (!m) throw new InputError(`${name}: "${value}" is not a non-negative decimal amount${unit ? ` of${unit}` : ""} (e.g. 1.5)`);
  const int = m[1] ?? "0";
  const frac = m[2] ?? m[3] ?? "";
  if (frac.length > decimals) throw new InputError(`${name}: "${value}" has ${frac.length} decimals; ${opts.symbol ?? "the token"} has ${decimals}`);
  const wei = BigInt(int) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
  if (wei === 0n && !opts.allowZero) throw new InputError(`${name}: must be more than 0`);
  return wei;
}

/** An integer amount already in wei (`--wei` input). */
export function parseWeiArg(value: string, name: string, opts: { allowZero?: boolean } = {}): bigint {
  const v = value.trim();
  if (!/^\d+$/.test(v)) throw new InputError(`${name}: "${value}" is not a non-negative integer (wei)`);
  const wei = BigInt(v);
  if (wei === 0n && !opts.allowZero) throw new InputError(`${name}: must be more than 0`);
  return wei;
}

/** A non-negative integer (ids, counts); `max` bounds it (e.g. 2^256-1 for a uint256). */
export function parseIntegerArg(value: string, name: string, opts: { min?: bigint; max?: bigint } = {}): bigint {
  const v = value.trim();
  if (!/^\d+$/.test(v)) throw new InputError(`${name}: "${value}" is not a non-negative integer`);
  const n = BigInt(v);
  if (opts.min !== undefined && n < opts.min) throw new InputError(`${name}: must be at least ${opts.min}`);
  const max = opts.max ?? 2n ** 256n - 1n;
  if (n > max) throw new InputError(`${name}: must be at most ${max}`);
  return n;
}

/** A small positive count (weeks, days, blocks) as a number. */
export function parseCountArg(value: string, name: string, opts: { min?: number; max?: number } = {}): number {
  const n = Number(parseIntegerArg(value, name, { min: BigInt(opts.min ?? 1), max: BigInt(opts.max ?? 1_000_000_000) }));
  return n;
}

/** A positive decimal number of seconds (poll intervals). */
export function parseSecondsArg(value: string, name: string): number {
  const v = value.trim();
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new InputError(`${name}: "${value}" is not a positive number of seconds`);
  return Number(v);
}
