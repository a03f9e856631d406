// Amounts stay bigint until here; formatted once with the token's decimals and symbol.
import { formatUnits, parseUnits } from "viem";

/** `1234.5678 stETH`: at most `digits` decimals, thousands grouped, never raw wei. */
export function formatAmount(value: bigint, symbol?: string, opts: { decimals?: number; digits?: number; pad?: boolean } = {}): string {
  const { decimals = 18, digits = 4 } = opts;
  const s = formatUnits(value, decimals);
  const [int, frac = ""] = s.replace("-", "").split(".");
  // Below the shown digits, keep 3 significant digits rather than printing 0 (never wrong, never raw wei).
  const lead = frac.length - frac.replace(/^0+/, "").length;
  const shown = int === "0" && lead >= digits ? Math.min(decimals, lead + 3) : digits;
  const fracShown = (opts.pad ? frac.slice(0, shown).padEnd(shown, "0") : frac.slice(0, shown).replace(/0+$/, ""));
  const grouped = (int ?? "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const body = fracShown ? `${grouped}.${fracShown}` : grouped;
  const out = `${value < 0n ? "-" : ""}${body}`;
  return symbol ? `${out} ${symbol}` : out;
}

export const formatEth = (wei: bigint, digits = 4) => formatAmount(wei, "ETH", { digits });

/** A rate (ETH per trETH) always with `digits` decimals, so small moves show. */
export const formatRate = (wei: bigint, digits = 6) => formatAmount(wei, "ETH", { digits, pad: true });

/** Basis points as a percentage: 2500 -> "25%". */
export const formatBps = (bps: number) => `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;

/** a / b as a percentage with one decimal; "–" when b is zero. */
export function formatShare(a: bigint, b: bigint): string {
  if (b === 0n) return "–";
  return `${(Number((a * 100_000n) / b) / 1000).toFixed(1)}%`;
}

export const shortAddress = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** A unix time (seconds) as a local date and time. */
export const formatTime = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** How long until `seconds` (unix) from `now`: "in 3 d 4 h", or "now" once passed. */
export function formatEta(seconds: bigint, now: bigint): string {
  const left = Number(seconds - now);
  if (left <= 0) return "now";
  const d = Math.floor(left / 86_400);
  const h = Math.floor((left % 86_400) / 3_600);
  const m = Math.ceil((left % 3_600) / 60);
  return d ? `in ${d} d ${h} h` : h ? `in ${h} h ${m} min` : `in ${m} min`;
}

/** A typed amount in token units ("1.5") as bigint; undefined for anything that is not a plain decimal. */
export function parseAmount(text: string, decimals = 18): bigint | undefined {
  const t = text.trim();
  if (!/^\d*\.?\d*$/.test(t) || t === "" || t === ".") return undefined;
  try {
    return parseUnits(t, decimals);
  } catch {
    return undefined;
  }
}

/** The exact amount for an input field (no grouping, every decimal). */
export const amountInput = (value: bigint, decimals = 18) => formatUnits(value, decimals);
