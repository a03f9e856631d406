// Strategy engine benchmarks. One JSON line per figure on stdout; notes on stderr.
// Run: npm run bench engine   (or npx tsx bench/engine.bench.ts)
//
// - engine.solve.NxM.ms: build + solve (+ dilution refinement) + verify, median wall time;
//   .exact: the "bootstrap" robustness mode (greedy lifts with warm starts); .cpu.ms the process'
//   CPU time, .iterations the simplex iterations (load-independent).
// - per shape (bench/shapes.ts): engine.yield / es99 / lossProb5pct of the engine's target,
//   scored by the seeded Monte-Carlo of bench/montecarlo.ts; the same for the v1 objective
//   (engine.v1.*: the same LP without the CVaR, diversification, uncertainty and glide terms) and
//   for the baselines projected onto the limits (baseline.equalSplit.*, baseline.greedy.*);
//   engine.netGainUnderNoise: 8 rounds of re-planning on perturbed inputs, judged on the true ones.
import { equalSplit, feasible, greedy } from "./baselines.js";
import { simulateLosses } from "./montecarlo.js";
import { shapes, type Shape } from "./shapes.js";
import { generate, prng } from "../src/strategy/generate.js";
import { buildInstance, type Instance } from "../src/strategy/model.js";
import { loadHighs, optimizeInstance } from "../src/strategy/optimize.js";
import { plan } from "../src/strategy/plan.js";
import { evaluateObjective, expectedReward, netExposures, setExposures, stateValue, steadyStake, zeroMoves, type Moves } from "../src/strategy/risk.js";
import { DEFAULT_ENGINE_PARAMS, type AvsData, type EngineParams, type Snapshot } from "../src/strategy/types.js";

