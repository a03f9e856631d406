// The demo's HTML report. Charts are Vega-Lite specs rendered to static SVG in Node (Vega's headless
// renderer), so the file opens offline with no scripts: nice ticks and units from Vega's scales, a legend for
// everything drawn, withdrawals and slashes marked on the time series, the realised APR week by week, and
// where the rate's change came from (from the vault's RateSynced history).
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { realisedApr, type RateSync } from "../chain/apr.js";
import { formatPercent } from "../chain/format.js";

export type WeekPoint = {
  week: number;
  rate: number;
  tvl: number;
  operators: { label: string; stake: number }[];
  avs: { label: string; exposure: number; cap: number }[];
  actions: Record<string, number>;
  events: string[];
};

export type RenderReportParameters = {
  weeks: WeekPoint[];
  summary: string;
  title: string;
  meta: Record<string, string>;
  /** The vault's RateSynced history over the run, for the rate's decomposition by source. */
  rateHistory?: readonly RateSync[] | undefined;
  /** Chain time at the end of the run (seconds). */
  now?: bigint | undefined;
};

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** The kind of a demo event, for the marks on the time series. */
export type EventKind = "slashing" | "withdrawal requested" | "withdrawal paid";
export function eventKind(e: string): EventKind | undefined {
  if (e.startsWith("slash")) return "slashing";
  if (/ requests /.test(e)) return "withdrawal requested";
  if (/ claims request /.test(e)) return "withdrawal paid";
  return undefined;
}
const EVENT_COLORS: Record<EventKind, string> = { slashing: "#dc2626", "withdrawal requested": "#f59e0b", "withdrawal paid": "#7c3aed" };

const FONT = "system-ui, sans-serif";
const config = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: "#eef0f3", tickCount: 6 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: "right", labelLimit: 320 },
  title: { fontSize: 14, anchor: "start" },
};

