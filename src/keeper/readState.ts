// Everything the keeper decides from, read fresh from the chain each cycle: it keeps no state of its own.
// The read itself is `readChainSnapshot` (src/chain/chainSnapshot.ts), shared with the strategy engine:
// `KeeperState` is its keeper-side view, and the state remembers the snapshot it came from, so the engine's
// view of the same block costs no second read (`chainSnapshotOf`).
import type { Address, Chain, Hex, PublicClient, Transport } from "viem";
import { readChainSnapshot, type ChainSnapshot, type ReadChainSnapshotParameters } from "../chain/chainSnapshot.js";
import type { RetryOptions } from "../chain/retry.js";
import type { Deployment } from "../devnet/deployment.js";

export type Client = PublicClient<Transport, Chain>;

export type AssetInfo = { asset: Address; symbol: string; strategy: Address; rebasing: boolean; price: bigint };

/** `IDelegationManagerTypes.Withdrawal` as viem decodes it. */
export type Withdrawal = {
  staker: Address;
  delegatedTo: Address;
  withdrawer: Address;
  nonce: bigint;
  startBlock: number;
  strategies: readonly Address[];
  scaledShares: readonly bigint[];
};

export type QueuedWithdrawal = {
  delegator: Address;
  root: Hex;
  withdrawal: Withdrawal;
  /** Withdrawable shares after slashing, per strategy of the withdrawal. */
  shares: readonly bigint[];
  /** Underlying asset units per strategy of the withdrawal. */
  underlying: readonly bigint[];
  /** First block in which completion succeeds (EigenLayer: block.number > startBlock + delay). */
  completableBlock: bigint;
};

export type DelegatorPosition = { strategy: Address; asset: Address; depositShares: bigint; withdrawableShares: bigint; underlying: bigint };
/**
 * `holding` is what the delegator holds per asset (restaked and queued, after slashing, in asset units, as
 * `OperatorDelegator.underlyingBalances` says), `cached` what the vault's books say it holds
 * (`delegatorHolding`, as of its last refresh); both indexed like `KeeperState.assets`.
 */
export type DelegatorState = {
  address: Address;
  operator: Address;
  /** EigenLayer's `delegatedTo`: differs from `operator` after a forced undelegation (zero address). */
  delegatedTo: Address;
  /** Governance retired it: it gets no more stake and is removed once empty. */
  retired: boolean;
  /** `delegatedTo` as the RiskRegistry's cached exposure last saw it. */
  cachedDelegatedTo: Address;
  positions: DelegatorPosition[];
  holding: bigint[];
  cached: bigint[];
};

/**
 * A pending redemption request and what it needs in its asset to be finalized now: `value` is
 * min(value at request, value now) in ETH, `amount` that value in asset units at the asset's price.
 */
export type PendingRequest = {
  id: bigint;
  controller: Address;
  asset: Address;
  shares: bigint;
  value: bigint;
  amount: bigint;
  requestedAt: bigint;
  /** When it may be finalized: requestedAt + minRedeemDelay. */
  payableFrom: bigint;
};

export type KeeperState = {
  blockNumber: bigint;
  timestamp: bigint;
  assets: AssetInfo[];
  delegators: DelegatorState[];
  queued: QueuedWithdrawal[];
  withdrawalDelayBlocks: bigint;
  /** The booked total now (`totalAssets()`): what the rate is made of. */
  totalAssets: bigint;
  /** The mark (`markedAssets()`): every held unit at its current price, from the cached delegator holdings. */
  measuredTotalAssets: bigint;
  /** Booked plus still-streaming gains: what the books will reach without another sync. */
  bookedAndPending: bigint;
  rate: bigint;
  lastSyncTimestamp: bigint;
  /** When the last full refresh of the delegators' holdings started; deposits stop once it is older than `maxMeasurementAge`. */
  lastFullRefresh: bigint;
  maxMeasurementAge: bigint;
  idle: Map<Address, bigint>;
  queue: { nextRequestId: bigint; minRedeemDelay: bigint; pending: PendingRequest[] };
};

export type ReadStateParameters = { deployment: Deployment; retry?: RetryOptions | undefined; blockNumber?: bigint | undefined };

const origin = new WeakMap<KeeperState, ChainSnapshot>();

/** Reads the chain once (`readChainSnapshot`); the keeper's view of it. */
export async function readKeeperState(client: Client, params: ReadStateParameters): Promise<KeeperState> {
  return (await readChain(client, params)).keeper;
}

/** `readChainSnapshot`, with its keeper state remembered as coming from it. */
export async function readChain(client: Client, params: ReadChainSnapshotParameters): Promise<ChainSnapshot> {
  const snap = await readChainSnapshot(client, params);
  origin.set(snap.keeper, snap);
  return snap;
}

/** The chain snapshot a state was read as part of (undefined for a state built by hand, as in unit tests). */
export const chainSnapshotOf = (state: KeeperState): ChainSnapshot | undefined => origin.get(state);