const emit = (name: string, value: number, unit: string) => console.log(JSON.stringify({ name, value, unit }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;
const highs = await loadHighs();

async function timeSolve(operators: number, operatorSets: number, runs: number, params: Partial<EngineParams>, tag: string) {
  const g = generate({ seed: 1, operators, operatorSets, strategies: 4 });
  const times: number[] = [];
  const cpu: number[] = [];
  let info = "";
  let iterations = 0;
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const inst = buildInstance(g.snapshot, g.avsData, { ...g.params, ...params });
    const res = await optimizeInstance(inst);
    const ms = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    if (r > 0 || runs === 0) {
      // the first run warms up the JIT
      times.push(ms);
      cpu.push((c1.user + c1.system) / 1000);
    }
    info = `${res.lp.columns} columns (${res.lp.integers} binary), ${res.lp.rows} rows, ${res.solves} solve(s), ${res.iterations} simplex iterations`;
    iterations = res.iterations;
  }
  console.error(`engine ${operators}x${operatorSets}${tag}: ${info}; wall ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
  emit(`engine.solve.${operators}x${operatorSets}${tag}.ms`, round(median(times), 1), "ms");
  // CPU time of this process: the wall time on an idle machine (the bench machine is shared).
  emit(`engine.solve.${operators}x${operatorSets}${tag}.cpu.ms`, round(median(cpu), 1), "ms");
  // Simplex iterations of all solves: the solver's work, independent of the machine's load.
  emit(`engine.solve.${operators}x${operatorSets}${tag}.iterations`, iterations, "count");
}

await timeSolve(50, 10, 5, {}, "");
await timeSolve(500, 50, 3, {}, "");
await timeSolve(2000, 200, 3, {}, "");
// The exact mode: greedy lifts on warm LPs (optimize.ts greedyLiftSearch).
await timeSolve(500, 50, 3, { robustness: "bootstrap" }, ".exact");
await timeSolve(2000, 200, 3, { robustness: "bootstrap" }, ".exact");

/** The v1 objective: the same LP and limits, without the v2 terms. */
const V1: Partial<EngineParams> = { cvarWeight: 0, diversificationPenalty: 0, uncertaintyMultiple: 0, glideBps: 0 };

function score(inst: Instance, x: Float64Array) {
  const mc = simulateLosses(inst, x);
  const reward = expectedReward(inst, netExposures(inst, x));
  return { yield: (reward - mc.meanLoss) / inst.tvl, es99: mc.es99 / inst.tvl, lossProb5pct: mc.lossProb5pct };
}

function emitScore(prefix: string, shape: string, s: ReturnType<typeof score>) {
  emit(`${prefix}.yield.${shape}`, round(s.yield), "apr");
  emit(`${prefix}.es99.${shape}`, round(s.es99), "fractionOfTvl");
  emit(`${prefix}.lossProb5pct.${shape}`, round(s.lossProb5pct), "probability");
}

/** The state after a plan's moves have all completed: active = target, nothing in flight. */
function applyMoves(snapshot: Snapshot, inst: Instance, truth: Instance, m: Moves): Snapshot {
  const x = steadyStake(inst, m);
  const wei = (eth: number) => BigInt(Math.round(Math.max(0, eth) * 1e9)) * 10n ** 9n;
  const target = new Map(inst.positions.map((p, i) => [`${p.delegator}|${p.strategy}`, x[i]!]));
  const held = inst.strategies.map((_, si) => inst.idle[si]! + inst.matured[si]!);
  inst.positions.forEach((p, i) => (held[p.strategyIndex]! += p.active + p.queued - x[i]!));
  const e = setExposures(truth, x);
  const setTotal = new Map(truth.sets.map((s, k) => [s.key, s.others + e[k]!]));
  return {
    ...snapshot,
    vault: {
      ...snapshot.vault,
      idle: inst.strategies.map((s, si) => ({ strategy: s.address, ethValue: wei(held[si]!) })),
      liquidBuffer: held.reduce((a, b) => a + wei(b), 0n),
    },
    delegators: snapshot.delegators.map((d) => ({
      ...d,
      stake: d.stake.map((st) => ({ ...st, active: wei(target.get(`${d.address.toLowerCase()}|${st.strategy.toLowerCase()}`) ?? 0), queued: 0n })),
      withdrawals: [],
    })),
    operatorSets: snapshot.operatorSets.map((s) => ({
      ...s,
      totalAllocatedStake: wei(setTotal.get(`${s.avs.toLowerCase()}/${s.operatorSetId}`) ?? 0),
    })),
  };
}

/** Inputs perturbed as the issue measured: APR +-10%, slashing probability +-25%, others' stake +-5%. */
function perturb(snapshot: Snapshot, avsData: AvsData, truth: Instance, rnd: () => number): { snapshot: Snapshot; avsData: AvsData } {
  const u = () => 2 * rnd() - 1;
  const others = new Map(truth.sets.map((s) => [s.key, s]));
  return {
    avsData: {
      ...avsData,
      operatorSets: avsData.operatorSets.map((s) => ({
        ...s,
        rewardApr: s.rewardApr * (1 + 0.1 * u()),
        slashingProbability: Math.min(1, s.slashingProbability * (1 + 0.25 * u())),
      })),
    },
    snapshot: {
      ...snapshot,
      operatorSets: snapshot.operatorSets.map((s) => {
        const set = others.get(`${s.avs.toLowerCase()}/${s.operatorSetId}`)!;
        const total = set.others * (1 + 0.05 * u()) + set.trellisNow;
        return { ...s, totalAllocatedStake: BigInt(Math.round(total * 1e9)) * 10n ** 9n };
      }),
    },
  };
}

/** 8 rounds of planning on perturbed inputs; each round's value judged on the true inputs. */
/** The judge: the engine's objective on the true inputs (default weights), without the glide-path
 *  penalty (a policy, not a value): reward - expected loss - CVaR term - diversification. */
const judgeValue = (o: ReturnType<typeof evaluateObjective>) => stateValue(o) + o.glideEth;

async function netGainUnderNoise(shape: Shape, params: EngineParams): Promise<{ gain: number; planned: number; moved: number }> {
  const rnd = prng(99);
  let snapshot = shape.snapshot;
  let gain = 0;
  let planned = 0;
  let moved = 0;
  for (let r = 0; r < 8; r++) {
    const truth = buildInstance(snapshot, shape.avsData, shape.params);
    const noisy = perturb(snapshot, shape.avsData, truth, rnd);
    const p = await plan(noisy.snapshot, noisy.avsData, params);
    if (!p.actions.length) continue;
    planned++;
    moved += p.turnover.eth;
    const m = zeroMoves(truth);
    p.targets.forEach((t, i) => {
      m.increaseNow[i] = Number(t.increaseNow) / 1e18;
      m.increaseLater[i] = Number(t.increaseLater) / 1e18;
      m.decrease[i] = Number(t.decrease) / 1e18;
    });
    const before = judgeValue(evaluateObjective(truth, zeroMoves(truth)));
    const after = evaluateObjective(truth, m);
    gain += judgeValue(after) - before - after.moveCostEth;
    snapshot = applyMoves(snapshot, truth, truth, m);
  }
  return { gain, planned, moved };
}

for (const shape of shapes()) {
  const inst = buildInstance(shape.snapshot, shape.avsData, shape.params);
  const v2 = await optimizeInstance(inst);
  const v1inst = buildInstance(shape.snapshot, shape.avsData, { ...shape.params, ...V1 });
  const v1 = await optimizeInstance(v1inst);
  const s2 = score(inst, steadyStake(inst, v2.moves));
  const s1 = score(inst, steadyStake(v1inst, v1.moves));
  emitScore("engine", shape.name, s2);
  emitScore("engine.v1", shape.name, s1);
  emitScore("baseline.current", shape.name, score(inst, steadyStake(inst, zeroMoves(inst))));
  emitScore("baseline.equalSplit", shape.name, score(inst, feasible(highs, inst, equalSplit(inst)).x));
  emitScore("baseline.greedy", shape.name, score(inst, feasible(highs, inst, greedy(inst)).x));
  const noise = await netGainUnderNoise(shape, shape.params);
  const noiseV1 = await netGainUnderNoise(shape, { ...shape.params, ...V1 });
  // The glide path trades by policy (out of sets below their robustness bound) whatever the
  // noise; without it, only discretionary trades are judged.
  const noiseNoGlide = await netGainUnderNoise(shape, { ...shape.params, glideBps: 0 });
  console.error(
    `${shape.name}: TVL ${inst.tvl.toFixed(0)} ETH; noise: v2 planned ${noise.planned}/8 rounds, moved ${noise.moved.toFixed(1)} ETH, ` +
      `net ${noise.gain.toFixed(3)} ETH (no glide: ${noiseNoGlide.planned}/8, net ${noiseNoGlide.gain.toFixed(3)} ETH); v1 planned ${noiseV1.planned}/8, moved ${noiseV1.moved.toFixed(1)} ETH, net ${noiseV1.gain.toFixed(3)} ETH`,
  );
  emit(`engine.netGainUnderNoise.${shape.name}`, round(noise.gain, 4), "eth");
  emit(`engine.netGainUnderNoise.noGlide.${shape.name}`, round(noiseNoGlide.gain, 4), "eth");
  emit(`engine.v1.netGainUnderNoise.${shape.name}`, round(noiseV1.gain, 4), "eth");
  emit(`engine.turnoverUnderNoise.${shape.name}`, round(noise.moved / inst.tvl / 8, 6), "fractionOfTvlPerRound");
}
