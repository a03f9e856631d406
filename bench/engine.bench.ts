// Strategy engine benchmarks: solve + verify time on seeded instances, and the risk-adjusted
// yield of the engine against two baselines on bench/instance.json.
// Run: npx tsx bench/engine.bench.ts  (one JSON line per figure on stdout)
import { readFileSync } from "node:fs";
import { deployable, equalSplit, greedy } from "../src/strategy/baselines.js";
import { generate } from "../src/strategy/generate.js";
import { buildInstance } from "../src/strategy/model.js";
import { loadHighs, optimizeInstance } from "../src/strategy/optimize.js";
import { riskAdjustedYield, steadyStake } from "../src/strategy/risk.js";
import { snapshotFromJson } from "../src/strategy/snapshotJson.js";
import type { AvsData, EngineParams } from "../src/strategy/types.js";

const emit = (name: string, value: number, unit: string) => console.log(JSON.stringify({ name, value, unit }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await loadHighs();

for (const [operators, operatorSets, runs] of [
  [50, 10, 7],
  [500, 50, 5],
  [2000, 200, 3],
] as const) {
  const { snapshot, avsData, params } = generate({ seed: 1, operators, operatorSets, strategies: 4 });
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let info = "";
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const inst = buildInstance(snapshot, avsData, params);
    const res = await optimizeInstance(inst); // builds the LP, solves, verifies
    const ms = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    if (r > 0) {
      // the first run warms up the JIT
      times.push(ms);
      cpuTimes.push((c1.user + c1.system) / 1000);
    }
    info = `${res.lp.columns} columns, ${res.lp.rows} rows, ${res.lp.nonzeros} nonzeros`;
  }
  console.error(
    `engine ${operators}x${operatorSets}: ${info}; wall ${times.map((t) => t.toFixed(0)).join(", ")} ms; ` +
      `process CPU ${cpuTimes.map((t) => t.toFixed(0)).join(", ")} ms`,
  );
  emit(`engine.solve.${operators}x${operatorSets}.ms`, Math.round(median(times) * 10) / 10, "ms");
  // CPU time of this process: what the wall time would be on an idle machine (the machine is shared).
  emit(`engine.solve.${operators}x${operatorSets}.cpu.ms`, Math.round(median(cpuTimes) * 10) / 10, "ms");
}

const file = JSON.parse(readFileSync(new URL("./instance.json", import.meta.url), "utf8"));
const inst = buildInstance(snapshotFromJson(file.snapshot), file.avsData as AvsData, file.params as EngineParams);
const res = await optimizeInstance(inst);
const apr = (x: Float64Array) => Math.round(riskAdjustedYield(inst, x) * 1e8) / 1e8;
console.error(
  `instance.json: TVL ${inst.tvl.toFixed(0)} ETH, deployable ${deployable(inst).toFixed(0)} ETH; ` +
    "risk-adjusted yield = (AVS reward with dilution - expected slashing loss) per year / TVL",
);
emit("engine.riskAdjustedYield.lp", apr(steadyStake(inst, res.moves)), "apr");
emit("engine.riskAdjustedYield.equalSplit", apr(equalSplit(inst)), "apr");
emit("engine.riskAdjustedYield.greedy", apr(greedy(inst)), "apr");
