// The views of the one chain read, as pure functions of hand-built reads (the reads themselves are tested on
// the devnet: test/vitest/keeper-policy.test.ts, src/strategy/snapshot.test.ts).
import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import type { Deployment } from "../devnet/deployment.js";
import { SnapshotError } from "../strategy/errors.js";
import type { AllocationRead, AssetRead, DelegatorRead, FormerOperatorRead, OperatorRead } from "./chainReads.js";
import { engineSnapshotOf, keeperStateOf, newStakeRefusalsOf, type ChainReads } from "./chainSnapshot.js";
import { cacheExcess, cacheMatches, exposureOf } from "./exposure.js";
import type { Withdrawal } from "../keeper/readState.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const E = 10n ** 18n;
const ASSET = addr(0xa), STRATEGY = addr(0x5);

function reads(p: {
  delegators: Partial<DelegatorRead>[];
  operators: Partial<OperatorRead>[];
  asset?: Partial<AssetRead>;
  allocations?: AllocationRead[][];
  formerOperators?: FormerOperatorRead[];
  formerAllocations?: AllocationRead[][];
  underlying?: [bigint, bigint][];
}): ChainReads {
  const delegators = p.delegators.map((d, i): DelegatorRead => ({
    address: addr(0x100 + i),
    operator: addr(0x200 + i),
    delegatedTo: addr(0x200 + i),
    retired: false,
    cachedDelegatedTo: addr(0x200 + i),
    beyondSetBound: false,
    cachedExposure: { refreshedBlock: 90n, stake: E, slashable: 0n, sets: [] },
    withdrawals: [],
    withdrawalShares: [],
    ...d,
  }));
  return {
    deployment: { trellis: { vault: addr(0x1) }, assets: [{ token: ASSET, symbol: "rETH" }] } as unknown as Deployment,
    blockNumber: 100n,
    timestamp: 1_000n,
    chainId: 31337,
    lists: {
      assets: [ASSET],
      delegators: delegators.map((d) => d.address),
      limits: { operatorCapBps: 2500, defaultAvsCapBps: 3000, defaultOperatorSetCapBps: 2000, totalSlashableCapBps: 9000, minBufferBps: 500 },
      policy: { minAllocationDelayBlocks: 5, maxOperatorSets: 2, minAdminDelaySeconds: 0 },
      withdrawalDelayBlocks: 100n,
      beaconChainETHStrategy: null,
      vault: { totalAssets: 100n * E, markedAssets: 100n * E, booked: 100n * E, pending: 0n, rate: E, lastSyncTimestamp: 0n, lastFullRefresh: 0n, maxMeasurementAge: 86_400n },
      queue: { nextRequestId: 0n, firstPendingRequestId: 0n, minRedeemDelay: 3_600n },
      trEthSupply: 100n * E,
    },
    items: { assets: [{ asset: ASSET, strategy: STRATEGY, rebasing: false, price: E, idle: 10n * E, erc20Symbol: "rETH", ...p.asset }], delegators, requests: [] },
    holdings: {
      holdings: delegators.map(() => ({ withdrawable: [E], deposit: [E], holding: [E], cached: [E] })),
      requestValues: [],
      operators: p.operators.map((o, i): OperatorRead => ({ operator: addr(0x200 + i), sets: [], maxMagnitudes: [E], allocationDelayBlocks: 5, encumbered: [E], allowed: true, ...o })),
      formerOperators: p.formerOperators ?? [],
    },
    allocations: {
      underlying: new Map(([[E, E], ...(p.underlying ?? [])] as [bigint, bigint][]).map(([shares, units]) => [`${STRATEGY.toLowerCase()}:${shares}`, units])),
      allocations: p.allocations ?? p.operators.map(() => []),
      formerAllocations: p.formerAllocations ?? [],
      splits: p.operators.map(() => []), sets: [], avsCaps: [] },
    setStake: [],
  };
}

