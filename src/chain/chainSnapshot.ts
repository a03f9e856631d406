// One read of the chain for everyone: the keeper's phases, the strategy engine, `status` and the metrics.
// Every read is pinned to one block and goes out in six rounds (chainReads.ts: each round's reads depend on
// the last's answers), each round one batch: through Multicall3 where the chain has it, else parallel
// eth_calls. The views below (keeper state, engine snapshot, policy refusals) are pure functions of the reads.
// Only interface ABIs are used, so the same code reads mainnet EigenLayer and the devnet.
import { encodeAbiParameters, getAddress, keccak256, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { getBlock, getChainId } from "viem/actions";
import { iDelegationManagerAbi } from "../abi/generated/index.js";
import type { Deployment } from "../devnet/deployment.js";
import type { DelegatorState, KeeperState, PendingRequest, QueuedWithdrawal, Withdrawal } from "../keeper/readState.js";
import { SnapshotError } from "../strategy/errors.js";
import type { Snapshot, SnapshotDelegator, SnapshotOperator, SnapshotOperatorSet, SnapshotWithdrawal } from "../strategy/types.js";
import {
  readAllocations,
  readHoldings,
  readItems,
  readLists,
  readSetStake,
  underlyingKey,
  type OperatorPolicy,
  type ReadContext,
} from "./chainReads.js";
import { exposureOf, type DelegatorExposure } from "./exposure.js";
import { hasMulticall3, readCalls, type ContractRead } from "./readCalls.js";
import type { RetryOptions } from "./retry.js";

export type { OperatorPolicy } from "./chainReads.js";

export type ReadChainSnapshotParameters = {
  deployment: Deployment;
  /** Block to read at (default: the latest). */
  blockNumber?: bigint | undefined;
  retry?: RetryOptions | undefined;
  /** `false`: parallel eth_calls even where Multicall3 exists (tests compare both ways). */
  multicall?: boolean | undefined;
};

/** Everything the rounds read, as plain data. */
export type ChainReads = {
  deployment: Deployment;
  blockNumber: bigint;
  timestamp: bigint;
  chainId: number;
  lists: Awaited<ReturnType<typeof readLists>>;
  items: Awaited<ReturnType<typeof readItems>>;
  holdings: Awaited<ReturnType<typeof readHoldings>>;
  allocations: Awaited<ReturnType<typeof readAllocations>>;
  setStake: Awaited<ReturnType<typeof readSetStake>>;
};

export type ChainSnapshot = {
  blockNumber: bigint;
  timestamp: bigint;
  chainId: number;
  /** The reads went through Multicall3. */
  multicall: boolean;
  /** Contract reads made (each a sub-call of a Multicall3 eth_call, or an eth_call of its own). */
  reads: number;
  keeper: KeeperState;
  /** trETH's `totalSupply()`. */
  trEthSupply: bigint;
  policy: OperatorPolicy;
  /**
   * Why the chain refuses new stake to an operator of Trellis' delegators (lowercase address): the
   * RiskRegistry's `checkOperatorPolicy` named error, or its delegator retired, undelegated, or beyond the
   * set bound at its last measurement. Absent: the operator passes the policy (caps are the engine's to keep).
   */
  newStakeRefusals: Map<string, string>;
  /**
   * Per delegator, the RiskRegistry's cached exposure (what its cap aggregates hold) and what a refresh would
   * store now, measured from the same reads as ExposureLib measures (exposure.ts).
   */
  exposure: DelegatorExposure[];
  /** The strategy engine's view of the same reads; throws `SnapshotError` if an asset has no price. */
  engine(): Snapshot;
};

const WAD = 10n ** 18n;
const lc = (a: string) => a.toLowerCase();
const setKey = (avs: string, id: number) => `${lc(avs)}/${id}`;
/** ETH value of `units` at `price` (WAD), rounded down as the vault does. */
const ethValueOf = (units: bigint, price: bigint) => (units * price) / WAD;
const withdrawalParam = iDelegationManagerAbi.find((x) => x.type === "function" && x.name === "calculateWithdrawalRoot")!.inputs;
const withdrawalRoot = (w: Withdrawal): Hex => keccak256(encodeAbiParameters(withdrawalParam, [w as never]));

/** Reads the chain once: the keeper's state, the engine's snapshot and the RiskRegistry's operator policy. */
export async function readChainSnapshot<chain extends Chain | undefined>(client: Client<Transport, chain>, p: ReadChainSnapshotParameters): Promise<ChainSnapshot> {
  const block = await getBlock(client, p.blockNumber === undefined ? { blockTag: "latest" } : { blockNumber: p.blockNumber });
  const blockNumber = block.number!;
  const [chainId, multicall] = await Promise.all([client.chain?.id ?? getChainId(client), p.multicall === false ? false : hasMulticall3(client, blockNumber)]);
  let reads = 0;
  const ctx: ReadContext = {
    deployment: p.deployment,
    send: (calls: readonly ContractRead[]) => {
      reads += calls.length;
      return readCalls(client, calls, { blockNumber, multicall, retry: p.retry });
    },
  };
  const lists = await readLists(ctx);
  const items = await readItems(ctx, lists);
  const holdings = await readHoldings(ctx, items);
  const allocations = await readAllocations(ctx, { ...items, ...holdings });
  const setStake = await readSetStake(ctx, { assets: items.assets, sets: allocations.sets });
  const r: ChainReads = { deployment: p.deployment, blockNumber, timestamp: block.timestamp, chainId, lists, items, holdings, allocations, setStake };

  const newStakeRefusals = newStakeRefusalsOf(r);
  let engine: Snapshot | undefined;
  return {
    blockNumber,
    timestamp: block.timestamp,
    chainId,
    multicall,
    reads,
    keeper: keeperStateOf(r),
    trEthSupply: lists.trEthSupply,
    policy: lists.policy,
    newStakeRefusals,
    exposure: exposureOf(r),
    engine: () => (engine ??= engineSnapshotOf(r, newStakeRefusals)),
  };
}

/** Underlying units of `shares` of `strategy`, from the reads (0 shares: 0). */
const underlyingOf = (r: ChainReads, strategy: Address, shares: bigint): bigint => (shares === 0n ? 0n : r.allocations.underlying.get(underlyingKey(strategy, shares)) ?? 0n);

const knownSymbol = (r: ChainReads, asset: Address) => r.deployment.assets.find((a) => lc(a.token) === lc(asset))?.symbol;

/** The keeper's view: assets at their price (0 when unpriceable), delegators' positions and holdings, queue. */
export function keeperStateOf(r: ChainReads): KeeperState {
  const { lists, items } = r;
  const queued: QueuedWithdrawal[] = [];
  const delegators = items.delegators.map((d, j): DelegatorState => {
    const h = r.holdings.holdings[j]!;
    d.withdrawals.forEach((withdrawal, q) => {
      const shares = d.withdrawalShares[q]!;
      queued.push({
        delegator: d.address,
        root: withdrawalRoot(withdrawal),
        withdrawal,
        shares,
        underlying: withdrawal.strategies.map((s, k) => underlyingOf(r, s, shares[k]!)),
        completableBlock: BigInt(withdrawal.startBlock) + lists.withdrawalDelayBlocks + 1n,
      });
    });
    return {
      address: d.address,
      operator: d.operator,
      delegatedTo: d.delegatedTo,
      retired: d.retired,
      cachedDelegatedTo: d.cachedDelegatedTo,
      positions: items.assets.map((a, i) => ({
        strategy: a.strategy,
        asset: a.asset,
        depositShares: h.deposit[i]!,
        withdrawableShares: h.withdrawable[i]!,
        underlying: underlyingOf(r, a.strategy, h.withdrawable[i]!),
      })),
      holding: h.holding,
      cached: h.cached,
    };
  });
  queued.sort((a, b) => (a.delegator === b.delegator ? Number(a.withdrawal.nonce - b.withdrawal.nonce) : a.delegator < b.delegator ? -1 : 1));
  const pending = items.requests.map((q, k): PendingRequest => {
    const now = r.holdings.requestValues[k]!;
    const value = now < q.valueAtRequest ? now : q.valueAtRequest;
    const price = items.assets.find((a) => lc(a.asset) === lc(q.asset))?.price ?? 0n;
    const amount = price === 0n ? value : (value * WAD) / price;
    return { id: q.id, controller: q.controller, asset: q.asset, shares: q.shares, value, amount, requestedAt: q.requestedAt, payableFrom: q.requestedAt + lists.queue.minRedeemDelay };
  });
  return {
    blockNumber: r.blockNumber,
    timestamp: r.timestamp,
    assets: items.assets.map((a) => ({ asset: a.asset, symbol: knownSymbol(r, a.asset) ?? a.asset.slice(0, 8), strategy: a.strategy, rebasing: a.rebasing, price: a.price })),
    delegators,
    queued,
    withdrawalDelayBlocks: lists.withdrawalDelayBlocks,
    totalAssets: lists.vault.totalAssets,
    measuredTotalAssets: lists.vault.markedAssets,
    bookedAndPending: lists.vault.booked + lists.vault.pending,
    rate: lists.vault.rate,
    lastSyncTimestamp: lists.vault.lastSyncTimestamp,
    lastFullRefresh: lists.vault.lastFullRefresh,
    maxMeasurementAge: lists.vault.maxMeasurementAge,
    idle: new Map(items.assets.map((a) => [a.asset, a.idle])),
    queue: { nextRequestId: lists.queue.nextRequestId, minRedeemDelay: lists.queue.minRedeemDelay, pending },
  };
}

/**
 * The operators the chain refuses new stake, with the reason, as `Vault.allocate`'s RiskRegistry check would
 * name it. An operator off the allowlist is left out: the engine already treats it as such (and exits it).
 */
export function newStakeRefusalsOf(r: ChainReads): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of r.holdings.operators) if (o.allowed && o.policyRefusal) out.set(lc(o.operator), o.policyRefusal);
  for (const d of r.items.delegators) {
    if (out.has(lc(d.operator))) continue;
    if (d.retired) out.set(lc(d.operator), `RetiredDelegator(${d.address})`);
    else if (lc(d.delegatedTo) !== lc(d.operator)) out.set(lc(d.operator), `DelegatorNotDelegated(${d.address}, ${d.operator}, ${d.delegatedTo})`);
    // The registry's last measurement saw a set-bound breach (a former operator's queued stake counts too).
    else if (d.beyondSetBound) out.set(lc(d.operator), `OperatorSetsBeyondBound(${d.operator}, ${r.lists.policy.maxOperatorSets})`);
  }
  return out;
}

