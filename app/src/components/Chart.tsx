// A small time-series chart on uPlot (one series, its own y axis unit), sized to its container.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { padRange } from "../chartRange.js";

export function Chart({ title, x, y, unit, digits }: { title: string; x: number[]; y: number[]; unit: string; digits: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = el.current;
    if (!box) return;
    const width = () => Math.max(240, box.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 180,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        // A flat or nearly flat series (the devnet's rate at 1.000000…) gets a span that its ticks can show at
        // `digits` decimals; uPlot's own range for a span of a few wei asks for more ticks than it can hold.
        scales: { x: { time: true }, y: { range: (_u, min, max) => padRange(min, max, digits) } },
        axes: [{ stroke: "#8a94a6", grid: { stroke: "#eef1f5" } }, { stroke: "#8a94a6", grid: { stroke: "#eef1f5" }, size: 70, values: (_u, vals) => vals.map((v) => v.toFixed(digits)) }],
        series: [{}, { label: `${title} (${unit})`, stroke: "#2f6fed", width: 2, fill: "rgba(47,111,237,0.08)", points: { show: x.length < 30 } }],
      },
      [x, y],
      box,
    );
    const onResize = () => plot.setSize({ width: width(), height: 180 });
    window.addEventListener("resize", onResize);
    return () => {
      window.removeEventListener("resize", onResize);
      plot.destroy();
    };
  }, [x, y, title, unit, digits]);
  return (
    <figure className="chart">
      <figcaption>
        {title} <span className="muted">({unit})</span>
      </figcaption>
      <div ref={el} />
    </figure>
  );
}

