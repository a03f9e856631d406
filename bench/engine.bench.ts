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
import { DEFAULT_ENGINE_PARAMS, type AvsData, type EngineParams, type RobustnessMode } from "../src/strategy/types.js";

const emit = (name: string, value: number, unit: string) => console.log(JSON.stringify({ name, value, unit }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await loadHighs();

// Both robustness modes: the default's figures keep the plain names (engine.solve.NxM.ms), the
// other mode's get a suffix (engine.solve.NxM.snapshot.ms or .bootstrap.ms).
const modes: RobustnessMode[] = [DEFAULT_ENGINE_PARAMS.robustness, DEFAULT_ENGINE_PARAMS.robustness === "bootstrap" ? "snapshot" : "bootstrap"];
for (const mode of modes)
for (const [operators, operatorSets, runs] of [
  [50, 10, 7],
  [500, 50, 5],
  [2000, 200, 3],
] as const) {
  const g = generate({ seed: 1, operators, operatorSets, strategies: 4 });
  const { snapshot, avsData } = g;
  const params: EngineParams = { ...g.params, robustness: mode };
  const tag = mode === DEFAULT_ENGINE_PARAMS.robustness ? "" : `.${mode}`;
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
    info = `${res.lp.columns} columns (${res.lp.integers} binary), ${res.lp.rows} rows, ${res.lp.nonzeros} nonzeros`;
  }
  console.error(
    `engine ${operators}x${operatorSets} (${mode}): ${info}; wall ${times.map((t) => t.toFixed(0)).join(", ")} ms; ` +
      `process CPU ${cpuTimes.map((t) => t.toFixed(0)).join(", ")} ms`,
  );
  emit(`engine.solve.${operators}x${operatorSets}${tag}.ms`, Math.round(median(times) * 10) / 10, "ms");
  // CPU time of this process: what the wall time would be on an idle machine (the machine is shared).
  emit(`engine.solve.${operators}x${operatorSets}${tag}.cpu.ms`, Math.round(median(cpuTimes) * 10) / 10, "ms");
}

const file = JSON.parse(readFileSync(new URL("./instance.json", import.meta.url), "utf8"));
const fileParams = file.params as Partial<EngineParams>;
const solveIn = async (mode: RobustnessMode) => {
  const i = buildInstance(snapshotFromJson(file.snapshot), file.avsData as AvsData, { ...DEFAULT_ENGINE_PARAMS, ...fileParams, robustness: mode });
  return { inst: i, x: steadyStake(i, (await optimizeInstance(i)).moves) };
};
const [main, other] = [await solveIn(modes[0]!), await solveIn(modes[1]!)];
const inst = main.inst;
const apr = (x: Float64Array) => Math.round(riskAdjustedYield(inst, x) * 1e8) / 1e8;
console.error(
  `instance.json: TVL ${inst.tvl.toFixed(0)} ETH, deployable ${deployable(inst).toFixed(0)} ETH; ` +
    "risk-adjusted yield = (AVS reward with dilution - expected slashing loss) per year / TVL",
);
emit("engine.riskAdjustedYield.lp", apr(main.x), "apr");
// The same LP under the other robustness mode (the plain figure uses the default mode).
emit(`engine.riskAdjustedYield.lp.${modes[1]}`, apr(other.x), "apr");
emit("engine.riskAdjustedYield.equalSplit", apr(equalSplit(inst)), "apr");
emit("engine.riskAdjustedYield.greedy", apr(greedy(inst)), "apr");
