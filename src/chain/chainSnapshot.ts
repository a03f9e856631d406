// One read of the chain for everyone: the keeper's phases, the strategy engine, `status` and the metrics.
// Every read is pinned to one block and goes out in six rounds (each round's reads depend on the last's
// answers), each round batched through Multicall3 where the chain has it, else as parallel eth_calls.
// Only interface ABIs are used, so the same code reads mainnet EigenLayer and the devnet.
import { encodeAbiParameters, erc20Abi, getAddress, keccak256, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { getBlock, getChainId } from "viem/actions";
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
import type { AssetInfo, DelegatorState, KeeperState, PendingRequest, QueuedWithdrawal, Withdrawal } from "../keeper/readState.js";
import { SnapshotError } from "../strategy/errors.js";
import type { Snapshot, SnapshotDelegator, SnapshotOperator, SnapshotOperatorSet, SnapshotWithdrawal } from "../strategy/types.js";
import { hasMulticall3, readCalls, valueOf, valueOr, type ContractRead, type ReadResult } from "./readCalls.js";
import type { RetryOptions } from "./retry.js";

export type ReadChainSnapshotParameters = {
  deployment: Deployment;
  /** Block to read at (default: the latest). */
  blockNumber?: bigint | undefined;
  retry?: RetryOptions | undefined;
  /** Force parallel eth_calls even where Multicall3 exists (tests compare both ways). */
  multicall?: boolean | undefined;
};

/** The RiskRegistry's operator policy (`policy()`). */
export type OperatorPolicy = { minAllocationDelayBlocks: number; maxOperatorSets: number; minAdminDelaySeconds: number };

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
   * RiskRegistry's `checkOperatorPolicy` named error, or its delegator retired or not delegated to it.
   * Absent: the operator passes the policy (the caps are the engine's to respect).
   */
  newStakeRefusals: Map<string, string>;
  /** The strategy engine's view of the same reads; throws `SnapshotError` if an asset has no price. */
  engine(): Snapshot;
};

type OperatorSet = { avs: Address; id: number };
type Allocation = { currentMagnitude: bigint; pendingDiff: bigint };
type RawRequest = { controller: Address; shares: bigint; asset: Address; requestedAt: number; status: number; valueAtRequest: bigint };

const WAD = 10n ** 18n;
const PENDING = 1; // IWithdrawalQueue.Status.Pending
const lc = (a: string) => a.toLowerCase();
const setKey = (avs: string, id: number) => `${lc(avs)}/${id}`;
/** ETH value of `units` at `price` (WAD), rounded down as the vault does. */
const ethValueOf = (units: bigint, price: bigint) => (units * price) / WAD;
const withdrawalParam = iDelegationManagerAbi.find((x) => x.type === "function" && x.name === "calculateWithdrawalRoot")!.inputs;

/** Collects the reads of one round, sends them as one batch, hands back each answer. */
class Round {
  private readonly calls: ContractRead[] = [];
  private results: ReadResult[] = [];
  add(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []): number {
    return this.calls.push({ address, abi, functionName, args }) - 1;
  }
  async run(send: (calls: readonly ContractRead[]) => Promise<ReadResult[]>): Promise<this> {
    this.results = await send(this.calls);
    return this;
  }
  get size(): number {
    return this.calls.length;
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

/** Reads the chain once: the keeper's state, the engine's snapshot and the RiskRegistry's operator policy. */
export async function readChainSnapshot<chain extends Chain | undefined>(
  client: Client<Transport, chain>,
  p: ReadChainSnapshotParameters,
): Promise<ChainSnapshot> {
  const { deployment } = p;
  const { vault, assetRegistry, riskRegistry, withdrawalQueue } = deployment.trellis;
  const { delegationManager: dm, allocationManager: am, rewardsCoordinator } = deployment.eigenlayer;

  const block = await getBlock(client, p.blockNumber === undefined ? { blockTag: "latest" } : { blockNumber: p.blockNumber });
  const blockNumber = block.number!;
  const [chainId, multicall] = await Promise.all([
    client.chain?.id ?? getChainId(client),
    p.multicall === false ? false : hasMulticall3(client, blockNumber),
  ]);
  let reads = 0;
  const send = (calls: readonly ContractRead[]) => {
    reads += calls.length;
    return readCalls(client, calls, { blockNumber, multicall, retry: p.retry });
  };

  // Round 1: lists and scalars.
  const r1 = new Round();
  const iAssets = r1.add(assetRegistry, iAssetRegistryAbi, "getAssets");
  const iDelegators = r1.add(vault, iVaultAbi, "getDelegators");
  const iLimits = r1.add(riskRegistry, iRiskRegistryAbi, "limits");
  const iPolicy = r1.add(riskRegistry, iRiskRegistryAbi, "policy");
  const iDelay = r1.add(dm, iDelegationManagerAbi, "minWithdrawalDelayBlocks");
  const iBeacon = r1.add(dm, iDelegationManagerAbi, "beaconChainETHStrategy");
  const iTotal = r1.add(vault, iVaultAbi, "totalAssets");
  const iMarked = r1.add(vault, iVaultAbi, "markedAssets");
  const iBooks = r1.add(vault, iVaultAbi, "books");
  const iRate = r1.add(vault, iVaultAbi, "rate");
  const iLastSync = r1.add(vault, iVaultAbi, "lastSyncTimestamp");
  const iLastRefresh = r1.add(vault, iVaultAbi, "lastFullRefresh");
  const iRateParams = r1.add(vault, iVaultAbi, "rateParams");
  const iNextId = r1.add(withdrawalQueue, iWithdrawalQueueAbi, "nextRequestId");
  const iExit = r1.add(withdrawalQueue, iWithdrawalQueueAbi, "exitParams");
  const iSupply = r1.add(deployment.trellis.trETH, erc20Abi, "totalSupply");
  await r1.run(send);
  const assetAddrs = r1.get<readonly Address[]>(iAssets).map((a) => getAddress(a));
  const delegatorAddrs = r1.get<readonly Address[]>(iDelegators).map((a) => getAddress(a));
  const withdrawalDelayBlocks = BigInt(r1.get<number | bigint>(iDelay));
  const beacon = r1.or<Address | null>(iBeacon, null);
  const nextRequestId = r1.get<bigint>(iNextId);
  const rawPolicy = r1.get<{ minAllocationDelay: number; maxOperatorSets: number; minAdminDelay: number }>(iPolicy);
  const policy: OperatorPolicy = {
    minAllocationDelayBlocks: Number(rawPolicy.minAllocationDelay),
    maxOperatorSets: Number(rawPolicy.maxOperatorSets),
    minAdminDelaySeconds: Number(rawPolicy.minAdminDelay),
  };

  // Round 2: per asset, per delegator, per redemption request.
  const r2 = new Round();
  const assetReads = assetAddrs.map((asset) => ({
    config: r2.add(assetRegistry, iAssetRegistryAbi, "getAssetConfig", [asset]),
    price: r2.add(assetRegistry, iAssetRegistryAbi, "price", [asset]),
    idle: r2.add(vault, iVaultAbi, "idleBalance", [asset]),
    symbol: r2.add(asset, erc20Abi, "symbol"),
  }));
  const delegatorReads = delegatorAddrs.map((d) => ({
    operator: r2.add(d, iOperatorDelegatorAbi, "operator"),
    queued: r2.add(dm, iDelegationManagerAbi, "getQueuedWithdrawals", [d]),
    delegatedTo: r2.add(dm, iDelegationManagerAbi, "delegatedTo", [d]),
    retired: r2.add(riskRegistry, iRiskRegistryAbi, "isRetired", [d]),
    exposure: r2.add(riskRegistry, iRiskRegistryAbi, "delegatorExposure", [d]),
  }));
  const requestIds: bigint[] = [];
  for (let id = 0n; id < nextRequestId; id++) requestIds.push(id);
  const requestReads = requestIds.map((id) => r2.add(withdrawalQueue, iWithdrawalQueueAbi, "getRequest", [id]));
  await r2.run(send);

  const knownSymbol = (asset: Address) => deployment.assets.find((a) => lc(a.token) === lc(asset))?.symbol;
  const assetRows = assetAddrs.map((asset, i) => {
    const r = assetReads[i]!;
    const price = r2.result(r.price);
    return {
      asset,
      strategy: getAddress(r2.get<{ strategy: Address }>(r.config).strategy),
      rebasing: r2.get<{ rebasing: boolean }>(r.config).rebasing,
      // An LST whose price is outside its bounds (or unpriceable, e.g. no supply yet) reads as a revert: the
      // keeper values it at 0 and goes on (the vault refuses deposits of it); the engine refuses to plan.
      price: price.ok ? (price.value as bigint) : 0n,
      priceError: price.ok ? undefined : (price.revert?.text ?? "unreadable"),
      idle: r2.get<bigint>(r.idle),
      erc20Symbol: r2.or<string | null>(r.symbol, null),
    };
  });
  const strategies = assetRows.map((a) => a.strategy);
  const priceOf = new Map(assetRows.map((a) => [lc(a.strategy), a.price]));
  const delegatorRows = delegatorAddrs.map((address, j) => {
    const r = delegatorReads[j]!;
    const [ws, shares] = r2.get<readonly [readonly Withdrawal[], readonly (readonly bigint[])[]]>(r.queued);
    return {
      address,
      operator: getAddress(r2.get<Address>(r.operator)),
      delegatedTo: getAddress(r2.get<Address>(r.delegatedTo)),
      retired: r2.get<boolean>(r.retired),
      exposure: r2.get<{ delegatedTo: Address; beyondSetBound: boolean }>(r.exposure),
      withdrawals: ws,
      withdrawalShares: shares,
    };
  });
  const requests = requestIds.map((id, k) => ({ id, raw: r2.get<RawRequest>(requestReads[k]!) })).filter((x) => x.raw.status === PENDING);
  const operatorAddrs = [...new Map(delegatorRows.map((d) => [lc(d.operator), d.operator])).values()];

  // Round 3: delegators' shares and holdings, requests' value now, operators' sets and policy.
  const r3 = new Round();
  const holdingReads = delegatorRows.map((d) => ({
    shares: strategies.length ? r3.add(dm, iDelegationManagerAbi, "getWithdrawableShares", [d.address, strategies]) : -1,
    holding: strategies.length ? r3.add(d.address, iOperatorDelegatorAbi, "underlyingBalances", [strategies]) : -1,
    cached: assetRows.map((a) => r3.add(vault, iVaultAbi, "delegatorHolding", [d.address, a.asset])),
  }));
  const valueReads = requests.map((q) => r3.add(vault, iVaultAbi, "convertToAssets", [q.raw.shares]));
  const operatorReads = operatorAddrs.map((o) => ({
    sets: r3.add(am, iAllocationManagerAbi, "getAllocatedSets", [o]),
    max: strategies.length ? r3.add(am, iAllocationManagerAbi, "getMaxMagnitudes", [o, strategies]) : -1,
    delay: r3.add(am, iAllocationManagerAbi, "getAllocationDelay", [o]),
    allowed: r3.add(riskRegistry, iRiskRegistryAbi, "isOperatorAllowed", [o]),
    policy: r3.add(riskRegistry, iRiskRegistryAbi, "checkOperatorPolicy", [o]),
  }));
  await r3.run(send);

  const withdrawableOf = delegatorRows.map((_, j) => {
    const r = holdingReads[j]!;
    if (r.shares < 0) return { withdrawable: [] as readonly bigint[], deposit: [] as readonly bigint[] };
    const [withdrawable, deposit] = r3.get<readonly [readonly bigint[], readonly bigint[]]>(r.shares);
    return { withdrawable, deposit };
  });
  const operatorRows = operatorAddrs.map((operator, i) => {
    const r = operatorReads[i]!;
    const [isSet, delay] = r3.get<readonly [boolean, number]>(r.delay);
    const check = r3.result(r.policy);
    return {
      operator,
      sets: r3.get<readonly OperatorSet[]>(r.sets).map((s) => ({ avs: getAddress(s.avs), id: Number(s.id) })),
      max: r.max < 0 ? [] : r3.get<readonly bigint[]>(r.max),
      allocationDelayBlocks: isSet ? Number(delay) : null,
      allowed: r3.get<boolean>(r.allowed),
      policyRefusal: check.ok ? undefined : (check.revert?.text ?? "checkOperatorPolicy reverted"),
    };
  });
  const sets = new Map<string, OperatorSet>();
  for (const o of operatorRows) for (const s of o.sets) if (!sets.has(setKey(s.avs, s.id))) sets.set(setKey(s.avs, s.id), s);
  const setList = [...sets.values()];
  const avsAddrs = [...new Map(setList.map((s) => [lc(s.avs), s.avs])).values()];

  // Round 4: shares to underlying; allocations, splits; each set's members, strategies, policy and cap.
  const r4 = new Round();
  const underlyingIdx = new Map<string, number>();
  const toUnderlying = (strategy: Address, shares: bigint) => {
    const key = `${lc(strategy)}:${shares}`;
    if (shares > 0n && !underlyingIdx.has(key)) underlyingIdx.set(key, r4.add(strategy, iStrategyAbi, "sharesToUnderlyingView", [shares]));
  };
  withdrawableOf.forEach((w) => strategies.forEach((s, i) => toUnderlying(s, w.withdrawable[i] ?? 0n)));
  delegatorRows.forEach((d) => d.withdrawals.forEach((w, q) => w.strategies.forEach((s, k) => toUnderlying(s, d.withdrawalShares[q]?.[k] ?? 0n))));
  const allocationReads = operatorRows.map((o) => o.sets.flatMap((set) => strategies.map((strategy) => ({ set, strategy, i: r4.add(am, iAllocationManagerAbi, "getAllocation", [o.operator, set, strategy]) }))));
  const splitReads = operatorRows.map((o) =>
    o.sets.map((set) => ({
      set,
      avs: r4.add(rewardsCoordinator, iRewardsCoordinatorAbi, "getOperatorAVSSplit", [o.operator, set.avs]),
      set_: r4.add(rewardsCoordinator, iRewardsCoordinatorAbi, "getOperatorSetSplit", [o.operator, set]),
    })),
  );
  const setReads = setList.map((set) => ({
    members: r4.add(am, iAllocationManagerAbi, "getMembers", [set]),
    strategies: r4.add(am, iAllocationManagerAbi, "getStrategiesInOperatorSet", [set]),
    // Older cores lack the getter: no set is redistributing there.
    redistributing: r4.add(am, iAllocationManagerAbi, "isRedistributingOperatorSet", [set]),
    allowed: r4.add(riskRegistry, iRiskRegistryAbi, "isRedistributionAllowed", [set.avs, set.id]),
    cap: r4.add(riskRegistry, iRiskRegistryAbi, "operatorSetCap", [set.avs, set.id]),
  }));
  const avsCapReads = avsAddrs.map((avs) => r4.add(riskRegistry, iRiskRegistryAbi, "avsCap", [avs]));
  await r4.run(send);

  /** Underlying units of `shares` (0 for a strategy that cannot say, e.g. beacon chain ETH). */
  const underlying = (strategy: Address, shares: bigint): bigint => {
    if (shares === 0n) return 0n;
    const i = underlyingIdx.get(`${lc(strategy)}:${shares}`)!;
    return priceOf.has(lc(strategy)) ? r4.get<bigint>(i) : r4.or<bigint>(i, 0n);
  };
  const setRows = setList.map((set, k) => {
    const r = setReads[k]!;
    return {
      set,
      members: r4.get<readonly Address[]>(r.members),
      strategies: r4.get<readonly Address[]>(r.strategies).map((s) => getAddress(s)),
      redistributing: r4.or<boolean>(r.redistributing, false),
      redistributionAllowed: r4.get<boolean>(r.allowed),
      capBps: Number(r4.get<bigint | number>(r.cap)),
    };
  });

  // Round 5: the stake every member of every set allocates.
  const r5 = new Round();
  const stakeReads = setRows.map((s) => (s.members.length && s.strategies.length ? r5.add(am, iAllocationManagerAbi, "getAllocatedStake", [s.set, s.members, s.strategies]) : -1));
  await r5.run(send);
  // Round 6: summed per set and strategy, to underlying (strategies Trellis prices only).
  const r6 = new Round();
  const stakeUnderlying = setRows.map((s, k) => {
    const i = stakeReads[k]!;
    if (i < 0) return [];
    const stake = r5.get<readonly (readonly bigint[])[]>(i);
    return s.strategies.map((strategy, j) => {
      const shares = stake.reduce((t, row) => t + (row[j] ?? 0n), 0n);
      const priced = priceOf.has(lc(strategy));
      return { strategy, shares, i: priced && shares > 0n ? r6.add(strategy, iStrategyAbi, "sharesToUnderlyingView", [shares]) : -1 };
    });
  });
  await r6.run(send);

  // ---- the keeper's state
  const assets: AssetInfo[] = assetRows.map((a) => ({
    asset: a.asset,
    symbol: knownSymbol(a.asset) ?? a.asset.slice(0, 8),
    strategy: a.strategy,
    rebasing: a.rebasing,
    price: a.price,
  }));
  const queued: QueuedWithdrawal[] = [];
  const delegators: DelegatorState[] = delegatorRows.map((d, j) => {
    const { withdrawable, deposit } = withdrawableOf[j]!;
    d.withdrawals.forEach((withdrawal, q) => {
      const shares = d.withdrawalShares[q]!;
      queued.push({
        delegator: d.address,
        root: keccak256(encodeAbiParameters(withdrawalParam, [withdrawal as never])),
        withdrawal,
        shares,
        underlying: withdrawal.strategies.map((s, k) => underlying(s, shares[k]!)),
        completableBlock: BigInt(withdrawal.startBlock) + withdrawalDelayBlocks + 1n,
      });
    });
    const r = holdingReads[j]!;
    return {
      address: d.address,
      operator: d.operator,
      delegatedTo: d.delegatedTo,
      retired: d.retired,
      cachedDelegatedTo: getAddress(d.exposure.delegatedTo),
      positions: assetRows.map((a, i) => ({
        strategy: a.strategy,
        asset: a.asset,
        depositShares: deposit[i]!,
        withdrawableShares: withdrawable[i]!,
        underlying: underlying(a.strategy, withdrawable[i]!),
      })),
      holding: r.holding < 0 ? [] : [...r3.get<readonly bigint[]>(r.holding)],
      cached: r.cached.map((i) => r3.get<bigint>(i)),
    };
  });
  queued.sort((a, b) => (a.delegator === b.delegator ? Number(a.withdrawal.nonce - b.withdrawal.nonce) : a.delegator < b.delegator ? -1 : 1));
  const minRedeemDelay = BigInt(r1.get<{ minRedeemDelay: number }>(iExit).minRedeemDelay);
  const pending: PendingRequest[] = requests.map((q, k) => {
    const now = r3.get<bigint>(valueReads[k]!);
    const value = now < q.raw.valueAtRequest ? now : q.raw.valueAtRequest;
    const price = assetRows.find((a) => lc(a.asset) === lc(q.raw.asset))?.price ?? 0n;
    const requestedAt = BigInt(q.raw.requestedAt);
    return {
      id: q.id,
      controller: q.raw.controller,
      asset: q.raw.asset,
      shares: q.raw.shares,
      value,
      amount: price === 0n ? value : (value * WAD) / price,
      requestedAt,
      payableFrom: requestedAt + minRedeemDelay,
    };
  });
  const books = r1.get<{ booked: bigint; pending: bigint }>(iBooks);
  const keeper: KeeperState = {
    blockNumber,
    timestamp: block.timestamp,
    assets,
    delegators,
    queued,
    withdrawalDelayBlocks,
    totalAssets: r1.get<bigint>(iTotal),
    measuredTotalAssets: r1.get<bigint>(iMarked),
    bookedAndPending: books.booked + books.pending,
    rate: r1.get<bigint>(iRate),
    lastSyncTimestamp: r1.get<bigint>(iLastSync),
    lastFullRefresh: r1.get<bigint>(iLastRefresh),
    maxMeasurementAge: BigInt(r1.get<{ maxMeasurementAge: number }>(iRateParams).maxMeasurementAge),
    idle: new Map(assetRows.map((a) => [a.asset, a.idle])),
    queue: { nextRequestId, minRedeemDelay, pending },
  };

  // ---- the operator policy as the chain applies it to Trellis' operators
  const newStakeRefusals = new Map<string, string>();
  for (const o of operatorRows) if (o.allowed && o.policyRefusal) newStakeRefusals.set(lc(o.operator), o.policyRefusal);
  for (const d of delegatorRows) {
    if (newStakeRefusals.has(lc(d.operator))) continue;
    if (d.retired) newStakeRefusals.set(lc(d.operator), `RetiredDelegator(${d.address})`);
    else if (lc(d.delegatedTo) !== lc(d.operator)) newStakeRefusals.set(lc(d.operator), `DelegatorNotDelegated(${d.address}, ${d.operator}, ${d.delegatedTo})`);
    // The registry's last measurement saw a set bound breach (of a former operator's queued stake, too).
    else if (d.exposure.beyondSetBound) newStakeRefusals.set(lc(d.operator), `OperatorSetsBeyondBound(${d.operator}, ${policy.maxOperatorSets})`);
  }

  // ---- the engine's snapshot
  const engine = (): Snapshot => {
    const unpriced = assetRows.find((a) => a.priceError !== undefined);
    if (unpriced) throw new SnapshotError(`no price for ${knownSymbol(unpriced.asset) ?? unpriced.asset}: ${unpriced.priceError}`);
    /** ETH value of `shares` of a strategy Trellis prices (null: not priced). */
    const sharesToEth = (strategy: Address, shares: bigint): bigint | null => {
      const price = priceOf.get(lc(strategy));
      if (price !== undefined) return ethValueOf(underlying(strategy, shares), price);
      if (beacon && lc(strategy) === lc(beacon)) return shares;
      return null;
    };
    const engineDelegators: SnapshotDelegator[] = delegatorRows.map((d, j) => {
      const { withdrawable } = withdrawableOf[j]!;
      const list = d.withdrawals.flatMap((w, q) => {
        const withdrawalRoot = keccak256(encodeAbiParameters(withdrawalParam, [w as never])) as Hex;
        const completableBlock = BigInt(w.startBlock) + withdrawalDelayBlocks + 1n;
        return w.strategies.flatMap((strategy, k): SnapshotWithdrawal[] => {
          const ethValue = sharesToEth(strategy, d.withdrawalShares[q]?.[k] ?? 0n);
          // A strategy Trellis does not price cannot be one it deposited into: skip it.
          return ethValue === null ? [] : [{ withdrawalRoot, strategy: getAddress(strategy), ethValue, completableBlock }];
        });
      });
      return {
        address: d.address,
        operator: d.operator,
        stake: strategies.map((strategy, i) => ({
          strategy,
          active: sharesToEth(strategy, withdrawable[i] ?? 0n) ?? 0n,
          queued: list.filter((w) => lc(w.strategy) === lc(strategy)).reduce((s, w) => s + w.ethValue, 0n),
        })),
        withdrawals: list,
      };
    });
    const operators: SnapshotOperator[] = operatorRows.map((o, i) => {
      const allocations = allocationReads[i]!.map(({ set, strategy, i: idx }) => {
        const a = r4.get<Allocation>(idx);
        // Pending increases are not slashable yet; pending decreases still are: `currentMagnitude`.
        // A pending increase is committed: it lands at `effectBlock` whatever Trellis does.
        const current = BigInt(a.currentMagnitude);
        const pendingMagnitude = BigInt(a.pendingDiff) > 0n ? current + BigInt(a.pendingDiff) : current;
        return { avs: set.avs, operatorSetId: set.id, strategy, allocatedMagnitude: current, pendingMagnitude };
      });
      const refusal = newStakeRefusals.get(lc(o.operator));
      return {
        address: o.operator,
        allocations: allocations.filter((a) => a.allocatedMagnitude > 0n || a.pendingMagnitude > 0n),
        maxMagnitudes: strategies.map((strategy, k) => ({ strategy, maxMagnitude: BigInt(o.max[k] ?? 0n) })),
        splits: splitReads[i]!.map((s) => ({
          avs: s.set.avs,
          operatorSetId: s.set.id,
          avsSplitBps: r4.or<number | null>(s.avs, null),
          operatorSetSplitBps: r4.or<number | null>(s.set_, null),
        })),
        allocationDelayBlocks: o.allocationDelayBlocks,
        ...(refusal ? { newStakeRefused: refusal } : {}),
      };
    });
    // Trellis' queued stake that is still slashable, per operator and strategy, ETH.
    const slashableQueued = new Map<string, bigint>();
    for (const d of engineDelegators)
      for (const w of d.withdrawals)
        if (w.completableBlock > blockNumber) {
          const k = `${lc(d.operator)}/${lc(w.strategy)}`;
          slashableQueued.set(k, (slashableQueued.get(k) ?? 0n) + w.ethValue);
        }
    const operatorSets: SnapshotOperatorSet[] = setRows.map((s, k) => {
      let total = 0n;
      for (const x of stakeUnderlying[k]!) {
        if (x.i >= 0) total += ethValueOf(r6.get<bigint>(x.i), priceOf.get(lc(x.strategy))!);
        else if (beacon && lc(x.strategy) === lc(beacon)) total += x.shares;
      }
      // getAllocatedStake counts delegated shares only; Trellis' queued withdrawals are slashable too.
      for (const o of operators)
        for (const a of o.allocations) {
          if (setKey(a.avs, a.operatorSetId) !== setKey(s.set.avs, s.set.id)) continue;
          const queuedEth = slashableQueued.get(`${lc(o.address)}/${lc(a.strategy)}`) ?? 0n;
          const max = o.maxMagnitudes.find((m) => lc(m.strategy) === lc(a.strategy))?.maxMagnitude ?? 0n;
          if (queuedEth > 0n && max > 0n) total += (queuedEth * a.allocatedMagnitude) / max;
        }
      return {
        avs: s.set.avs,
        operatorSetId: s.set.id,
        totalAllocatedStake: total,
        redistributing: s.redistributing,
        ...(s.redistributing ? { redistributionAllowed: s.redistributionAllowed } : {}),
      };
    });
    const rawLimits = r1.get<{ operatorCapBps: number; defaultAvsCapBps: number; defaultOperatorSetCapBps: number; totalSlashableCapBps: number; minBufferBps: number }>(iLimits);
    const idle = assetRows.map((a) => ({ strategy: a.strategy, ethValue: ethValueOf(a.idle, a.price) }));
    return {
      chainId,
      blockNumber,
      vault: { address: getAddress(vault), totalAssets: keeper.totalAssets, liquidBuffer: idle.reduce((s, i) => s + i.ethValue, 0n), idle },
      withdrawalDelayBlocks,
      strategies: assetRows.map((a) => ({ address: a.strategy, asset: a.asset, symbol: a.erc20Symbol ?? knownSymbol(a.asset) ?? a.asset, ethPerAssetWad: a.price })),
      delegators: engineDelegators,
      operators,
      operatorSets,
      limits: {
        operatorAllowlist: operatorRows.filter((o) => o.allowed).map((o) => o.operator),
        operatorCapBps: rawLimits.operatorCapBps,
        defaultAvsCapBps: rawLimits.defaultAvsCapBps,
        avsCapBps: avsAddrs
          .map((avs, i) => ({ avs, capBps: Number(r4.get<bigint | number>(avsCapReads[i]!)) }))
          .filter((c) => c.capBps !== rawLimits.defaultAvsCapBps),
        defaultOperatorSetCapBps: rawLimits.defaultOperatorSetCapBps,
        operatorSetCapBps: setRows
          .map((s) => ({ avs: s.set.avs, operatorSetId: s.set.id, capBps: s.capBps }))
          .filter((c) => c.capBps !== rawLimits.defaultOperatorSetCapBps),
        totalSlashableCapBps: rawLimits.totalSlashableCapBps,
        minBufferBps: rawLimits.minBufferBps,
        minAllocationDelayBlocks: policy.minAllocationDelayBlocks,
      },
    };
  };

  const trEthSupply = r1.get<bigint>(iSupply);
  return { blockNumber, timestamp: block.timestamp, chainId, multicall, reads, keeper, trEthSupply, policy, newStakeRefusals, engine };
}
