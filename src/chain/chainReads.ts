// The rounds of the one chain read (chainSnapshot.ts): each a named function that batches its calls, sends
// them as one batch and hands back plain data; each round needs the previous one's answers.
import { erc20Abi, getAddress, zeroAddress, type Address } from "viem";
import {
  iAllocationManagerAbi,
  iAssetRegistryAbi,
  iDelegationManagerAbi,
  iOperatorDelegatorAbi,
  iRewardsCoordinatorAbi,
  iRiskRegistryAbi,
  iStrategyAbi,
  iVaultAbi,
  iWithdrawalQueueAbi,
} from "../abi/generated/index.js";
import type { Deployment } from "../devnet/deployment.js";
import type { Withdrawal } from "../keeper/readState.js";
import { exposureGroupsOf } from "./exposure.js";
import { valueOf, valueOr, type ContractRead, type ReadResult } from "./readCalls.js";

/** Sends one round's calls as one batch. */
export type Send = (calls: readonly ContractRead[]) => Promise<ReadResult[]>;
export type ReadContext = { deployment: Deployment; send: Send };

export type OperatorSet = { avs: Address; id: number };
/** The RiskRegistry's operator policy (`policy()`). */
export type OperatorPolicy = { minAllocationDelayBlocks: number; maxOperatorSets: number; minAdminDelaySeconds: number };
export type RiskLimits = { operatorCapBps: number; defaultAvsCapBps: number; defaultOperatorSetCapBps: number; totalSlashableCapBps: number; minBufferBps: number };

/** Collects a round's calls, sends them as one batch, hands back each answer by the index `add` gave. */
class Round {
  private readonly calls: ContractRead[] = [];
  private results: ReadResult[] = [];
  add(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []): number {
    return this.calls.push({ address, abi, functionName, args }) - 1;
  }
  async run(send: Send): Promise<this> {
    this.results = await send(this.calls);
    return this;
  }
  get<T>(i: number): T {
    return valueOf<T>(this.results[i]);
  }
  or<T>(i: number, fallback: T): T {
    return valueOr(this.results[i], fallback);
  }
  result(i: number): ReadResult {
    return this.results[i]!;
  }
}

export type Lists = {
  assets: Address[];
  delegators: Address[];
  limits: RiskLimits;
  policy: OperatorPolicy;
  withdrawalDelayBlocks: bigint;
  /** EigenLayer's beacon chain ETH strategy (null: the core has no getter). */
  beaconChainETHStrategy: Address | null;
  vault: { totalAssets: bigint; markedAssets: bigint; booked: bigint; pending: bigint; rate: bigint; lastSyncTimestamp: bigint; lastFullRefresh: bigint; maxMeasurementAge: bigint };
  /** `firstPendingRequestId`: every id below it is settled, so requests are read from it, not from 0. */
  queue: { nextRequestId: bigint; firstPendingRequestId: bigint; minRedeemDelay: bigint };
  trEthSupply: bigint;
};

