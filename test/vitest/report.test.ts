// The demo's HTML report, opened in headless Chromium: it renders offline, every chart has its two axes and
// a legend, withdrawals and slashes are marked, and the realised APR and the rate's sources are shown.
// Skips with a message when no Chromium is installed (set CHROMIUM to its path if it is elsewhere).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { parseEther } from "viem";
import { describe, expect, it } from "vitest";
import type { RateSync } from "../../src/chain/apr.js";
import { eventKind, renderReport, weeklyApr, type WeekPoint } from "../../src/demo/report.js";

const run = promisify(execFile);

/** A Chromium binary on PATH (or $CHROMIUM), found without running anything (no blocking of the worker). */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM && existsSync(process.env.CHROMIUM)) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser", "google-chrome", "headless_shell"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
const chromium = findChromium();
if (!chromium) console.warn("report.test.ts: no Chromium found (chromium, chromium-browser, google-chrome or $CHROMIUM): skipping the browser check");

const WEEK = 7 * 86_400;
const T0 = 1_796_083_200;

/** Twelve weeks: yield and rewards raise the rate, a slashing in week 7, withdrawals requested and paid. */
function fixture(): { weeks: WeekPoint[]; history: RateSync[] } {
  const weeks: WeekPoint[] = [];
  const history: RateSync[] = [];
  let rate = 1;
  let tvl = 100;
  for (let week = 0; week <= 12; week++) {
    const events: string[] = [];
    if (week > 0) {
      const growth = week === 7 ? -0.004 : 0.0012;
      const oldTvl = tvl;
      tvl = tvl * (1 + growth);
      const oldRate = rate;
      rate = rate * (1 + growth * 0.95);
      const wad = (x: number) => parseEther(x.toFixed(12));
      history.push({
        blockNumber: BigInt(week * 100),
        timestamp: BigInt(T0 + week * WEEK),
        oldTotalAssets: wad(oldTvl),
        newTotalAssets: wad(tvl),
        oldRate: wad(oldRate),
        newRate: wad(rate),
        feeShares: growth > 0 ? wad(oldTvl * growth * 0.05) : 0n,
        rewardsValue: growth > 0 ? wad(oldTvl * 0.0004) : 0n,
      });
    }
    if (week === 3) events.push("bob requests 3.00 trETH in stETH");
    if (week === 5) {
      events.push("bob claims request #1: 3.0123 stETH");
      tvl -= 3;
    }
    if (week === 7) events.push("slash: bridge set 1 slashed operator 0x1cbd3b by 50% of its allocation");
    events.push("reward root (0.010 rETH)");
    weeks.push({
      week,
      rate,
      tvl,
      operators: [
        { label: "op0 0x1cbd", stake: 10 + week },
        { label: "op1 0x71bE", stake: 5 },
        { label: "op2 0xFABB", stake: 0 },
      ],
      avs: [
        { label: "data availability", exposure: 4, cap: 20 },
        { label: "bridge", exposure: 22, cap: 20 },
      ],
      actions: { sync: 1, allocate: week === 0 ? 3 : 0 },
      events,
    });
  }
  return { weeks, history };
}