/** The strategy engine's view (see `snapshot()` in src/strategy/snapshot.ts for what each field holds). */
export function engineSnapshotOf(r: ChainReads, refusals: Map<string, string>): Snapshot {
  const { lists, items } = r;
  const unpriced = items.assets.find((a) => a.priceError !== undefined);
  if (unpriced) throw new SnapshotError(`no price for ${knownSymbol(r, unpriced.asset) ?? unpriced.asset}: ${unpriced.priceError}`);
  const strategies = items.assets.map((a) => a.strategy);
  const priceOf = new Map(items.assets.map((a) => [lc(a.strategy), a.price]));
  const beacon = lists.beaconChainETHStrategy;
  /** ETH value of `shares` of a strategy Trellis prices (null: not priced). */
  const sharesToEth = (strategy: Address, shares: bigint): bigint | null => {
    const price = priceOf.get(lc(strategy));
    if (price !== undefined) return ethValueOf(underlyingOf(r, strategy, shares), price);
    if (beacon && lc(strategy) === lc(beacon)) return shares;
    return null;
  };

  const delegators = items.delegators.map((d, j): SnapshotDelegator => {
    const { withdrawable } = r.holdings.holdings[j]!;
    const withdrawals = d.withdrawals.flatMap((w, q) => {
      const root = withdrawalRoot(w);
      const completableBlock = BigInt(w.startBlock) + lists.withdrawalDelayBlocks + 1n;
      return w.strategies.flatMap((strategy, k): SnapshotWithdrawal[] => {
        const ethValue = sharesToEth(strategy, d.withdrawalShares[q]?.[k] ?? 0n);
        // A strategy Trellis does not price cannot be one it deposited into: skip it.
        return ethValue === null ? [] : [{ withdrawalRoot: root, strategy: getAddress(strategy), ethValue, completableBlock }];
      });
    });
    return {
      address: d.address,
      operator: d.operator,
      stake: strategies.map((strategy, i) => ({
        strategy,
        active: sharesToEth(strategy, withdrawable[i] ?? 0n) ?? 0n,
        queued: withdrawals.filter((w) => lc(w.strategy) === lc(strategy)).reduce((s, w) => s + w.ethValue, 0n),
      })),
      withdrawals,
    };
  });

  const operators = r.holdings.operators.map((o, i): SnapshotOperator => {
    // Pending increases are not slashable yet; pending decreases still are: `currentMagnitude`.
    // A pending increase is committed: it lands at `effectBlock` whatever Trellis does.
    const allocations = r.allocations.allocations[i]!.map((a) => ({
      avs: a.set.avs,
      operatorSetId: a.set.id,
      strategy: a.strategy,
      allocatedMagnitude: a.currentMagnitude,
      pendingMagnitude: a.pendingDiff > 0n ? a.currentMagnitude + a.pendingDiff : a.currentMagnitude,
    }));
    const refusal = refusals.get(lc(o.operator));
    return {
      address: o.operator,
      allocations: allocations.filter((a) => a.allocatedMagnitude > 0n || a.pendingMagnitude > 0n),
      maxMagnitudes: strategies.map((strategy, k) => ({ strategy, maxMagnitude: BigInt(o.maxMagnitudes[k] ?? 0n) })),
      splits: r.allocations.splits[i]!.map((s) => ({ avs: s.set.avs, operatorSetId: s.set.id, avsSplitBps: s.avsSplitBps, operatorSetSplitBps: s.operatorSetSplitBps })),
      allocationDelayBlocks: o.allocationDelayBlocks,
      ...(refusal ? { newStakeRefused: refusal } : {}),
    };
  });

  const idle = items.assets.map((a) => ({ strategy: a.strategy, ethValue: ethValueOf(a.idle, a.price) }));
  const limits = lists.limits;
  return {
    chainId: r.chainId,
    blockNumber: r.blockNumber,
    vault: { address: getAddress(r.deployment.trellis.vault), totalAssets: lists.vault.totalAssets, liquidBuffer: idle.reduce((s, i) => s + i.ethValue, 0n), idle },
    withdrawalDelayBlocks: lists.withdrawalDelayBlocks,
    strategies: items.assets.map((a) => ({ address: a.strategy, asset: a.asset, symbol: a.erc20Symbol ?? knownSymbol(r, a.asset) ?? a.asset, ethPerAssetWad: a.price })),
    delegators,
    operators,
    operatorSets: operatorSetsOf(r, delegators, operators, sharesToEth),
    limits: {
      operatorAllowlist: r.holdings.operators.filter((o) => o.allowed).map((o) => o.operator),
      operatorCapBps: limits.operatorCapBps,
      defaultAvsCapBps: limits.defaultAvsCapBps,
      avsCapBps: r.allocations.avsCaps.filter((c) => c.capBps !== limits.defaultAvsCapBps),
      defaultOperatorSetCapBps: limits.defaultOperatorSetCapBps,
      operatorSetCapBps: r.allocations.sets.map((s) => ({ avs: s.set.avs, operatorSetId: s.set.id, capBps: s.capBps })).filter((c) => c.capBps !== limits.defaultOperatorSetCapBps),
      totalSlashableCapBps: limits.totalSlashableCapBps,
      minBufferBps: limits.minBufferBps,
      minAllocationDelayBlocks: lists.policy.minAllocationDelayBlocks,
    },
  };
}