/** Round 1: lists and scalars. */
export async function readLists({ deployment, send }: ReadContext): Promise<Lists> {
  const { vault, assetRegistry, riskRegistry, withdrawalQueue, trETH } = deployment.trellis;
  const dm = deployment.eigenlayer.delegationManager;
  const r = new Round();
  const i = {
    assets: r.add(assetRegistry, iAssetRegistryAbi, "getAssets"),
    delegators: r.add(vault, iVaultAbi, "getDelegators"),
    limits: r.add(riskRegistry, iRiskRegistryAbi, "limits"),
    policy: r.add(riskRegistry, iRiskRegistryAbi, "policy"),
    delay: r.add(dm, iDelegationManagerAbi, "minWithdrawalDelayBlocks"),
    beacon: r.add(dm, iDelegationManagerAbi, "beaconChainETHStrategy"),
    total: r.add(vault, iVaultAbi, "totalAssets"),
    marked: r.add(vault, iVaultAbi, "markedAssets"),
    books: r.add(vault, iVaultAbi, "books"),
    rate: r.add(vault, iVaultAbi, "rate"),
    lastSync: r.add(vault, iVaultAbi, "lastSyncTimestamp"),
    lastRefresh: r.add(vault, iVaultAbi, "lastFullRefresh"),
    rateParams: r.add(vault, iVaultAbi, "rateParams"),
    nextId: r.add(withdrawalQueue, iWithdrawalQueueAbi, "nextRequestId"),
    firstId: r.add(withdrawalQueue, iWithdrawalQueueAbi, "firstPendingRequestId"),
    exit: r.add(withdrawalQueue, iWithdrawalQueueAbi, "exitParams"),
    supply: r.add(trETH, erc20Abi, "totalSupply"),
  };
  await r.run(send);
  const policy = r.get<{ minAllocationDelay: number; maxOperatorSets: number; minAdminDelay: number }>(i.policy);
  const books = r.get<{ booked: bigint; pending: bigint }>(i.books);
  const beacon = r.or<Address | null>(i.beacon, null);
  return {
    assets: r.get<readonly Address[]>(i.assets).map((a) => getAddress(a)),
    delegators: r.get<readonly Address[]>(i.delegators).map((a) => getAddress(a)),
    limits: r.get<RiskLimits>(i.limits),
    policy: { minAllocationDelayBlocks: Number(policy.minAllocationDelay), maxOperatorSets: Number(policy.maxOperatorSets), minAdminDelaySeconds: Number(policy.minAdminDelay) },
    withdrawalDelayBlocks: BigInt(r.get<number | bigint>(i.delay)),
    beaconChainETHStrategy: beacon ? getAddress(beacon) : null,
    vault: {
      totalAssets: r.get<bigint>(i.total),
      markedAssets: r.get<bigint>(i.marked),
      booked: books.booked,
      pending: books.pending,
      rate: r.get<bigint>(i.rate),
      lastSyncTimestamp: r.get<bigint>(i.lastSync),
      lastFullRefresh: r.get<bigint>(i.lastRefresh),
      maxMeasurementAge: BigInt(r.get<{ maxMeasurementAge: number }>(i.rateParams).maxMeasurementAge),
    },
    queue: {
      nextRequestId: r.get<bigint>(i.nextId),
      firstPendingRequestId: r.get<bigint>(i.firstId),
      minRedeemDelay: BigInt(r.get<{ minRedeemDelay: number }>(i.exit).minRedeemDelay),
    },
    trEthSupply: r.get<bigint>(i.supply),
  };
}

export type AssetRead = {
  asset: Address;
  strategy: Address;
  rebasing: boolean;
  /** AssetRegistry price, WAD; 0 when it reverts (`priceError` says why). */
  price: bigint;
  priceError?: string | undefined;
  idle: bigint;
  /** The token's ERC-20 `symbol()` (null: it has none). */
  erc20Symbol: string | null;
};
export type DelegatorRead = {
  address: Address;
  operator: Address;
  delegatedTo: Address;
  retired: boolean;
  /** The RiskRegistry's cached exposure: whom it saw the delegator delegated to, and a set-bound breach. */
  cachedDelegatedTo: Address;
  beyondSetBound: boolean;
  /** The rest of the RiskRegistry's cache (`delegatorExposure`): what its aggregates hold for this delegator. */
  cachedExposure: CachedExposure;
  withdrawals: readonly Withdrawal[];
  /** Withdrawable shares per withdrawal and strategy (after slashing). */
  withdrawalShares: readonly (readonly bigint[])[];
};
/** One delegator's entries in the RiskRegistry's aggregates, as of its last refresh (ETH, wei). */
export type CachedExposure = { refreshedBlock: bigint; stake: bigint; slashable: bigint; sets: { avs: Address; id: number; value: bigint }[] };
export type RequestRead = { id: bigint; controller: Address; shares: bigint; asset: Address; requestedAt: bigint; valueAtRequest: bigint };

const PENDING = 1; // IWithdrawalQueue.Status.Pending

