// A hand-built KeeperState for the keeper's pure decision tests: two assets (rETH, osETH), delegators holding
// rETH, EigenLayer withdrawals in flight, and pending redemption requests of a given age.
import type { Address, Hex } from "viem";
import type { KeeperState, PendingRequest, QueuedWithdrawal } from "../../src/keeper/readState.js";

export const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
export const ASSET = addr(0xa), STRATEGY = addr(0x5), OTHER = addr(0xb), OTHER_STRATEGY = addr(0x6), E = 10n ** 18n;
export const NOW = 10_000n, DELAY = 1_200n;

type Req = { id: number; amount: bigint; asset?: Address; age?: bigint };
const request = (r: Req): PendingRequest => ({
  id: BigInt(r.id),
  controller: addr(0x300),
  asset: r.asset ?? ASSET,
  shares: r.amount,
  value: r.amount,
  amount: r.amount,
  requestedAt: NOW - (r.age ?? DELAY),
  payableFrom: NOW - (r.age ?? DELAY) + DELAY,
});

export function state(p: { holdings?: bigint[]; queued?: { delegator: number; amount: bigint }[]; requests: Req[]; idle: bigint; otherIdle?: bigint }): KeeperState {
  const holdings = p.holdings ?? [];
  return {
    blockNumber: 100n,
    timestamp: NOW,
    assets: [
      { asset: ASSET, symbol: "rETH", strategy: STRATEGY, rebasing: false, price: E },
      { asset: OTHER, symbol: "osETH", strategy: OTHER_STRATEGY, rebasing: false, price: E },
    ],
    delegators: holdings.map((h, i) => ({
      address: addr(0x100 + i),
      operator: addr(0x200 + i),
      delegatedTo: addr(0x200 + i),
      retired: false,
      cachedDelegatedTo: addr(0x200 + i),
      positions: [{ strategy: STRATEGY, asset: ASSET, depositShares: h, withdrawableShares: h, underlying: h }],
      holding: [h, 0n],
      cached: [h, 0n],
    })),
    queued: (p.queued ?? []).map((q, i): QueuedWithdrawal => ({
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
    bookedAndPending: 0n,
    rate: E,
    lastSyncTimestamp: 0n,
    lastFullRefresh: NOW,
    maxMeasurementAge: 2n * 86_400n,
    idle: new Map([[ASSET, p.idle], [OTHER, p.otherIdle ?? 0n]]),
    queue: { nextRequestId: BigInt(p.requests.length), minRedeemDelay: DELAY, pending: p.requests.map(request) },
  };
}

