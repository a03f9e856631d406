// The views of the one chain read, as pure functions of hand-built reads (the reads themselves are tested on
// the devnet: test/vitest/keeper-policy.test.ts, src/strategy/snapshot.test.ts).
import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import type { Deployment } from "../devnet/deployment.js";
import { SnapshotError } from "../strategy/errors.js";
import type { AssetRead, DelegatorRead, OperatorRead } from "./chainReads.js";
import { engineSnapshotOf, keeperStateOf, newStakeRefusalsOf, type ChainReads } from "./chainSnapshot.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const E = 10n ** 18n;
const ASSET = addr(0xa), STRATEGY = addr(0x5);

function reads(p: { delegators: Partial<DelegatorRead>[]; operators: Partial<OperatorRead>[]; asset?: Partial<AssetRead> }): ChainReads {
  const delegators = p.delegators.map((d, i): DelegatorRead => ({
    address: addr(0x100 + i),
    operator: addr(0x200 + i),
    delegatedTo: addr(0x200 + i),
    retired: false,
    cachedDelegatedTo: addr(0x200 + i),
    beyondSetBound: false,
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
      queue: { nextRequestId: 0n, minRedeemDelay: 3_600n },
      trEthSupply: 100n * E,
    },
    items: { assets: [{ asset: ASSET, strategy: STRATEGY, rebasing: false, price: E, idle: 10n * E, erc20Symbol: "rETH", ...p.asset }], delegators, requests: [] },
    holdings: {
      holdings: delegators.map(() => ({ withdrawable: [E], deposit: [E], holding: [E], cached: [E] })),
      requestValues: [],
      operators: p.operators.map((o, i): OperatorRead => ({ operator: addr(0x200 + i), sets: [], maxMagnitudes: [E], allocationDelayBlocks: 5, allowed: true, ...o })),
    },
    allocations: { underlying: new Map([[`${STRATEGY.toLowerCase()}:${E}`, E]]), allocations: p.operators.map(() => []), splits: p.operators.map(() => []), sets: [], avsCaps: [] },
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