/** Round 2: per asset, per delegator, per redemption request (the pending ones are kept). */
export async function readItems({ deployment, send }: ReadContext, lists: Lists): Promise<{ assets: AssetRead[]; delegators: DelegatorRead[]; requests: RequestRead[] }> {
  const { vault, assetRegistry, riskRegistry, withdrawalQueue } = deployment.trellis;
  const dm = deployment.eigenlayer.delegationManager;
  const r = new Round();
  const assetIdx = lists.assets.map((asset) => ({
    config: r.add(assetRegistry, iAssetRegistryAbi, "getAssetConfig", [asset]),
    price: r.add(assetRegistry, iAssetRegistryAbi, "price", [asset]),
    idle: r.add(vault, iVaultAbi, "idleBalance", [asset]),
    symbol: r.add(asset, erc20Abi, "symbol"),
  }));
  const delegatorIdx = lists.delegators.map((d) => ({
    operator: r.add(d, iOperatorDelegatorAbi, "operator"),
    queued: r.add(dm, iDelegationManagerAbi, "getQueuedWithdrawals", [d]),
    delegatedTo: r.add(dm, iDelegationManagerAbi, "delegatedTo", [d]),
    retired: r.add(riskRegistry, iRiskRegistryAbi, "isRetired", [d]),
    exposure: r.add(riskRegistry, iRiskRegistryAbi, "delegatorExposure", [d]),
  }));
  const ids: bigint[] = [];
  // From the queue's head: the read grows with the open backlog, not with every request ever made.
  for (let id = lists.queue.firstPendingRequestId; id < lists.queue.nextRequestId; id++) ids.push(id);
  const requestIdx = ids.map((id) => r.add(withdrawalQueue, iWithdrawalQueueAbi, "getRequest", [id]));
  await r.run(send);

  const assets = lists.assets.map((asset, k): AssetRead => {
    const i = assetIdx[k]!;
    const config = r.get<{ strategy: Address; rebasing: boolean }>(i.config);
    // An LST whose price is outside its bounds (or unpriceable, e.g. no supply yet) reads as a revert.
    const price = r.result(i.price);
    return {
      asset,
      strategy: getAddress(config.strategy),
      rebasing: config.rebasing,
      price: price.ok ? (price.value as bigint) : 0n,
      priceError: price.ok ? undefined : (price.revert?.text ?? "unreadable"),
      idle: r.get<bigint>(i.idle),
      erc20Symbol: r.or<string | null>(i.symbol, null),
    };
  });
  const delegators = lists.delegators.map((address, k): DelegatorRead => {
    const i = delegatorIdx[k]!;
    const [withdrawals, withdrawalShares] = r.get<readonly [readonly Withdrawal[], readonly (readonly bigint[])[]]>(i.queued);
    type Cache = { delegatedTo: Address; beyondSetBound: boolean; refreshedBlock: bigint; stake: bigint; slashable: bigint; sets: readonly { avs: Address; id: number; value: bigint }[] };
    const exposure = r.get<Cache>(i.exposure);
    return {
      address,
      operator: getAddress(r.get<Address>(i.operator)),
      delegatedTo: getAddress(r.get<Address>(i.delegatedTo)),
      retired: r.get<boolean>(i.retired),
      cachedDelegatedTo: getAddress(exposure.delegatedTo),
      beyondSetBound: exposure.beyondSetBound,
      cachedExposure: {
        refreshedBlock: BigInt(exposure.refreshedBlock),
        stake: BigInt(exposure.stake),
        slashable: BigInt(exposure.slashable),
        sets: exposure.sets.map((e) => ({ avs: getAddress(e.avs), id: Number(e.id), value: BigInt(e.value) })),
      },
      withdrawals,
      withdrawalShares,
    };
  });
  type Raw = { controller: Address; shares: bigint; asset: Address; requestedAt: number; status: number; valueAtRequest: bigint };
  const requests = ids
    .map((id, k) => ({ id, raw: r.get<Raw>(requestIdx[k]!) }))
    .filter((q) => q.raw.status === PENDING)
    .map(({ id, raw }) => ({ id, controller: raw.controller, shares: raw.shares, asset: raw.asset, requestedAt: BigInt(raw.requestedAt), valueAtRequest: raw.valueAtRequest }));
  return { assets, delegators, requests };
}

export type HoldingRead = { withdrawable: readonly bigint[]; deposit: readonly bigint[]; holding: bigint[]; cached: bigint[] };
export type OperatorRead = {
  operator: Address;
  sets: OperatorSet[];
  maxMagnitudes: readonly bigint[];
  /** `getAllocationDelay`; null when the operator has none set. */
  allocationDelayBlocks: number | null;
  /** `getEncumberedMagnitude` per strategy (null: the read failed; the RiskRegistry then takes max magnitude). */
  encumbered: (bigint | null)[];
  allowed: boolean;
  /** `checkOperatorPolicy`'s named error (absent: the operator meets the policy). */
  policyRefusal?: string | undefined;
};

/** An operator that can slash some of a delegator's stake without being its recorded operator (ExposureLib reads it too). */
export type FormerOperatorRead = Pick<OperatorRead, "operator" | "sets" | "maxMagnitudes" | "encumbered">;

