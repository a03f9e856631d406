// The demo's HTML report: summary table and inline SVG charts (rate over time, stake per operator,
// exposure per AVS against its cap). No scripts, no external assets.
export type WeekPoint = {
  week: number;
  rate: number;
  tvl: number;
  operators: { label: string; stake: number }[];
  avs: { label: string; exposure: number; cap: number }[];
  actions: Record<string, number>;
  events: string[];
};

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

function lineChart(title: string, xs: number[], ys: number[], yLabel: string, marks: { x: number; label: string }[] = []): string {
  const W = 640, H = 260, L = 70, R = 20, T = 30, B = 40;
  const xmin = Math.min(...xs), xmax = Math.max(...xs);
  let ymin = Math.min(...ys), ymax = Math.max(...ys);
  if (ymax === ymin) { ymax += 1e-6; ymin -= 1e-6; }
  const pad = (ymax - ymin) * 0.1; ymin -= pad; ymax += pad;
  const X = (x: number) => L + ((x - xmin) / Math.max(xmax - xmin, 1)) * (W - L - R);
  const Y = (y: number) => T + (1 - (y - ymin) / (ymax - ymin)) * (H - T - B);
  const pts = xs.map((x, i) => `${X(x).toFixed(1)},${Y(ys[i]!).toFixed(1)}`).join(" ");
  const yt = [0, 0.25, 0.5, 0.75, 1].map((f) => ymin + f * (ymax - ymin));
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>
${yt.map((y) => `<line x1="${L}" x2="${W - R}" y1="${Y(y)}" y2="${Y(y)}" stroke="#e5e7eb"/><text x="${L - 6}" y="${Y(y) + 4}" text-anchor="end" font-size="11">${y.toFixed(5)}</text>`).join("\n")}
${xs.map((x) => `<text x="${X(x)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${x}</text>`).join("")}
<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">week</text>
<text x="14" y="${(T + H - B) / 2}" font-size="12" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">${esc(yLabel)}</text>
${marks.map((m) => `<line x1="${X(m.x)}" x2="${X(m.x)}" y1="${T}" y2="${H - B}" stroke="#dc2626" stroke-dasharray="4 3"/><text x="${X(m.x) + 4}" y="${T + 12}" font-size="11" fill="#dc2626">${esc(m.label)}</text>`).join("\n")}
<polyline fill="none" stroke="#2563eb" stroke-width="2" points="${pts}"/>
${xs.map((x, i) => `<circle cx="${X(x)}" cy="${Y(ys[i]!)}" r="3" fill="#2563eb"/>`).join("")}
</svg>`;
}

function stackedBars(title: string, weeks: WeekPoint[]): string {
  const W = 640, H = 300, L = 60, R = 150, T = 30, B = 40;
  const labels = [...new Set(weeks.flatMap((w) => w.operators.map((o) => o.label)))];
  const totals = weeks.map((w) => w.operators.reduce((s, o) => s + o.stake, 0));
  const ymax = Math.max(...totals, 1e-9) * 1.1;
  const bw = (W - L - R) / weeks.length;
  const Y = (v: number) => T + (1 - v / ymax) * (H - T - B);
  const bars = weeks.map((w, i) => {
    let acc = 0;
    return w.operators.map((o) => {
      const y0 = Y(acc), y1 = Y(acc + o.stake); acc += o.stake;
      const c = COLORS[labels.indexOf(o.label) % COLORS.length];
      return `<rect x="${(L + i * bw + 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${Math.max(0, y0 - y1).toFixed(1)}" fill="${c}"><title>week ${w.week} ${esc(o.label)}: ${o.stake.toFixed(2)} ETH</title></rect>`;
    }).join("") + `<text x="${L + i * bw + bw / 2}" y="${H - B + 16}" text-anchor="middle" font-size="11">${w.week}</text>`;
  }).join("\n");
  const legend = labels.map((l, i) => `<rect x="${W - R + 10}" y="${T + i * 18}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${W - R + 28}" y="${T + i * 18 + 10}" font-size="11">${esc(l)}</text>`).join("");
  const yt = [0, 0.5, 1].map((f) => f * ymax);
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<text x="${(W - R) / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>
${yt.map((y) => `<text x="${L - 6}" y="${Y(y) + 4}" text-anchor="end" font-size="11">${y.toFixed(0)}</text><line x1="${L}" x2="${W - R}" y1="${Y(y)}" y2="${Y(y)}" stroke="#e5e7eb"/>`).join("")}
${bars}
<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">week (restaked ETH per operator)</text>
${legend}
</svg>`;
}

