// Everything the keeper decides from, read fresh from the chain each time: it keeps no state of its own.
import type { Address, Chain, Hex, PublicClient, Transport } from "viem";
import {
  assetRegistryAbi,
  delegationManagerAbi,
  operatorDelegatorAbi,
  riskRegistryAbi,
  strategyBaseAbi,
  vaultAbi,
  withdrawalQueueAbi,
} from "../abi/generated/index.js";
import { decodeRevert } from "../chain/errors.js";
import { withRetry, type RetryOptions } from "../chain/retry.js";
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

export type ReadStateParameters = { deployment: Deployment; retry?: RetryOptions };

const WAD = 10n ** 18n;

export async function readKeeperState(client: Client, params: ReadStateParameters): Promise<KeeperState> {
  const { deployment } = params;
  const vault = deployment.trellis.vault;
  const r = <T>(fn: () => Promise<T>) => withRetry(fn, params.retry);
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    r(() => client.readContract({ address, abi, functionName, args } as never) as Promise<T>);

  const block = await r(() => client.getBlock({ blockTag: "latest" }));
  const blockNumber = block.number;
  const at = { blockNumber };
  const readAt = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    r(() => client.readContract({ address, abi, functionName, args, ...at } as never) as Promise<T>);

  const registry = deployment.trellis.assetRegistry;
  const assetAddrs = await readAt<readonly Address[]>(registry, assetRegistryAbi, "getAssets");
  const assets: AssetInfo[] = await Promise.all(
    assetAddrs.map(async (asset) => {
      const config = await readAt<{ strategy: Address; rebasing: boolean }>(registry, assetRegistryAbi, "getAssetConfig", [asset]);
      // An LST whose price is outside its bounds (or unpriceable, e.g. no supply yet) is valued at 0 here: the
      // vault refuses deposits of it, and the keeper goes on with everything else.
      const price = await readAt<bigint>(registry, assetRegistryAbi, "price", [asset]).catch((e: unknown) => {
        if (decodeRevert(e)) return 0n;
        throw e;
      });
      const symbol = deployment.assets.find((a) => a.token.toLowerCase() === asset.toLowerCase())?.symbol ?? asset.slice(0, 8);
      return { asset, symbol, strategy: config.strategy, rebasing: config.rebasing, price };
    }),
  );
  // Every held asset has a strategy (a wrapper like wstETH is held as its underlying and not listed here).
  const strategies = assets.map((a) => a.strategy);
  const dm = deployment.eigenlayer.delegationManager;
  const withdrawalDelayBlocks = BigInt(await read<number>(dm, delegationManagerAbi, "minWithdrawalDelayBlocks"));
  const delegatorAddrs = await readAt<readonly Address[]>(vault, vaultAbi, "getDelegators");

  const toUnderlying = (strategy: Address, shares: bigint) =>
    shares === 0n ? Promise.resolve(0n) : readAt<bigint>(strategy, strategyBaseAbi, "sharesToUnderlyingView", [shares]);

  const queued: QueuedWithdrawal[] = [];
  const delegators: DelegatorState[] = await Promise.all(
    delegatorAddrs.map(async (address) => {
      const operator = await readAt<Address>(address, operatorDelegatorAbi, "operator");
      const [delegatedTo, retired, exposure] = await Promise.all([
        readAt<Address>(dm, delegationManagerAbi, "delegatedTo", [address]),
        readAt<boolean>(deployment.trellis.riskRegistry, riskRegistryAbi, "isRetired", [address]),
        readAt<{ delegatedTo: Address }>(deployment.trellis.riskRegistry, riskRegistryAbi, "delegatorExposure", [address]),
      ]);
      const [withdrawable, deposit] = await readAt<readonly [readonly bigint[], readonly bigint[]]>(
        dm, delegationManagerAbi, "getWithdrawableShares", [address, strategies],
      );
      const positions = await Promise.all(
        assets.map(async (a, i) => ({
          strategy: a.strategy,
          asset: a.asset,
          depositShares: deposit[i]!,
          withdrawableShares: withdrawable[i]!,
          underlying: await toUnderlying(a.strategy, withdrawable[i]!),
        })),
      );
      const [ws, shares] = await readAt<readonly [readonly Withdrawal[], readonly (readonly bigint[])[]]>(
        dm, delegationManagerAbi, "getQueuedWithdrawals", [address],
      );
      for (let q = 0; q < ws.length; q++) {
        const withdrawal = ws[q]!;
        const root = await readAt<Hex>(dm, delegationManagerAbi, "calculateWithdrawalRoot", [withdrawal]);
        const underlying = await Promise.all(withdrawal.strategies.map((s, k) => toUnderlying(s, shares[q]![k]!)));
        queued.push({
          delegator: address,
          root,
          withdrawal,
          shares: shares[q]!,
          underlying,
          completableBlock: BigInt(withdrawal.startBlock) + withdrawalDelayBlocks + 1n,
        });
      }
      const [holding, cached] = await Promise.all([
        strategies.length ? readAt<readonly bigint[]>(address, operatorDelegatorAbi, "underlyingBalances", [strategies]) : Promise.resolve([]),
        Promise.all(assets.map((a) => readAt<bigint>(vault, vaultAbi, "delegatorHolding", [address, a.asset]))),
      ]);
      return { address, operator, delegatedTo, retired, cachedDelegatedTo: exposure.delegatedTo, positions, holding: [...holding], cached };
    }),
  );
  queued.sort((a, b) => (a.delegator === b.delegator ? Number(a.withdrawal.nonce - b.withdrawal.nonce) : a.delegator < b.delegator ? -1 : 1));

  const [totalAssets, measuredTotalAssets, books, rate, lastSyncTimestamp, lastFullRefresh, rateParams] = await Promise.all([
    readAt<bigint>(vault, vaultAbi, "totalAssets"),
    readAt<bigint>(vault, vaultAbi, "markedAssets"),
    readAt<{ booked: bigint; pending: bigint }>(vault, vaultAbi, "books"),
    readAt<bigint>(vault, vaultAbi, "rate"),
    readAt<bigint>(vault, vaultAbi, "lastSyncTimestamp"),
    readAt<bigint>(vault, vaultAbi, "lastFullRefresh"),
    readAt<{ maxMeasurementAge: number }>(vault, vaultAbi, "rateParams"),
  ]);
  const idle = new Map<Address, bigint>();
  for (const a of assets) idle.set(a.asset, await readAt<bigint>(vault, vaultAbi, "idleBalance", [a.asset]));
  const queue = await readRedeemQueue(readAt, { deployment, assets });
  return {
    blockNumber,
    timestamp: block.timestamp,
    assets,
    delegators,
    queued,
    withdrawalDelayBlocks,
    totalAssets,
    measuredTotalAssets,
    bookedAndPending: books.booked + books.pending,
    rate,
    lastSyncTimestamp,
    lastFullRefresh,
    maxMeasurementAge: BigInt(rateParams.maxMeasurementAge),
    idle,
    queue,
  };
}