/** Round 3: delegators' shares and holdings, requests' value now, each operator's sets, magnitudes and policy. */
export async function readHoldings(
  { deployment, send }: ReadContext,
  items: { assets: AssetRead[]; delegators: DelegatorRead[]; requests: RequestRead[] },
): Promise<{ holdings: HoldingRead[]; requestValues: bigint[]; operators: OperatorRead[]; formerOperators: FormerOperatorRead[] }> {
  const { vault, riskRegistry } = deployment.trellis;
  const { delegationManager: dm, allocationManager: am } = deployment.eigenlayer;
  const strategies = items.assets.map((a) => a.strategy);
  const operatorAddrs = [...new Map(items.delegators.map((d) => [d.operator.toLowerCase(), d.operator])).values()];
  // Operators other than the recorded ones that can slash a delegator's stake (ExposureLib groups by them):
  // a delegation that is not the recorded operator's, or queued withdrawals of a former one.
  const known = new Set(operatorAddrs.map((o) => o.toLowerCase()));
  const formerAddrs = [
    ...new Map(
      items.delegators
        .flatMap((d) => [d.delegatedTo, ...d.withdrawals.map((w) => getAddress(w.delegatedTo))])
        .filter((o) => o !== zeroAddress && !known.has(o.toLowerCase()))
        .map((o) => [o.toLowerCase(), o]),
    ).values(),
  ];
  const r = new Round();
  const holdingIdx = items.delegators.map((d) => ({
    shares: strategies.length ? r.add(dm, iDelegationManagerAbi, "getWithdrawableShares", [d.address, strategies]) : -1,
    holding: strategies.length ? r.add(d.address, iOperatorDelegatorAbi, "underlyingBalances", [strategies]) : -1,
    cached: items.assets.map((a) => r.add(vault, iVaultAbi, "delegatorHolding", [d.address, a.asset])),
  }));
  const valueIdx = items.requests.map((q) => r.add(vault, iVaultAbi, "convertToAssets", [q.shares]));
  const operatorIdx = operatorAddrs.map((o) => ({
    sets: r.add(am, iAllocationManagerAbi, "getAllocatedSets", [o]),
    max: strategies.length ? r.add(am, iAllocationManagerAbi, "getMaxMagnitudes", [o, strategies]) : -1,
    delay: r.add(am, iAllocationManagerAbi, "getAllocationDelay", [o]),
    allowed: r.add(riskRegistry, iRiskRegistryAbi, "isOperatorAllowed", [o]),
    policy: r.add(riskRegistry, iRiskRegistryAbi, "checkOperatorPolicy", [o]),
    encumbered: strategies.map((s) => r.add(am, iAllocationManagerAbi, "getEncumberedMagnitude", [o, s])),
  }));
  const formerIdx = formerAddrs.map((o) => ({
    sets: r.add(am, iAllocationManagerAbi, "getAllocatedSets", [o]),
    max: strategies.length ? r.add(am, iAllocationManagerAbi, "getMaxMagnitudes", [o, strategies]) : -1,
    encumbered: strategies.map((s) => r.add(am, iAllocationManagerAbi, "getEncumberedMagnitude", [o, s])),
  }));
  await r.run(send);
  // A failed read is null: ExposureLib then counts all of max magnitude.
  const encumberedOf = (list: number[]) => list.map((k) => valueOr<bigint | null>(r.result(k), null)).map((x) => (x === null ? null : BigInt(x)));
  const setsOf = (k: number) => r.get<readonly OperatorSet[]>(k).map((s) => ({ avs: getAddress(s.avs), id: Number(s.id) }));

  const holdings = holdingIdx.map((i): HoldingRead => {
    const [withdrawable, deposit] = i.shares < 0 ? [[], []] : r.get<readonly [readonly bigint[], readonly bigint[]]>(i.shares);
    return { withdrawable, deposit, holding: i.holding < 0 ? [] : [...r.get<readonly bigint[]>(i.holding)], cached: i.cached.map((k) => r.get<bigint>(k)) };
  });
  const operators = operatorAddrs.map((operator, k): OperatorRead => {
    const i = operatorIdx[k]!;
    const [isSet, delay] = r.get<readonly [boolean, number]>(i.delay);
    const check = r.result(i.policy);
    return {
      operator,
      sets: setsOf(i.sets),
      maxMagnitudes: i.max < 0 ? [] : r.get<readonly bigint[]>(i.max),
      allocationDelayBlocks: isSet ? Number(delay) : null,
      encumbered: encumberedOf(i.encumbered),
      allowed: r.get<boolean>(i.allowed),
      policyRefusal: check.ok ? undefined : (check.revert?.text ?? "checkOperatorPolicy reverted"),
    };
  });
  const formerOperators = formerAddrs.map((operator, k): FormerOperatorRead => {
    const i = formerIdx[k]!;
    return { operator, sets: setsOf(i.sets), maxMagnitudes: i.max < 0 ? [] : r.get<readonly bigint[]>(i.max), encumbered: encumberedOf(i.encumbered) };
  });
  return { holdings, requestValues: valueIdx.map((i) => r.get<bigint>(i)), operators, formerOperators };
}