function capBars(title: string, rows: { label: string; exposure: number; cap: number }[]): string {
  const W = 640, rowH = 30, L = 170, R = 90, T = 30;
  const H = T + rows.length * rowH + 30;
  const xmax = Math.max(...rows.flatMap((r) => [r.exposure, r.cap]), 1e-9) * 1.05;
  const X = (v: number) => L + (v / xmax) * (W - L - R);
  const body = rows.map((r, i) => {
    const y = T + i * rowH;
    const over = r.exposure > r.cap;
    return `<text x="${L - 8}" y="${y + 18}" text-anchor="end" font-size="12">${esc(r.label)}</text>
<rect x="${L}" y="${y + 6}" width="${(X(r.exposure) - L).toFixed(1)}" height="16" fill="${over ? "#dc2626" : "#16a34a"}"><title>${r.exposure.toFixed(2)} ETH of ${r.cap.toFixed(2)} ETH</title></rect>
<line x1="${X(r.cap)}" x2="${X(r.cap)}" y1="${y + 2}" y2="${y + 26}" stroke="#111" stroke-width="2"/>
<text x="${W - R + 6}" y="${y + 18}" font-size="11">${r.cap ? ((100 * r.exposure) / r.cap).toFixed(0) : "-"}% of cap</text>`;
  }).join("\n");
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>
${body}
<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="11">bar: exposure (ETH) — black line: cap</text>
</svg>`;
}

export function renderReport(p: { weeks: WeekPoint[]; summary: string; title: string; meta: Record<string, string> }): string {
  const w = p.weeks;
  const last = w[w.length - 1]!;
  const slashWeeks = w.filter((x) => x.events.some((e) => e.startsWith("slash"))).map((x) => ({ x: x.week, label: "slashing" }));
  const kinds = [...new Set(w.flatMap((x) => Object.keys(x.actions)))].sort();
  const rows = w.map((x) => `<tr><td>${x.week}</td><td>${x.rate.toFixed(6)}</td><td>${x.tvl.toFixed(3)}</td>${kinds.map((k) => `<td>${x.actions[k] ?? 0}</td>`).join("")}<td>${esc(x.events.join("; "))}</td></tr>`).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#111}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}td:last-child{text-align:left}svg{display:block;margin:1em 0;font-family:system-ui,sans-serif}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>
<h1>${esc(p.title)}</h1>
<ul>${Object.entries(p.meta).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`).join("")}</ul>
${lineChart("trETH rate (ETH per trETH)", w.map((x) => x.week), w.map((x) => x.rate), "ETH / trETH", slashWeeks)}
${lineChart("TVL (ETH)", w.map((x) => x.week), w.map((x) => x.tvl), "ETH", slashWeeks)}
${stackedBars("Restaked stake per operator", w)}
${capBars(`Exposure per AVS against its cap (week ${last.week})`, last.avs)}
<h2>Week by week</h2>
<table><tr><th>week</th><th>rate</th><th>TVL ETH</th>${kinds.map((k) => `<th>${esc(k)}</th>`).join("")}<th>events</th></tr>
${rows}</table>
<h2>Summary</h2><pre>${esc(p.summary)}</pre>
</body></html>
`;
}
