// Amounts, rates, times and durations for people: `12.5 stETH`, `1.0046 ETH/trETH`, `2026-12-01 14:05 UTC`,
// `6 d 23 h`. Amounts stay bigint until here; `raw` (the CLI's --wei) prints the integer as it is on chain.

export type AmountFormat = {
  /** Print the raw integer (wei) instead of token units. */
  raw?: boolean | undefined;
  /** Significant fraction digits kept (trailing zeros dropped); default 4, more when the value is small. */
  digits?: number | undefined;
};

/** Thousands separators on the integer part: 1234567 -> 1,234,567. */
export const groupThousands = (int: string): string => int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * A token amount in units with its symbol: `formatAmount(12_500000000000000000n, 18, "stETH")` is
 * `12.5 stETH`. Rounds toward zero; keeps enough digits that a non-zero amount never prints as 0.
 */
export function formatAmount(value: bigint, decimals: number, symbol?: string, opts: AmountFormat = {}): string {
  const unit = symbol ? ` ${symbol}` : "";
  if (opts.raw) return `${value}${symbol ? ` wei ${symbol}` : ""}`;
  const neg = value < 0n;
  const v = neg ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const int = v / scale;
  let frac = (v % scale).toString().padStart(decimals, "0");
  let digits = opts.digits ?? 4;
  // Small non-zero values: show up to the first 3 significant digits rather than `0`.
  if (int === 0n && v !== 0n) {
    const firstNonZero = frac.search(/[1-9]/);
    if (firstNonZero + 3 > digits) digits = Math.min(decimals, firstNonZero + 3);
  }
  frac = frac.slice(0, digits).replace(/0+$/, "");
  return `${neg ? "-" : ""}${groupThousands(int.toString())}${frac ? `.${frac}` : ""}${unit}`;
}

/** An 18-decimal ETH amount: `1,234.5 ETH`. */
export const formatEth = (wei: bigint, opts: AmountFormat = {}): string => formatAmount(wei, 18, "ETH", opts);

/** The trETH rate (ETH per trETH, 18 decimals): `1.0046 ETH/trETH`, 6 digits by default. */
export const formatRate = (rate: bigint, opts: AmountFormat = {}): string =>
  opts.raw ? `${rate} (1e18 = 1 ETH/trETH)` : `${formatAmount(rate, 18, undefined, { digits: opts.digits ?? 6 })} ETH/trETH`;

/** A fraction as a percentage: 0.04213 -> `4.21%`. */
export const formatPercent = (fraction: number, digits = 2): string => (Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : "n/a");

/** Basis points as a percentage: 2500 -> `25%`. */
export const formatBps = (bps: bigint | number): string => `${(Number(bps) / 100).toString()}%`;

/** A unix time (seconds) as a UTC date and time: `2026-12-01 14:05 UTC`. */
export function formatDate(unixSeconds: bigint | number): string {
  const ms = Number(unixSeconds) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) return "never";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A duration in seconds, two largest units: `6 d 23 h`, `5 min 3 s`, `0 s`. Negative durations say "ago". */
export function formatDuration(seconds: bigint | number): string {
  let s = Math.round(Math.abs(Number(seconds)));
  const ago = Number(seconds) < 0;
  const parts: string[] = [];
  // The largest unit present and the one below it: "2 d 3 h", "5 min 3 s" ("2 d 0 h" drops to "2 d").
  for (const [unit, len] of [["d", 86_400], ["h", 3_600], ["min", 60], ["s", 1]] as const) {
    if (parts.length === 0 && s < len && unit !== "s") continue;
    const n = Math.floor(s / len);
    s %= len;
    if (parts.length === 0 || n > 0) parts.push(`${n} ${unit}`);
    if (parts.length === 2 || unit === "s" || parts.length === 1 && n === 0) break;
  }
  const text = parts.join(" ");
  return ago ? `${text} ago` : text;
}

/** When `at` comes relative to `now`: `2026-12-08 14:05 UTC (in 6 d 23 h)` or `(... ago)`. */
export function formatWhen(at: bigint | number, now: bigint | number): string {
  const delta = Number(at) - Number(now);
  if (Number(at) <= 0) return "never";
  return `${formatDate(at)} (${delta >= 0 ? `in ${formatDuration(delta)}` : formatDuration(delta)})`;
}

/** A short address for tables: `0x1234…abcd`. */
export const shortAddress = (a: string): string => `${a.slice(0, 6)}…${a.slice(-4)}`;
