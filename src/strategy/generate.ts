// Deterministic random instances (seeded PRNG) for tests and benchmarks. Not used by the engine.
import { buildInstance } from "./model.js";
import { currentStake, scenarioLosses } from "./risk.js";
import { DEFAULT_ENGINE_PARAMS, type EngineParams } from "./types.js";
import type { Address, AvsData, AvsOperatorSetData, Snapshot, SnapshotDelegator, SnapshotOperator } from "./types.js";
import { WAD } from "./types.js";

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const addr = (kind: number, i: number): Address =>
  `0x${kind.toString(16).padStart(2, "0")}${i.toString(16).padStart(38, "0")}` as Address;

const eth = (x: number): bigint => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

export interface GenerateOptions {
  seed: number;
  operators: number;
  operatorSets: number;
  strategies?: number;
  /** Operator sets each operator allocates to. */
  setsPerOperator?: number;
  tvlEth?: number;
}

/** A random but plausible snapshot whose current state meets its limits. */
export function generate(opts: GenerateOptions): { snapshot: Snapshot; avsData: AvsData; params: EngineParams } {
  const rnd = prng(opts.seed);
  const nS = opts.strategies ?? 4;
  const nO = opts.operators;
  const nK = opts.operatorSets;
  const perOp = Math.min(opts.setsPerOperator ?? 3, nK);
  const tvl = opts.tvlEth ?? nO * 100;
  const strategies = Array.from({ length: nS }, (_, s) => ({
    address: addr(0x51, s),
    asset: addr(0xa5, s),
    symbol: ["stETH", "wstETH", "rETH", "osETH", "cbETH", "mETH"][s] ?? `LST${s}`,
    ethPerAssetWad: WAD + BigInt(Math.floor(rnd() * 1e17)),
  }));
  const nAvs = Math.max(1, Math.ceil(nK / 2));
  const sets = Array.from({ length: nK }, (_, k) => ({ avs: addr(0xa0, k % nAvs), operatorSetId: Math.floor(k / nAvs) }));
  const tags = ["bridge", "oracle", "da", "sequencer", "coprocessor"];

  // Stake: 80% of TVL spread over operators and strategies, 15% buffer, 5% queued.
  const weights = Array.from({ length: nO }, () => 0.2 + rnd());
  const wsum = weights.reduce((a, b) => a + b, 0);
  const operators: SnapshotOperator[] = [];
  const delegators: SnapshotDelegator[] = [];
  const exposure = new Float64Array(nK);
  let staked = 0;
  for (let o = 0; o < nO; o++) {
    const operator = addr(0x0b, o);
    const chosen = new Set<number>();
    while (chosen.size < perOp) chosen.add(Math.floor(rnd() * nK));
    const allocations: SnapshotOperator["allocations"] = [];
    const stake: SnapshotDelegator["stake"] = [];
    const withdrawals: SnapshotDelegator["withdrawals"] = [];
    for (let s = 0; s < nS; s++) {
      const active = (0.8 * tvl * weights[o]!) / wsum / nS;
      const queued = rnd() < 0.1 ? active * 0.05 : 0;
      const matured = rnd() < 0.05 ? active * 0.03 : 0;
      const ws = [
        ...(queued ? [{ withdrawalRoot: `0x${(o * 16 + s * 2).toString(16).padStart(64, "0")}` as const, strategy: strategies[s]!.address, ethValue: eth(queued), completableBlock: 1_100n }] : []),
        ...(matured ? [{ withdrawalRoot: `0x${(o * 16 + s * 2 + 1).toString(16).padStart(64, "0")}` as const, strategy: strategies[s]!.address, ethValue: eth(matured), completableBlock: 900n }] : []),
      ];
      withdrawals.push(...(ws as SnapshotDelegator["withdrawals"]));
      stake.push({ strategy: strategies[s]!.address, active: eth(active), queued: ws.reduce((a, w) => a + w.ethValue, 0n) });
      staked += active + queued + matured;
      let left = 0.95;
      for (const k of [...chosen].sort((a, b) => a - b)) {
        const frac = left * (0.2 + 0.5 * rnd());
        left -= frac;
        const mag = BigInt(Math.floor(frac * 1e6)) * 10n ** 12n;
        allocations.push({ avs: sets[k]!.avs, operatorSetId: sets[k]!.operatorSetId, strategy: strategies[s]!.address, allocatedMagnitude: mag });
        exposure[k]! += (Number(mag) / 1e18) * (active + queued);
      }
    }
    operators.push({ address: operator, allocations, maxMagnitudes: strategies.map((s) => ({ strategy: s.address, maxMagnitude: WAD })) });
    delegators.push({ address: addr(0xde, o), operator, stake, withdrawals });
  }
  const buffer = Math.max(0, tvl - staked);
  const idle = strategies.map((s) => ({ strategy: s.address, ethValue: eth(buffer / nS) }));

  const avsSets: AvsOperatorSetData[] = sets.map((s, k) => {
    const others = exposure[k]! * (0.5 + 4 * rnd());
    const threshold = rnd() < 0.5 ? 0.33 : 0.5;
    const total = others + exposure[k]!;
    // Most sets robust, some not.
    const pfc = (total * threshold * (rnd() < 0.85 ? 0.2 + 0.5 * rnd() : 1.2 + rnd())) / 1.1;
    return {
      avs: s.avs,
      operatorSetId: s.operatorSetId,
      name: `set-${k}`,
      rewardApr: 0.005 + 0.07 * rnd(),
      slashingProbability: 0.001 + 0.04 * rnd(),
      slashingSeverity: 0.1 + 0.9 * rnd(),
      profitFromCorruptionEth: Math.round(pfc * 1000) / 1000,
      corruptionThreshold: threshold,
      clusters: rnd() < 0.6 ? [tags[Math.floor(rnd() * tags.length)]!] : [],
    };
  });
  const operatorSets = sets.map((s, k) => ({ ...s, totalAllocatedStake: eth(exposure[k]! * (1 + 0.5 + 4 * rnd())) }));

  const maxOp = Math.max(...weights) / wsum;
  const bps = (x: number) => Math.min(10_000, Math.ceil(x * 10_000));
  const snapshot: Snapshot = {
    chainId: 31337,
    blockNumber: 1_000n,
    vault: { address: addr(0x7a, 0), totalAssets: eth(tvl), liquidBuffer: idle.reduce((a, b) => a + b.ethValue, 0n), idle },
    withdrawalDelayBlocks: 100_800n,
    strategies,
    delegators,
    operators,
    operatorSets,
    limits: {
      operatorAllowlist: operators.map((o) => o.address),
      operatorCapBps: bps(maxOp * 1.5),
      defaultAvsCapBps: bps(Math.max(0.3, (2 * Math.max(...exposure)) / tvl)),
      avsCapBps: [],
      defaultOperatorSetCapBps: bps(Math.max(0.15, (1.5 * Math.max(...exposure)) / tvl)),
      operatorSetCapBps: [],
      totalSlashableCapBps: 9000,
      minBufferBps: 300,
    },
  };
  const avsData: AvsData = { version: 1, operatorSets: avsSets };
  // L_max: 20% above today's worst scenario, so that doing nothing is allowed.
  const inst = buildInstance(snapshot, avsData, DEFAULT_ENGINE_PARAMS);
  const worst = scenarioLosses(inst, currentStake(inst))[0]?.lossEth ?? 0;
  const params: EngineParams = { ...DEFAULT_ENGINE_PARAMS, maxScenarioLossBps: bps(Math.max(0.1, (1.2 * worst) / tvl)) };
  return { snapshot, avsData, params };
}
