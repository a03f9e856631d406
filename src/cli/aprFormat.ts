// Text for `trellis apr`.
import type { AprWindow } from "../chain/apr.js";
import { formatDate, formatDuration, formatPercent } from "../chain/format.js";
import type { CliContext } from "./context.js";

export function formatApr(ctx: CliContext, windows: AprWindow[], syncs: number): string {
  if (syncs === 0) return "no RateSynced yet: the rate has not moved since deployment (the keeper syncs it)";
  const lines: string[] = [];
  for (const w of windows) {
    const span = Number(w.toTimestamp - w.fromTimestamp);
    const covered = span < w.days * 86_400 ? ` (history covers only ${formatDuration(span)})` : "";
    lines.push(`realised APR over ${w.days} d${covered}: ${w.apr === undefined ? "n/a" : formatPercent(w.apr)}`);
    lines.push(`  rate ${ctx.units.rate(w.fromRate)} at ${formatDate(w.fromTimestamp)} -> ${ctx.units.rate(w.toRate)} at ${formatDate(w.toTimestamp)}, ${w.syncs} sync(s)`);
    const p = w.parts;
    lines.push(`  parts: LST yield and other gains ${formatPercent(p.lstYieldAndOther)}, AVS rewards ${formatPercent(p.avsRewards)}, fees ${formatPercent(p.fees)}, losses ${formatPercent(p.losses)}`);
  }
  lines.push("(simple annualised growth of ETH per trETH. Parts: the gains each sync found above the booked total and the gains");
  lines.push(" still streaming in, the fee and the losses, over the assets it started from; gains stream into the rate over time,");
  lines.push(" so the realised APR trails the parts' sum while some are pending)");
  return lines.join("\n");
}