describe("newStakeRefusalsOf", () => {
  it("names why the chain refuses each operator new stake, as the vault's check would", () => {
    const r = reads({
      delegators: [{}, {}, { retired: true }, { delegatedTo: addr(0) }, { beyondSetBound: true }, {}],
      operators: [{}, { policyRefusal: `AllocationDelayTooShort(${addr(0x201)}, 5, 0)` }, {}, {}, {}, { allowed: false, policyRefusal: `OperatorNotAllowed(${addr(0x205)})` }],
    });
    expect(Object.fromEntries(newStakeRefusalsOf(r))).toEqual({
      [addr(0x201)]: `AllocationDelayTooShort(${addr(0x201)}, 5, 0)`,
      [addr(0x202)]: `RetiredDelegator(${addr(0x102)})`,
      [addr(0x203)]: `DelegatorNotDelegated(${addr(0x103)}, ${addr(0x203)}, ${addr(0)})`,
      [addr(0x204)]: `OperatorSetsBeyondBound(${addr(0x204)}, 2)`,
      // Off the allowlist: the engine's allowlist handles it (and exits it), not a policy refusal.
    });
  });
});

describe("engineSnapshotOf", () => {
  it("carries the policy into the engine's snapshot", () => {
    const r = reads({ delegators: [{}, {}], operators: [{}, { policyRefusal: "OperatorSetsBeyondBound(x, 2)" }] });
    const s = engineSnapshotOf(r, newStakeRefusalsOf(r));
    expect(s.limits.minAllocationDelayBlocks).toBe(5);
    expect(s.operators.map((o) => o.newStakeRefused)).toEqual([undefined, "OperatorSetsBeyondBound(x, 2)"]);
    expect(s.delegators[0]!.stake).toEqual([{ strategy: STRATEGY, active: E, queued: 0n }]);
  });

  it("refuses to value stake at no price; the keeper's view values the asset at 0 and goes on", () => {
    const r = reads({ delegators: [{}], operators: [{}], asset: { price: 0n, priceError: "PriceOutOfBounds(1, 2, 3)" } });
    expect(() => engineSnapshotOf(r, new Map())).toThrow(SnapshotError);
    expect(() => engineSnapshotOf(r, new Map())).toThrow("no price for rETH: PriceOutOfBounds(1, 2, 3)");
    expect(keeperStateOf(r).assets[0]!.price).toBe(0n);
  });
});