/**
 * Every set an operator of Trellis allocates to, with the ETH value of the stake all its members allocate
 * (`getAllocatedStake` counts delegated shares only, so Trellis' queued withdrawals, still slashable, are
 * added at the operator's magnitude), whether it redistributes and whether governance allowed that.
 */
function operatorSetsOf(
  r: ChainReads,
  delegators: SnapshotDelegator[],
  operators: SnapshotOperator[],
  sharesToEth: (strategy: Address, shares: bigint) => bigint | null,
): SnapshotOperatorSet[] {
  const priceOf = new Map(r.items.assets.map((a) => [lc(a.strategy), a.price]));
  // Trellis' queued stake that is still slashable, per operator and strategy, ETH.
  const slashableQueued = new Map<string, bigint>();
  for (const d of delegators)
    for (const w of d.withdrawals)
      if (w.completableBlock > r.blockNumber) {
        const k = `${lc(d.operator)}/${lc(w.strategy)}`;
        slashableQueued.set(k, (slashableQueued.get(k) ?? 0n) + w.ethValue);
      }
  return r.allocations.sets.map((s, k) => {
    let total = 0n;
    for (const x of r.setStake[k]!) total += x.underlying !== null ? ethValueOf(x.underlying, priceOf.get(lc(x.strategy))!) : (sharesToEth(x.strategy, x.shares) ?? 0n);
    for (const o of operators)
      for (const a of o.allocations) {
        if (setKey(a.avs, a.operatorSetId) !== setKey(s.set.avs, s.set.id)) continue;
        const queued = slashableQueued.get(`${lc(o.address)}/${lc(a.strategy)}`) ?? 0n;
        const max = o.maxMagnitudes.find((m) => lc(m.strategy) === lc(a.strategy))?.maxMagnitude ?? 0n;
        if (queued > 0n && max > 0n) total += (queued * a.allocatedMagnitude) / max;
      }
    return {
      avs: s.set.avs,
      operatorSetId: s.set.id,
      totalAllocatedStake: total,
      redistributing: s.redistributing,
      ...(s.redistributing ? { redistributionAllowed: s.redistributionAllowed } : {}),
    };
  });
}