type ReadAt = <T>(address: Address, abi: unknown, functionName: string, args?: readonly unknown[]) => Promise<T>;

type RawRequest = { controller: Address; shares: bigint; asset: Address; requestedAt: number; status: number; valueAtRequest: bigint };
const PENDING = 1; // IWithdrawalQueue.Status.Pending

/**
 * Every pending redemption request, oldest first, valued as finalization would value it now. The queue keeps
 * requests by id (0 .. nextRequestId - 1); ids below the oldest still pending are skipped by a scan from the
 * first one, so the scan is as long as the span of open requests.
 */
async function readRedeemQueue(readAt: ReadAt, p: { deployment: Deployment; assets: AssetInfo[] }): Promise<KeeperState["queue"]> {
  const wq = p.deployment.trellis.withdrawalQueue;
  const vault = p.deployment.trellis.vault;
  const [nextRequestId, params] = await Promise.all([
    readAt<bigint>(wq, withdrawalQueueAbi, "nextRequestId"),
    readAt<{ minRedeemDelay: number }>(wq, withdrawalQueueAbi, "exitParams"),
  ]);
  const minRedeemDelay = BigInt(params.minRedeemDelay);
  const ids: bigint[] = [];
  for (let id = 0n; id < nextRequestId; id++) ids.push(id);
  const raw = await Promise.all(ids.map((id) => readAt<RawRequest>(wq, withdrawalQueueAbi, "getRequest", [id])));
  const pending: PendingRequest[] = [];
  for (const [i, req] of raw.entries()) {
    if (req.status !== PENDING) continue;
    const now = await readAt<bigint>(vault, vaultAbi, "convertToAssets", [req.shares]);
    const value = now < req.valueAtRequest ? now : req.valueAtRequest;
    const price = p.assets.find((a) => a.asset === req.asset)?.price ?? 0n;
    const requestedAt = BigInt(req.requestedAt);
    pending.push({
      id: ids[i]!,
      controller: req.controller,
      asset: req.asset,
      shares: req.shares,
      value,
      amount: price === 0n ? value : (value * WAD) / price,
      requestedAt,
      payableFrom: requestedAt + minRedeemDelay,
    });
  }
  return { nextRequestId, minRedeemDelay, pending };
}