export type AllocationRead = { set: OperatorSet; strategy: Address; currentMagnitude: bigint; pendingDiff: bigint };
export type SplitRead = { set: OperatorSet; avsSplitBps: number | null; operatorSetSplitBps: number | null };
export type SetRead = { set: OperatorSet; members: readonly Address[]; strategies: Address[]; redistributing: boolean; redistributionAllowed: boolean; capBps: number };
/** Underlying units of (strategy, shares) pairs, keyed by `underlyingKey`. */
export type UnderlyingTable = Map<string, bigint>;
export const underlyingKey = (strategy: Address, shares: bigint) => `${strategy.toLowerCase()}:${shares}`;

/** Every distinct (strategy, shares) the holdings and the queued withdrawals need in underlying units. */
function sharesToConvert(strategies: Address[], delegators: DelegatorRead[], holdings: HoldingRead[]): [Address, bigint][] {
  const out = new Map<string, [Address, bigint]>();
  const add = (s: Address, shares: bigint) => {
    if (shares > 0n) out.set(underlyingKey(s, shares), [s, shares]);
  };
  holdings.forEach((h) => strategies.forEach((s, i) => add(s, h.withdrawable[i] ?? 0n)));
  delegators.forEach((d) => d.withdrawals.forEach((w, q) => w.strategies.forEach((s, k) => add(s, d.withdrawalShares[q]?.[k] ?? 0n))));
  // The RiskRegistry converts each slashing operator's sum of shares (exposure.ts).
  delegators.forEach((d, j) => exposureGroupsOf(strategies, d, holdings[j]!.withdrawable).forEach((g) => g.shares.forEach((shares, i) => add(strategies[i]!, shares))));
  return [...out.values()];
}

/**
 * Round 4: shares to underlying; each operator's allocations and reward splits; each set's members,
 * strategies, redistribution, allowance and cap; each AVS's cap.
 */
