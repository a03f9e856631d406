// Renders a plan for `trellis plan`: a readable table, or JSON (bigints as decimal strings).
import type { Plan } from "./plan.js";
import type { PlanAction } from "./types.js";

const eth = (wei: bigint): string => {
  const neg = wei < 0n;
  const v = neg ? -wei : wei;
  const whole = v / 10n ** 18n;
  const frac = ((v % 10n ** 18n) / 10n ** 14n).toString().padStart(4, "0");
  return `${neg ? "-" : ""}${whole}.${frac}`;
};
const f4 = (x: number) => x.toFixed(4);
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
// Addresses shortened; names (the CLI passes operator and AVS names) as they are.
const short = (a: string) => (/^0x[0-9a-fA-F]{10,}/.test(a) ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join("  ");
  return [line(header), w.map((x) => "-".repeat(x)).join("  "), ...rows.map(line)].join("\n");
}

function describe(a: PlanAction): string[] {
  switch (a.type) {
    case "completeWithdrawal":
      return [a.type, short(a.delegator), short(a.strategy), eth(a.ethValue), `root ${short(a.withdrawalRoot)}`];
    case "deposit":
      return [a.type, short(a.delegator), short(a.strategy), eth(a.ethValue), `from ${short(a.fromDelegator)}`];
    case "allocate":
      return [a.type, short(a.delegator), short(a.strategy), eth(a.ethValue), "from buffer"];
    case "queueWithdrawal":
      return [a.type, short(a.delegator), short(a.strategy), eth(a.ethValue), ""];
  }
}

/** A human-readable rendering of a plan (current vs target per operator, exposure per AVS, actions). */
export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`Plan at block ${plan.blockNumber} (TVL ${f4(plan.tvlEth)} ETH)`);
  out.push(`${plan.actions.length ? "" : "No plan: "}${plan.reason}`);
  out.push(
    `Risk-adjusted APR: ${pct(plan.riskAdjustedApr.current)} -> ${pct(plan.riskAdjustedApr.target)}; ` +
      `gain ${f4(plan.gainEth)} ETH vs cost ${f4(plan.costEth)} ETH + uncertainty margin ${f4(plan.marginEth)} ETH over ${plan.horizonDays} days`,
  );
  out.push(
    `Tail risk: CVaR${(plan.tailRisk.alpha * 100).toFixed(0)} of annual loss ${f4(plan.tailRisk.currentEth)} -> ${f4(plan.tailRisk.targetEth)} ETH; ` +
      `turnover ${f4(plan.turnover.eth)} ETH (${(plan.turnover.bps / 100).toFixed(2)}% of TVL)`,
  );
  for (const w of plan.warnings) out.push(`Warning: ${w}`);
  out.push("", "Operators (ETH, current incl. queued -> target)");
  out.push(
    table(
      ["operator", "current", "target", "cap", "change"],
      plan.operators.map((o) => [short(o.key), f4(o.currentEth), f4(o.targetEth), f4(o.capEth), f4(o.targetEth - o.currentEth)]),
    ),
  );
  out.push("", "Exposure per AVS (ETH)");
  out.push(
    table(
      ["avs", "current", "target", "cap", "use"],
      plan.avs.map((a) => [short(a.key), f4(a.currentEth), f4(a.targetEth), f4(a.capEth), pct(a.capEth > 0 ? a.targetEth / a.capEth : 0)]),
    ),
  );
  out.push("", `Actions (${plan.actions.length})`);
  out.push(
    plan.actions.length
      ? table(["action", "delegator", "strategy", "ETH", "note"], plan.actions.map(describe))
      : "(none)",
  );
  const moves = plan.targets.filter((t) => t.increaseNow > 0n || t.increaseLater > 0n || t.decrease > 0n);
  if (moves.length) {
    out.push("", "Why each move stops where it does (binding limits; ETH gained per ETH of relaxation)");
    out.push(
      table(
        ["operator", "strategy", "change", "binding limits"],
        moves.map((t) => [
          short(t.operator),
          t.symbol,
          eth(t.target - t.active),
          t.limits.length ? t.limits.slice(0, 3).map((l) => `${l.name} (${l.valuePerEth.toPrecision(3)})`).join("; ") : "(none: the objective)",
        ]),
      ),
    );
  }
  if (plan.binding.length) {
    out.push("", "Binding limits (value of relaxing each by 1 ETH, ETH over the horizon)");
    out.push(table(["limit", "family", "value/ETH"], plan.binding.slice(0, 12).map((b) => [b.name, b.family, b.valuePerEth.toPrecision(4)])));
    if (plan.binding.length > 12) out.push(`(${plan.binding.length - 12} more in --json)`);
  }
  if (plan.glideShortfall.length) {
    out.push("", "Glide path: exposure to sets below their robustness bound still above target (ETH)");
    out.push(table(["operator set", "over target"], plan.glideShortfall.map((g) => [short(g.key), f4(g.eth)])));
  }
  if (plan.history?.pastPlans.length) {
    out.push("", "Past plans: predicted risk-adjusted APR vs the vault rate's realised APR since");
    out.push(
      table(
        ["block", "days ago", "proposed", "predicted", "realised", "predicted gain ETH"],
        plan.history.pastPlans.map((h) => [h.blockNumber, h.elapsedDays.toFixed(2), h.proposed ? "yes" : "no", pct(h.predictedApr), pct(h.realisedApr), f4(h.predictedGainEth)]),
      ),
    );
  }
  if (plan.deferred.length) {
    out.push("", "Deferred increases (after this plan's withdrawals complete)");
    out.push(table(["operator", "strategy", "ETH"], plan.deferred.map((d) => [short(d.operator), short(d.strategy), eth(d.ethValue)])));
  }
  return out.join("\n");
}

/** JSON of a plan: stable key order, bigints as decimal strings. */
export function planToJson(plan: Plan, indent = 2): string {
  return JSON.stringify(plan, (_, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}
