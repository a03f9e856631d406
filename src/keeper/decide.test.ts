import type { Address, Hex } from "viem";
import { describe, expect, it } from "vitest";
import { pickWithdrawals, removableDelegators, strandedDelegators, withdrawalShortfalls } from "./decide.js";
import type { KeeperState, QueuedWithdrawal } from "./readState.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const ASSET = addr(0xa), STRATEGY = addr(0x5), E = 10n ** 18n;

function state(holdings: bigint[], queued: { delegator: number; amount: bigint }[], need: bigint, idle: bigint): KeeperState {
  return {
    blockNumber: 100n,
    timestamp: 0n,
    assets: [{ asset: ASSET, symbol: "rETH", strategy: STRATEGY, rebasing: false, price: E }],
    delegators: holdings.map((h, i) => ({
      address: addr(0x100 + i),
      operator: addr(0x200 + i),
      delegatedTo: addr(0x200 + i),
      retired: false,
      cachedDelegatedTo: addr(0x200 + i),
      positions: [{ strategy: STRATEGY, asset: ASSET, depositShares: h, withdrawableShares: h, underlying: h }],
    })),
    queued: queued.map((q, i): QueuedWithdrawal => ({
      delegator: addr(0x100 + q.delegator),
      root: `0x${i.toString(16).padStart(64, "0")}` as Hex,
      withdrawal: { staker: addr(0x100 + q.delegator), delegatedTo: addr(0), withdrawer: addr(0), nonce: BigInt(i), startBlock: 1, strategies: [STRATEGY], scaledShares: [q.amount] },
      shares: [q.amount],
      underlying: [q.amount],
      completableBlock: 102n,
    })),
    withdrawalDelayBlocks: 100n,
    totalAssets: 0n,
    measuredTotalAssets: 0n,
    rate: E,
    lastSyncTimestamp: 0n,
    idle: new Map([[ASSET, idle]]),
    queue: { nextToFinalize: 1n, nextRequestId: 2n, pending: [{ id: 1n, asset: ASSET, shares: need, value: need, amount: need }] },
  };
}

const picks = (st: KeeperState) => pickWithdrawals(st, withdrawalShortfalls(st)[0]!).map((p) => [p.delegator, p.amount] as const);

describe("pickWithdrawals", () => {
  it("splits a shortfall over the largest holders and queues nothing when what is in flight covers it", () => {
    const st = state([30n * E, 50n * E, 10n * E], [], 70n * E, 5n * E);
    const first = picks(st);
    expect(first.map(([d]) => d)).toEqual([addr(0x101), addr(0x100)]);
    expect(first.reduce((s, [, a]) => s + a, 0n)).toBeGreaterThanOrEqual(65n * E);
    const covered = state([30n * E, 0n, 10n * E], [{ delegator: 1, amount: 66n * E }], 70n * E, 5n * E);
    expect(picks(covered)).toEqual([]);
  });

  it("after a crash halfway through, queues exactly the part not yet queued", () => {
    const before = state([30n * E, 50n * E, 10n * E], [], 70n * E, 5n * E);
    const [a, b] = picks(before) as [[Address, bigint], [Address, bigint]];
    // The first withdrawal was queued, then the keeper died.
    const after = state([30n * E, 50n * E - a[1], 10n * E], [{ delegator: 1, amount: a[1] }], 70n * E, 5n * E);
    expect(picks(after)).toEqual([b]);
  });
});

describe("strandedDelegators / removableDelegators", () => {
  it("flags a forced undelegation (stale risk cache) and a retirement; removes a retired delegator only once empty", () => {
    const st = state([10n * E, 20n * E, 0n], [{ delegator: 1, amount: 5n * E }], 0n, 0n);
    const [d0, d1, d2] = st.delegators as [KeeperState["delegators"][0], KeeperState["delegators"][0], KeeperState["delegators"][0]];
    expect(strandedDelegators(st)).toEqual([]);
    // The operator undelegated d0: EigenLayer shows no operator, the RiskRegistry still the old one.
    d0.delegatedTo = addr(0);
    // d1 and d2 were retired (the vault undelegated them and refreshed their exposure).
    d1.retired = true;
    d1.delegatedTo = d1.cachedDelegatedTo = addr(0);
    d2.retired = true;
    d2.delegatedTo = d2.cachedDelegatedTo = addr(0);
    expect(strandedDelegators(st).map((s) => [s.delegator, s.reason, s.staleExposure])).toEqual([
      [d0.address, "forcedUndelegation", true],
      [d1.address, "retired", false],
      [d2.address, "retired", false],
    ]);
    // d1 still holds a position and a queued withdrawal; d2 holds nothing.
    expect(removableDelegators(st)).toEqual([d2.address]);
  });
});