export async function readAllocations(
  { deployment, send }: ReadContext,
  p: { assets: AssetRead[]; delegators: DelegatorRead[]; holdings: HoldingRead[]; operators: OperatorRead[]; formerOperators: FormerOperatorRead[] },
): Promise<{ underlying: UnderlyingTable; allocations: AllocationRead[][]; formerAllocations: AllocationRead[][]; splits: SplitRead[][]; sets: SetRead[]; avsCaps: { avs: Address; capBps: number }[] }> {
  const { riskRegistry } = deployment.trellis;
  const { allocationManager: am, rewardsCoordinator } = deployment.eigenlayer;
  const strategies = p.assets.map((a) => a.strategy);
  const priced = new Set(strategies.map((s) => s.toLowerCase()));
  const setList = [...new Map(p.operators.flatMap((o) => o.sets).map((s) => [`${s.avs.toLowerCase()}/${s.id}`, s])).values()];
  const avsList = [...new Map(setList.map((s) => [s.avs.toLowerCase(), s.avs])).values()];
  const r = new Round();
  const convert = sharesToConvert(strategies, p.delegators, p.holdings).map(([s, shares]) => ({ s, shares, i: r.add(s, iStrategyAbi, "sharesToUnderlyingView", [shares]) }));
  const allocationsOf = (o: { operator: Address; sets: OperatorSet[] }) => o.sets.flatMap((set) => strategies.map((strategy) => ({ set, strategy, i: r.add(am, iAllocationManagerAbi, "getAllocation", [o.operator, set, strategy]) })));
  const allocationIdx = p.operators.map(allocationsOf);
  const formerIdx = p.formerOperators.map(allocationsOf);
  const splitIdx = p.operators.map((o) =>
    o.sets.map((set) => ({
      set,
      avs: r.add(rewardsCoordinator, iRewardsCoordinatorAbi, "getOperatorAVSSplit", [o.operator, set.avs]),
      ofSet: r.add(rewardsCoordinator, iRewardsCoordinatorAbi, "getOperatorSetSplit", [o.operator, set]),
    })),
  );
  const setIdx = setList.map((set) => ({
    members: r.add(am, iAllocationManagerAbi, "getMembers", [set]),
    strategies: r.add(am, iAllocationManagerAbi, "getStrategiesInOperatorSet", [set]),
    redistributing: r.add(am, iAllocationManagerAbi, "isRedistributingOperatorSet", [set]),
    allowed: r.add(riskRegistry, iRiskRegistryAbi, "isRedistributionAllowed", [set.avs, set.id]),
    cap: r.add(riskRegistry, iRiskRegistryAbi, "operatorSetCap", [set.avs, set.id]),
  }));
  const avsIdx = avsList.map((avs) => r.add(riskRegistry, iRiskRegistryAbi, "avsCap", [avs]));
  await r.run(send);

  // A strategy Trellis prices must convert; another (beacon chain ETH has no contract) counts 0 units.
  const underlying: UnderlyingTable = new Map(convert.map((c) => [underlyingKey(c.s, c.shares), priced.has(c.s.toLowerCase()) ? r.get<bigint>(c.i) : r.or<bigint>(c.i, 0n)]));
  const allocationsRead = (list: { set: OperatorSet; strategy: Address; i: number }[]) =>
    list.map(({ set, strategy, i }) => {
      const a = r.get<{ currentMagnitude: bigint; pendingDiff: bigint }>(i);
      return { set, strategy, currentMagnitude: BigInt(a.currentMagnitude), pendingDiff: BigInt(a.pendingDiff) };
    });
  const allocations = allocationIdx.map(allocationsRead);
  // The coordinator may lack a split getter: null, the engine's default applies.
  const splits = splitIdx.map((list) => list.map((s) => ({ set: s.set, avsSplitBps: r.or<number | null>(s.avs, null), operatorSetSplitBps: r.or<number | null>(s.ofSet, null) })));
  const sets = setList.map((set, k): SetRead => {
    const i = setIdx[k]!;
    return {
      set,
      members: r.get<readonly Address[]>(i.members),
      strategies: r.get<readonly Address[]>(i.strategies).map((s) => getAddress(s)),
      // Older cores lack the getter: no set is redistributing there.
      redistributing: r.or<boolean>(i.redistributing, false),
      redistributionAllowed: r.get<boolean>(i.allowed),
      capBps: Number(r.get<bigint | number>(i.cap)),
    };
  });
  return { underlying, allocations, formerAllocations: formerIdx.map(allocationsRead), splits, sets, avsCaps: avsList.map((avs, k) => ({ avs, capBps: Number(r.get<bigint | number>(avsIdx[k]!)) })) };
}

/** Per set, per strategy: the shares all its members allocate, and their underlying units (null: not priced). */
export type SetStakeRead = { strategy: Address; shares: bigint; underlying: bigint | null }[];

/** Rounds 5 and 6: the stake every member of every set allocates (`getAllocatedStake`), summed per strategy, to underlying. */
export async function readSetStake({ deployment, send }: ReadContext, p: { assets: AssetRead[]; sets: SetRead[] }): Promise<SetStakeRead[]> {
  const am = deployment.eigenlayer.allocationManager;
  const priced = new Set(p.assets.map((a) => a.strategy.toLowerCase()));
  const r5 = new Round();
  const stakeIdx = p.sets.map((s) => (s.members.length && s.strategies.length ? r5.add(am, iAllocationManagerAbi, "getAllocatedStake", [s.set, s.members, s.strategies]) : -1));
  await r5.run(send);
  const r6 = new Round();
  const sums = p.sets.map((s, k) => {
    const i = stakeIdx[k]!;
    if (i < 0) return [];
    const stake = r5.get<readonly (readonly bigint[])[]>(i);
    return s.strategies.map((strategy, j) => {
      const shares = stake.reduce((t, row) => t + (row[j] ?? 0n), 0n);
      const convert = priced.has(strategy.toLowerCase()) && shares > 0n;
      return { strategy, shares, priced: priced.has(strategy.toLowerCase()), i: convert ? r6.add(strategy, iStrategyAbi, "sharesToUnderlyingView", [shares]) : -1 };
    });
  });
  await r6.run(send);
  return sums.map((list) => list.map((x) => ({ strategy: x.strategy, shares: x.shares, underlying: !x.priced ? null : x.i < 0 ? 0n : r6.get<bigint>(x.i) })));
}
