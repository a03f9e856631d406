// Small hand-written instances for tests: describe operators and sets in ETH, get a Snapshot.
import { addr } from "./generate.js";
import type { AvsData, Snapshot, SnapshotDelegator, SnapshotOperator } from "./types.js";
import { WAD } from "./types.js";

export const wei = (eth: number): bigint => BigInt(Math.round(eth * 1e9)) * 10n ** 9n;

export interface FixtureSet {
  /** AVS index (sets with the same index belong to the same AVS). */
  avs: number;
  /** Stake of everyone else on the set, ETH. */
  others: number;
  apr: number;
  p: number;
  sev: number;
  pfc: number;
  theta: number;
  clusters?: string[];
  capBps?: number;
}

export interface FixtureOperator {
  /** Active stake per strategy, ETH. */
  stake: number[];
  /** Queued (not yet completable) per strategy, ETH. */
  queued?: number[];
  /** Completable withdrawals per strategy, ETH. */
  matured?: number[];
  allowed?: boolean;
  /** Fraction of max magnitude allocated to each set (same for every strategy). */
  sets: { set: number; fraction: number }[];
}

export interface Fixture {
  tvl: number;
  /** Idle buffer per strategy, ETH (default: all of tvl - staked in strategy 0). */
  idle?: number[];
  strategies?: number;
  operators: FixtureOperator[];
  sets: FixtureSet[];
  limits?: Partial<{
    operatorCapBps: number;
    avsCapBps: number;
    setCapBps: number;
    totalSlashableCapBps: number;
    minBufferBps: number;
  }>;
}

export const setAddr = (avs: number) => addr(0xa0, avs);

export function fixture(f: Fixture): { snapshot: Snapshot; avsData: AvsData } {
  const nS = f.strategies ?? 1;
  const strategies = Array.from({ length: nS }, (_, s) => ({
    address: addr(0x51, s),
    asset: addr(0xa5, s),
    symbol: `LST${s}`,
    ethPerAssetWad: WAD,
  }));
  const sets = f.sets.map((s, k) => ({ ...s, operatorSetId: f.sets.slice(0, k).filter((x) => x.avs === s.avs).length }));
  const trellis = sets.map(() => 0);
  const operators: SnapshotOperator[] = [];
  const delegators: SnapshotDelegator[] = [];
  let staked = 0;
  f.operators.forEach((o, oi) => {
    const operator = addr(0x0b, oi);
    const allocations: SnapshotOperator["allocations"] = [];
    const stake: SnapshotDelegator["stake"] = [];
    const withdrawals: SnapshotDelegator["withdrawals"] = [];
    for (let s = 0; s < nS; s++) {
      const active = o.stake[s] ?? 0;
      const queued = o.queued?.[s] ?? 0;
      const matured = o.matured?.[s] ?? 0;
      staked += active + queued + matured;
      const root = (j: number) => `0x${(oi * 64 + s * 2 + j + 1).toString(16).padStart(64, "0")}` as const;
      if (queued) withdrawals.push({ withdrawalRoot: root(0), strategy: strategies[s]!.address, ethValue: wei(queued), completableBlock: 2_000n });
      if (matured) withdrawals.push({ withdrawalRoot: root(1), strategy: strategies[s]!.address, ethValue: wei(matured), completableBlock: 500n });
      stake.push({ strategy: strategies[s]!.address, active: wei(active), queued: wei(queued) + wei(matured) });
      for (const a of o.sets) {
        const set = sets[a.set]!;
        allocations.push({ avs: setAddr(set.avs), operatorSetId: set.operatorSetId, strategy: strategies[s]!.address, allocatedMagnitude: wei(a.fraction) });
        trellis[a.set]! += a.fraction * (active + queued);
      }
    }
    operators.push({ address: operator, allocations, maxMagnitudes: strategies.map((s) => ({ strategy: s.address, maxMagnitude: WAD })) });
    delegators.push({ address: addr(0xde, oi), operator, stake, withdrawals });
  });
  const idle = f.idle ?? [Math.max(0, f.tvl - staked), ...Array<number>(nS - 1).fill(0)];
  const lim = f.limits ?? {};
  const snapshot: Snapshot = {
    chainId: 31337,
    blockNumber: 1_000n,
    vault: {
      address: addr(0x7a, 0),
      totalAssets: wei(f.tvl),
      liquidBuffer: idle.reduce((a, b) => a + wei(b), 0n),
      idle: idle.map((x, s) => ({ strategy: strategies[s]!.address, ethValue: wei(x) })),
    },
    withdrawalDelayBlocks: 100_800n,
    strategies,
    delegators,
    operators,
    operatorSets: sets.map((s, k) => ({ avs: setAddr(s.avs), operatorSetId: s.operatorSetId, totalAllocatedStake: wei(s.others + trellis[k]!) })),
    limits: {
      operatorAllowlist: f.operators.flatMap((o, oi) => (o.allowed === false ? [] : [addr(0x0b, oi)])),
      operatorCapBps: lim.operatorCapBps ?? 10_000,
      defaultAvsCapBps: lim.avsCapBps ?? 10_000,
      avsCapBps: [],
      defaultOperatorSetCapBps: lim.setCapBps ?? 10_000,
      operatorSetCapBps: sets.flatMap((s) => (s.capBps === undefined ? [] : [{ avs: setAddr(s.avs), operatorSetId: s.operatorSetId, capBps: s.capBps }])),
      totalSlashableCapBps: lim.totalSlashableCapBps ?? 10_000,
      minBufferBps: lim.minBufferBps ?? 0,
    },
  };
  const avsData: AvsData = {
    version: 1,
    operatorSets: sets.map((s) => ({
      avs: setAddr(s.avs),
      operatorSetId: s.operatorSetId,
      rewardApr: s.apr,
      slashingProbability: s.p,
      slashingSeverity: s.sev,
      profitFromCorruptionEth: s.pfc,
      corruptionThreshold: s.theta,
      clusters: s.clusters ?? [],
    })),
  };
  return { snapshot, avsData };
}