/** Renders a Vega-Lite spec to an SVG string (no browser, no canvas). */
export async function renderChart(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const eventRows = (weeks: WeekPoint[]) =>
  weeks.flatMap((w) =>
    w.events
      .map((e) => ({ week: w.week, kind: eventKind(e), text: e }))
      .filter((x): x is { week: number; kind: EventKind; text: string } => x.kind !== undefined),
  );

/** A weekly series with the demo's events as coloured rules and a legend of both. */
function seriesWithEvents(p: { title: string; weeks: WeekPoint[]; field: "rate" | "tvl"; yTitle: string; format: string; seriesName: string }): TopLevelSpec {
  const events = eventRows(p.weeks);
  const kinds = [...new Set(events.map((e) => e.kind))];
  const colorDomain = [p.seriesName, ...kinds];
  const colorRange = ["#2563eb", ...kinds.map((k) => EVENT_COLORS[k])];
  const color = { scale: { domain: colorDomain, range: colorRange }, legend: { title: null } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: p.title,
    width: 620,
    height: 240,
    config,
    layer: [
      {
        data: { values: p.weeks.map((w) => ({ week: w.week, value: w[p.field], series: p.seriesName })) },
        mark: { type: "line", point: true, strokeWidth: 2 },
        encoding: {
          x: { field: "week", type: "quantitative", title: "week", axis: { tickMinStep: 1, format: "d" } },
          y: { field: "value", type: "quantitative", title: p.yTitle, scale: { zero: false, nice: true }, axis: { format: p.format } },
          color: { field: "series", type: "nominal", ...color },
          tooltip: [{ field: "week" }, { field: "value", format: p.format }],
        },
      },
      ...(events.length
        ? [
            {
              data: { values: events },
              mark: { type: "rule" as const, strokeDash: [4, 3], strokeWidth: 1.5 },
              encoding: { x: { field: "week", type: "quantitative" as const }, color: { field: "kind", type: "nominal" as const, ...color }, tooltip: [{ field: "text" }] },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

function stakePerOperator(weeks: WeekPoint[]): TopLevelSpec {
  // Only operators that ever held stake: a legend lists what is drawn.
  const held = new Set(weeks.flatMap((w) => w.operators.filter((o) => o.stake > 0).map((o) => o.label)));
  const values = weeks.flatMap((w) => w.operators.filter((o) => held.has(o.label)).map((o) => ({ week: w.week, operator: o.label, stake: o.stake })));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Restaked stake per operator",
    width: 620,
    height: 240,
    config,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: { field: "week", type: "ordinal", title: "week", axis: { labelAngle: 0 } },
      y: { field: "stake", type: "quantitative", stack: "zero", title: "restaked (ETH)", axis: { format: ",.3~f" } },
      color: { field: "operator", type: "nominal", title: "operator", scale: { scheme: "tableau10" } },
      tooltip: [{ field: "week" }, { field: "operator" }, { field: "stake", format: ",.4f" }],
    },
  } as TopLevelSpec;
}

function exposureAgainstCap(title: string, rows: WeekPoint["avs"]): TopLevelSpec {
  const values = rows.flatMap((r) => [
    { avs: r.label, what: r.exposure > r.cap ? "exposure over cap" : "exposure", eth: r.exposure, used: r.cap ? r.exposure / r.cap : 0 },
    { avs: r.label, what: "cap", eth: r.cap, used: 1 },
  ]);
  const drawn = ["exposure", "exposure over cap", "cap"].filter((k) => values.some((v) => v.what === k));
  const palette: Record<string, string> = { exposure: "#16a34a", "exposure over cap": "#dc2626", cap: "#111827" };
  const color = { scale: { domain: drawn, range: drawn.map((k) => palette[k]!) }, legend: { title: null } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: { step: 26 },
    config,
    data: { values },
    encoding: { y: { field: "avs", type: "nominal", title: "AVS", sort: null, axis: { labelLimit: 260 } } },
    layer: [
      {
        transform: [{ filter: "datum.what !== 'cap'" }],
        mark: { type: "bar", height: 14 },
        encoding: {
          x: { field: "eth", type: "quantitative", title: "ETH", axis: { format: ",.3~f" } },
          color: { field: "what", type: "nominal", ...color },
          tooltip: [{ field: "avs" }, { field: "eth", title: "exposure ETH", format: ",.4f" }, { field: "used", title: "of cap", format: ".1%" }],
        },
      },
      {
        transform: [{ filter: "datum.what === 'cap'" }],
        mark: { type: "tick", thickness: 2, size: 22 },
        encoding: { x: { field: "eth", type: "quantitative" }, color: { field: "what", type: "nominal", ...color }, tooltip: [{ field: "avs" }, { field: "eth", title: "cap ETH", format: ",.4f" }] },
      },
    ],
  } as TopLevelSpec;
}

/** Realised APR per week: the rate's growth over the week, annualised (simple). */
export function weeklyApr(weeks: WeekPoint[]): { week: number; apr: number }[] {
  return weeks.slice(1).map((w, i) => ({ week: w.week, apr: weeks[i]!.rate > 0 ? (w.rate / weeks[i]!.rate - 1) * 52 : 0 }));
}

function aprPerWeek(weeks: WeekPoint[]): TopLevelSpec {
  const values = weeklyApr(weeks).map((x) => ({ ...x, sign: x.apr < 0 ? "loss" : "gain" }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Realised APR, week by week (rate growth over the week x 52)",
    width: 620,
    height: 200,
    config,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: { field: "week", type: "ordinal", title: "week", axis: { labelAngle: 0 } },
      y: { field: "apr", type: "quantitative", title: "APR", axis: { format: ".1%" } },
      color: { field: "sign", type: "nominal", scale: { domain: ["gain", "loss"], range: ["#16a34a", "#dc2626"] }, legend: { title: null } },
      tooltip: [{ field: "week" }, { field: "apr", format: ".2%" }],
    },
  } as TopLevelSpec;
}

const PART_LABELS = { lstYieldAndOther: "LST yield and other gains", avsRewards: "AVS rewards", fees: "protocol fee", losses: "losses (slashing)" } as const;

function rateSources(parts: Record<keyof typeof PART_LABELS, number>): TopLevelSpec {
  const values = (Object.keys(PART_LABELS) as (keyof typeof PART_LABELS)[]).map((k) => ({ source: PART_LABELS[k], apr: parts[k] }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Where the rate's change came from (annualised over the run)",
    width: 560,
    height: { step: 28 },
    config,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "source", type: "nominal", title: null, sort: null, axis: { labelLimit: 260 } },
      x: { field: "apr", type: "quantitative", title: "contribution to APR", axis: { format: ".1%" } },
      color: { field: "source", type: "nominal", title: "source", scale: { domain: Object.values(PART_LABELS), range: ["#2563eb", "#16a34a", "#6b7280", "#dc2626"] } },
      tooltip: [{ field: "source" }, { field: "apr", format: ".3%" }],
    },
  } as TopLevelSpec;
}

export async function renderReport(p: RenderReportParameters): Promise<string> {
  const w = p.weeks;
  const last = w[w.length - 1]!;
  const first = w[0]!;
  const span = Math.max(last.week - first.week, 1);
  const overallApr = first.rate > 0 ? ((last.rate / first.rate - 1) * 52) / span : 0;
  const window = p.rateHistory && p.now !== undefined ? realisedApr(p.rateHistory, span * 7, p.now) : undefined;
  const charts: [string, TopLevelSpec][] = [
    ["rate", seriesWithEvents({ title: "trETH rate", weeks: w, field: "rate", yTitle: "ETH per trETH", format: ".4f", seriesName: "rate (ETH/trETH)" })],
    ["tvl", seriesWithEvents({ title: w.some((x) => x.events.some((e) => eventKind(e) === "slashing")) ? "TVL (withdrawals paid lower it; a slashing too)" : "TVL (withdrawals paid lower it)", weeks: w, field: "tvl", yTitle: "ETH", format: ",.2f", seriesName: "TVL (ETH)" })],
    ["apr", aprPerWeek(w)],
    ...(window ? [["sources", rateSources(window.parts)] as [string, TopLevelSpec]] : []),
    ["stake", stakePerOperator(w)],
    ["exposure", exposureAgainstCap(`Exposure per AVS against its cap (week ${last.week})`, last.avs)],
  ];
  const svgs = await Promise.all(charts.map(async ([id, spec]) => `<figure class="chart" id="chart-${id}">${await renderChart(spec)}</figure>`));
  const kinds = [...new Set(w.flatMap((x) => Object.keys(x.actions)))].sort();
  const rows = w
    .map((x) => `<tr><td>${x.week}</td><td>${x.rate.toFixed(6)}</td><td>${x.tvl.toFixed(3)}</td>${kinds.map((k) => `<td>${x.actions[k] ?? 0}</td>`).join("")}<td>${esc(x.events.join("; "))}</td></tr>`)
    .join("\n");
  const sources = window
    ? `<p>From the vault's ${window.syncs} <code>RateSynced</code> events: ${(Object.keys(PART_LABELS) as (keyof typeof PART_LABELS)[]).map((k) => `${PART_LABELS[k]} ${formatPercent(window.parts[k])}`).join(", ")} (what each sync found above the booked total and the gains still streaming in, over the assets it started from, annualised; gains reach the rate gradually, so the rate's own growth, ${window.apr === undefined ? "n/a" : formatPercent(window.apr)}, trails their sum while some still stream in).</p>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title>
<style>body{font-family:${FONT};max-width:980px;margin:2em auto;color:#111}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}td:last-child{text-align:left}figure.chart{margin:1.5em 0}pre{background:#f6f6f6;padding:1em;overflow:auto}.apr{font-size:1.2em}</style></head><body>
<h1>${esc(p.title)}</h1>
<ul>${Object.entries(p.meta).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`).join("")}</ul>
<p class="apr">Realised APR over ${span} weeks: <b>${formatPercent(overallApr)}</b> (rate ${first.rate.toFixed(6)} &rarr; ${last.rate.toFixed(6)} ETH per trETH, simple annualised).</p>
${sources}
${svgs.join("\n")}
<h2>Week by week</h2>
<table><tr><th>week</th><th>rate</th><th>TVL ETH</th>${kinds.map((k) => `<th>${esc(k)}</th>`).join("")}<th>events</th></tr>
${rows}</table>
<h2>Summary</h2><pre>${esc(p.summary)}</pre>
</body></html>
`;
}