describe("exposureOf (ExposureLib mirrored)", () => {
  const AVS = addr(0xa5);
  const set0 = { avs: AVS, id: 0 }, set1 = { avs: AVS, id: 1 }, set2 = { avs: AVS, id: 2 };
  const alloc = (set: { avs: Address; id: number }, currentMagnitude: bigint, pendingDiff: bigint): AllocationRead => ({ set, strategy: STRATEGY, currentMagnitude, pendingDiff });
  const withdrawal = (delegatedTo: Address): Withdrawal => ({ staker: addr(0x100), delegatedTo, withdrawer: addr(0x1), nonce: 0n, startBlock: 95, strategies: [STRATEGY], scaledShares: [2n * E] });

  it("measures per set with pending increases, slashable by encumbered magnitude, each rounded up, queued stake under its own operator", () => {
    const price = E + E / 20n; // 1.05
    const r = reads({
      asset: { price },
      // 1 share withdrawable under the current operator + 1 queued under it (summed before conversion);
      // 2 queued under a former operator.
      delegators: [{ withdrawals: [withdrawal(addr(0x200)), withdrawal(addr(0x300))], withdrawalShares: [[E], [2n * E]] }],
      operators: [{ sets: [set0, set1], maxMagnitudes: [3n], encumbered: [2n] }],
      // current 1 + pending increase 1 of 3; current 1 with a pending decrease (counts as 1) of 3.
      allocations: [[alloc(set0, 1n, 1n), alloc(set1, 1n, -1n)]],
      formerOperators: [{ operator: addr(0x300), sets: [set2], maxMagnitudes: [E], encumbered: [null] }],
      formerAllocations: [[alloc(set2, E / 4n, 0n)]],
      underlying: [[2n * E, 2n * E + 7n]],
    });
    const [e] = exposureOf(r);
    const current = ((2n * E + 7n) * price) / E; // 2 shares (1 + 1 queued) -> 2e18 + 7 units, rounded down
    const former = ((2n * E + 7n) * price) / E;
    const up = (a: bigint, b: bigint) => (a + b - 1n) / b;
    expect(e!.live).toEqual({
      stake: current + former,
      // A failed encumbered read counts all of max magnitude (ExposureLib._encumbered).
      slashable: up(current * 2n, 3n) + former,
      beyondSetBound: false,
      sets: [
        { avs: AVS, id: 0, value: up(current * 2n, 3n) },
        { avs: AVS, id: 1, value: up(current, 3n) },
        { avs: AVS, id: 2, value: up(former * (E / 4n), E) },
      ],
    });
    expect(up(current * 2n, 3n) * 3n).not.toBe(current * 2n); // the case really rounds
  });

  it("keeps the cached sets of an operator beyond the set bound; a delegator undelegated has stake but no exposure", () => {
    const r = reads({
      delegators: [{}, { delegatedTo: addr(0) }],
      operators: [{ sets: [set0, set1, set2], encumbered: [E / 2n] }, {}],
      allocations: [[alloc(set0, E, 0n), alloc(set1, 0n, 0n), alloc(set2, 0n, 0n)], []],
    });
    const [beyond, undelegated] = exposureOf(r);
    expect(beyond!.live).toEqual({ stake: E, slashable: E / 2n, beyondSetBound: true, sets: [] });
    expect(undelegated!.live).toEqual({ stake: E, slashable: 0n, beyondSetBound: false, sets: [] });
  });

  it("an unpriced asset held: unmeasurable (the registry's refresh would revert)", () => {
    const [e] = exposureOf(reads({ delegators: [{}], operators: [{}], asset: { price: 0n, priceError: "PriceOutOfBounds(1, 2, 3)" } }));
    expect(e!.live).toBeNull();
    expect(e!.unmeasurable).toContain("PriceOutOfBounds");
  });

  it("cacheExcess: how far the cache is above live, per set or slashable; cacheMatches: exactly equal", () => {
    const r = reads({ delegators: [{}], operators: [{ sets: [set0], encumbered: [E] }], allocations: [[alloc(set0, E / 2n, 0n)]] });
    const [e] = exposureOf(r);
    expect(e!.live).toEqual({ stake: E, slashable: E, beyondSetBound: false, sets: [{ avs: AVS, id: 0, value: E / 2n }] });
    const at = (c: Partial<NonNullable<typeof e>["cached"]>) => ({ ...e!, cached: { ...e!.cached, ...c } });
    const fresh = at({ stake: E, slashable: E, sets: [{ avs: AVS, id: 0, value: E / 2n }] });
    expect([cacheExcess(fresh), cacheMatches(fresh)]).toEqual([0n, true]);
    expect(cacheExcess(at({ slashable: E, sets: [{ avs: AVS, id: 0, value: E / 2n + 5n }] }))).toBe(5n);
    // A set the operator left still in the cache counts whole; a lower cache is no excess (but no match).
    expect(cacheExcess(at({ slashable: E, sets: [{ avs: AVS, id: 0, value: E / 2n }, { avs: AVS, id: 9, value: 7n }] }))).toBe(7n);
    const low = at({ stake: E, slashable: E - 1n, sets: [{ avs: AVS, id: 0, value: 1n }] });
    expect([cacheExcess(low), cacheMatches(low)]).toEqual([0n, false]);
    expect(cacheExcess(at({ slashable: 2n * E }))).toBe(E);
  });
});