describe("demo report", { timeout: 300_000 }, () => {
  it("classifies events and computes the weekly realised APR", () => {
    expect(eventKind("slash: bridge set 1 slashed operator")).toBe("slashing");
    expect(eventKind("alice requests 2.00 trETH in rETH")).toBe("withdrawal requested");
    expect(eventKind("bob claims request #1: 3 stETH")).toBe("withdrawal paid");
    expect(eventKind("reward root (0.010 rETH)")).toBeUndefined();
    const apr = weeklyApr([{ rate: 1 }, { rate: 1.001 }] as WeekPoint[]);
    expect(apr[0]!.apr).toBeCloseTo(0.052, 6);
  });

  it.skipIf(!chromium)("renders in headless Chromium; every chart has its axes and a legend", async () => {
    const { weeks, history } = fixture();
    const html = await renderReport({ weeks, summary: "test", title: "Trellis report test", meta: { network: "devnet" }, rateHistory: history, now: BigInt(T0 + 12 * WEEK) });
    expect(html).not.toMatch(/<script/i); // static: opens offline, nothing to run
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).toMatch(/Realised APR over 12 weeks: <b>\d+\.\d\d%<\/b>/);
    expect(html).toContain("RateSynced");

    // The browser check: measure what Chromium laid out, from a script appended to a copy of the report.
    const probe = `<pre id="probe"></pre><script>
      const out = [...document.querySelectorAll("figure.chart")].map((f) => {
        const svg = f.querySelector("svg");
        const box = (sel) => [...f.querySelectorAll(sel)].map((g) => { const b = g.getBBox(); return Math.round(b.width * b.height); });
        return { id: f.id, width: svg ? svg.getBoundingClientRect().width : 0, axes: box("g.role-axis"), legends: box("g.role-legend"),
          legendLabels: [...f.querySelectorAll("g.role-legend text")].map((t) => t.textContent),
          axisTitles: [...f.querySelectorAll("g.role-axis-title text")].map((t) => t.textContent) };
      });
      document.getElementById("probe").textContent = JSON.stringify(out);
    </script>`;
    const dir = mkdtempSync(join(tmpdir(), "trellis-report-"));
    const file = join(dir, "report.html");
    writeFileSync(join(dir, "report.static.html"), html);
    writeFileSync(file, html.replace("</body>", `${probe}</body>`));
    const { stdout } = await run(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", `file://${file}`], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
    const m = /<pre id="probe">([^<]*)<\/pre>/.exec(stdout);
    expect(m, "the probe ran in Chromium").not.toBeNull();
    const charts = JSON.parse(m![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as { id: string; width: number; axes: number[]; legends: number[]; legendLabels: string[]; axisTitles: string[] }[];
    expect(charts.map((c) => c.id)).toEqual(["chart-rate", "chart-tvl", "chart-apr", "chart-sources", "chart-stake", "chart-exposure"]);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.axes.length, `${c.id}: two axes`).toBeGreaterThanOrEqual(2);
      for (const a of c.axes) expect(a, `${c.id}: an axis drawn`).toBeGreaterThan(0);
      expect(c.legends.length, `${c.id}: a legend`).toBeGreaterThanOrEqual(1);
      for (const l of c.legends) expect(l, `${c.id}: a legend drawn`).toBeGreaterThan(0);
    }
    const byId = new Map(charts.map((c) => [c.id, c]));
    // Withdrawals and the slashing are marked, and the legend says which is which.
    expect(byId.get("chart-tvl")!.legendLabels).toEqual(["TVL (ETH)", "withdrawal requested", "withdrawal paid", "slashing"]);
    expect(byId.get("chart-rate")!.axisTitles).toEqual(expect.arrayContaining(["week", "ETH per trETH"]));
    // Only operators that held stake are in the legend.
    expect(byId.get("chart-stake")!.legendLabels.filter((l) => /^op\d/.test(l))).toEqual(["op0 0x1cbd", "op1 0x71bE"]);
    expect(byId.get("chart-exposure")!.legendLabels).toEqual(["exposure", "exposure over cap", "cap"]);
    expect(byId.get("chart-sources")!.legendLabels).toEqual(expect.arrayContaining(["AVS rewards", "losses (slashing)"]));
    // A picture of it for people (kept in the temp dir).
    await run(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--screenshot=${join(dir, "report.png")}`, "--window-size=1000,3400", `file://${join(dir, "report.static.html")}`], { timeout: 90_000 });
    expect(existsSync(join(dir, "report.png"))).toBe(true);
    expect(readFileSync(join(dir, "report.png")).length).toBeGreaterThan(10_000);
    console.log(`report screenshot: ${join(dir, "report.png")}`);
  });
});
