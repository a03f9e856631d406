// Reads the strategy engine's `Snapshot` from the chain: the vault, its delegators' stake (active and
// queued), their operators' allocations, the operator sets they allocate to and the RiskRegistry's
// limits. Every read is pinned to one block, so the snapshot is a consistent view.
//
// Reads go out in a few rounds of `Promise.all` over `readContract` (no multicall3 needed, so it works
// on a bare anvil). Give the client an http transport with `batch: true` to send each round as one
// JSON-RPC batch. Only interface ABIs are used, so the same code reads mainnet EigenLayer.
import {
  encodeAbiParameters,
  erc20Abi,
  getAddress,
  keccak256,
  type Chain,
  type Client,
  type Transport,
} from "viem";
import { getBlockNumber, getChainId, readContract } from "viem/actions";
import {
  iAllocationManagerAbi,
  iAssetRegistryAbi,
  iDelegationManagerAbi,
  iOperatorDelegatorAbi,
  iRewardsCoordinatorAbi,
  iRiskRegistryAbi,
  iStrategyAbi,
  iVaultAbi,
} from "../abi/generated/index.js";
import type { Deployment } from "../devnet/deployment.js";
import {
  WAD,
  type Address,
  type Snapshot,
  type SnapshotDelegator,
  type SnapshotLimits,
  type SnapshotOperator,
  type SnapshotOperatorSet,
  type SnapshotStrategy,
  type SnapshotWithdrawal,
} from "./types.js";

export type SnapshotParameters = {
  /** Addresses of the Trellis and EigenLayer contracts to read. */
  deployment: Deployment;
  /** Block to read at (default: the latest block). */
  blockNumber?: bigint | undefined;
};

export type SnapshotReturnType = Snapshot;

type OperatorSet = { avs: Address; id: number };

const setKey = (avs: string, id: number) => `${avs.toLowerCase()}/${id}`;
/** ETH value of `units` of an asset at `ethPerAssetWad`, rounded down (as the vault does). */
const ethValueOf = (units: bigint, ethPerAssetWad: bigint) => (units * ethPerAssetWad) / WAD;

const withdrawalParam = iDelegationManagerAbi.find(
  (x) => x.type === "function" && x.name === "calculateWithdrawalRoot",
)!.inputs;

/**
 * Reads everything the strategy engine needs from the chain into a `Snapshot`.
 *
 * - vault: `totalAssets()`, idle balance per asset at the AssetRegistry's price (the liquid buffer);
 * - strategies: the AssetRegistry's assets, their EigenLayer strategy, price and ERC-20 symbol;
 * - delegators: per strategy, active stake (`getWithdrawableShares`) and queued withdrawals
 *   (`getQueuedWithdrawals`, shares after slashing), valued in ETH via `sharesToUnderlyingView`;
 *   a withdrawal's `completableBlock` is the first block where `completeQueuedWithdrawal` succeeds,
 *   `startBlock + minWithdrawalDelayBlocks + 1` (it stays slashable through `startBlock + delay`);
 * - operators: current allocated magnitude per allocated set and strategy, max magnitudes;
 * - operatorSets: every set an operator allocates to, with the ETH value of the stake all its members
 *   allocate (`getAllocatedStake`, shares → underlying → ETH; strategies Trellis does not price are
 *   left out, except EigenLayer's beacon chain ETH strategy, counted 1:1). Trellis' own queued stake
 *   that is still slashable is added, as the engine counts it in Trellis' exposure to the set;
 * - limits: `limits()`, the allowlisted operators among the delegators' operators, and the AVS and
 *   operator set caps that differ from the defaults.
 */
export async function snapshot<chain extends Chain | undefined>(
  client: Client<Transport, chain>,
  parameters: SnapshotParameters,
): Promise<SnapshotReturnType> {
  const { deployment } = parameters;
  const { vault, assetRegistry, riskRegistry } = deployment.trellis;
  const { delegationManager, allocationManager, rewardsCoordinator } = deployment.eigenlayer;

  const [blockNumber, chainId] = await Promise.all([
    parameters.blockNumber ?? getBlockNumber(client, { cacheTime: 0 }),
    client.chain?.id ?? getChainId(client),
  ]);
  const at = { blockNumber } as const;

  // Round 1: lists and scalars.
  const [assets, delegatorAddrs, rawLimits, delay, totalAssets, beaconChainETHStrategy] = await Promise.all([
    readContract(client, { ...at, address: assetRegistry, abi: iAssetRegistryAbi, functionName: "getAssets" }),
    readContract(client, { ...at, address: vault, abi: iVaultAbi, functionName: "getDelegators" }),
    readContract(client, { ...at, address: riskRegistry, abi: iRiskRegistryAbi, functionName: "limits" }),
    readContract(client, { ...at, address: delegationManager, abi: iDelegationManagerAbi, functionName: "minWithdrawalDelayBlocks" }),
    readContract(client, { ...at, address: vault, abi: iVaultAbi, functionName: "totalAssets" }),
    readContract(client, { ...at, address: delegationManager, abi: iDelegationManagerAbi, functionName: "beaconChainETHStrategy" }).catch(
      () => null,
    ),
  ]);
  const withdrawalDelayBlocks = BigInt(delay);

  // Round 2: per asset and per delegator.
  const [assetInfo, delegatorInfo] = await Promise.all([
    Promise.all(
      assets.map(async (asset) => {
        const [config, price, idle, symbol] = await Promise.all([
          readContract(client, { ...at, address: assetRegistry, abi: iAssetRegistryAbi, functionName: "getAssetConfig", args: [asset] }),
          readContract(client, { ...at, address: assetRegistry, abi: iAssetRegistryAbi, functionName: "price", args: [asset] }),
          readContract(client, { ...at, address: vault, abi: iVaultAbi, functionName: "idleBalance", args: [asset] }),
          readContract(client, { ...at, address: asset, abi: erc20Abi, functionName: "symbol" }).catch(
            () => deployment.assets.find((a) => a.token.toLowerCase() === asset.toLowerCase())?.symbol ?? asset,
          ),
        ]);
        return { asset: getAddress(asset), strategy: getAddress(config.strategy), price, idle, symbol };
      }),
    ),
    Promise.all(
      delegatorAddrs.map(async (delegator) => {
        const [operator, queued] = await Promise.all([
          readContract(client, { ...at, address: delegator, abi: iOperatorDelegatorAbi, functionName: "operator" }),
          readContract(client, { ...at, address: delegationManager, abi: iDelegationManagerAbi, functionName: "getQueuedWithdrawals", args: [delegator] }),
        ]);
        return { address: getAddress(delegator), operator: getAddress(operator), queued };
      }),
    ),
  ]);
  const strategyAddrs = assetInfo.map((a) => a.strategy);
  const priceOf = new Map(assetInfo.map((a) => [a.strategy.toLowerCase(), a.price]));
  const strategies: SnapshotStrategy[] = assetInfo.map((a) => ({
    address: a.strategy,
    asset: a.asset,
    symbol: a.symbol,
    ethPerAssetWad: a.price,
  }));
  const idle = assetInfo.map((a) => ({ strategy: a.strategy, ethValue: ethValueOf(a.idle, a.price) }));

  const sharesToUnderlying = (strategy: Address, shares: bigint): Promise<bigint> =>
    shares === 0n
      ? Promise.resolve(0n)
      : readContract(client, { ...at, address: strategy, abi: iStrategyAbi, functionName: "sharesToUnderlyingView", args: [shares] });
  /** ETH value of `shares` of a strategy Trellis prices (null: not priced). */
  const sharesToEth = async (strategy: Address, shares: bigint): Promise<bigint | null> => {
    const price = priceOf.get(strategy.toLowerCase());
    if (price !== undefined) return ethValueOf(await sharesToUnderlying(strategy, shares), price);
    if (beaconChainETHStrategy && strategy.toLowerCase() === beaconChainETHStrategy.toLowerCase()) return shares;
    return null;
  };

  // Round 3: delegators' stake; operators' allocated sets, max magnitudes, allowlist.
  const operatorAddrs = [...new Map(delegatorInfo.map((d) => [d.operator.toLowerCase(), d.operator])).values()];
  const [delegators, operatorInfo, allowed] = await Promise.all([
    Promise.all(
      delegatorInfo.map(async (d): Promise<SnapshotDelegator> => {
        const [withdrawable] = strategyAddrs.length
          ? await readContract(client, {
              ...at,
              address: delegationManager,
              abi: iDelegationManagerAbi,
              functionName: "getWithdrawableShares",
              args: [d.address, strategyAddrs],
            })
          : [[] as readonly bigint[]];
        const [withdrawals, queuedShares] = d.queued;
        const [active, items] = await Promise.all([
          Promise.all(strategyAddrs.map((s, i) => sharesToEth(s, withdrawable[i] ?? 0n))),
          Promise.all(
            withdrawals.flatMap((w, q) => {
              const withdrawalRoot = keccak256(encodeAbiParameters(withdrawalParam, [w]));
              const completableBlock = BigInt(w.startBlock) + withdrawalDelayBlocks + 1n;
              return w.strategies.map(async (strategy, k): Promise<SnapshotWithdrawal | null> => {
                const ethValue = await sharesToEth(strategy, queuedShares[q]?.[k] ?? 0n);
                // A strategy Trellis does not price cannot be one it deposited into: skip it.
                if (ethValue === null) return null;
                return { withdrawalRoot, strategy: getAddress(strategy), ethValue, completableBlock };
              });
            }),
          ),
        ]);
        const list = items.filter((w): w is SnapshotWithdrawal => w !== null);
        return {
          address: d.address,
          operator: d.operator,
          stake: strategyAddrs.map((strategy, i) => ({
            strategy,
            active: active[i] ?? 0n,
            queued: list.filter((w) => w.strategy.toLowerCase() === strategy.toLowerCase()).reduce((s, w) => s + w.ethValue, 0n),
          })),
          withdrawals: list,
        };
      }),
    ),
    Promise.all(
      operatorAddrs.map(async (operator) => {
        const [sets, max, delay] = await Promise.all([
          readContract(client, { ...at, address: allocationManager, abi: iAllocationManagerAbi, functionName: "getAllocatedSets", args: [operator] }),
          strategyAddrs.length
            ? readContract(client, {
                ...at,
                address: allocationManager,
                abi: iAllocationManagerAbi,
                functionName: "getMaxMagnitudes",
                args: [operator, strategyAddrs],
              })
            : Promise.resolve([] as readonly bigint[]),
          readContract(client, { ...at, address: allocationManager, abi: iAllocationManagerAbi, functionName: "getAllocationDelay", args: [operator] }),
        ]);
        const allocationDelayBlocks = delay[0] ? Number(delay[1]) : null;
        return { operator, sets: sets.map((s) => ({ avs: getAddress(s.avs), id: Number(s.id) })), max, allocationDelayBlocks };
      }),
    ),
    Promise.all(
      operatorAddrs.map((operator) =>
        readContract(client, { ...at, address: riskRegistry, abi: iRiskRegistryAbi, functionName: "isOperatorAllowed", args: [operator] }),
      ),
    ),
  ]);

  // Every set an operator allocates to, in first-seen order.
  const sets = new Map<string, OperatorSet>();
  for (const o of operatorInfo) for (const s of o.sets) if (!sets.has(setKey(s.avs, s.id))) sets.set(setKey(s.avs, s.id), s);
  const avsAddrs = [...new Map([...sets.values()].map((s) => [s.avs.toLowerCase(), s.avs])).values()];

  /** The operator's reward splits per set; null where the coordinator lacks the getter. */
  const readSplits = (operator: Address, sets: OperatorSet[]) =>
    Promise.all(
      sets.map(async (set) => {
        const [avsSplit, setSplit] = await Promise.all([
          readContract(client, { ...at, address: rewardsCoordinator, abi: iRewardsCoordinatorAbi, functionName: "getOperatorAVSSplit", args: [operator, set.avs] }).catch(() => null),
          readContract(client, { ...at, address: rewardsCoordinator, abi: iRewardsCoordinatorAbi, functionName: "getOperatorSetSplit", args: [operator, set] }).catch(() => null),
        ]);
        return { avs: set.avs, operatorSetId: set.id, avsSplitBps: avsSplit, operatorSetSplitBps: setSplit };
      }),
    );

  // Round 4: allocations; each set's members and strategies; caps.
  const [operators, setMembers, avsCaps, setCaps] = await Promise.all([
    Promise.all(
      operatorInfo.map(async (o): Promise<SnapshotOperator> => {
        const allocations = await Promise.all(
          o.sets.flatMap((set) =>
            strategyAddrs.map(async (strategy) => {
              const a = await readContract(client, {
                ...at,
                address: allocationManager,
                abi: iAllocationManagerAbi,
                functionName: "getAllocation",
                args: [o.operator, { avs: set.avs, id: set.id }, strategy],
              });
              // Pending increases are not slashable yet; pending decreases still are: `currentMagnitude`.
              // A pending increase is committed: it lands at `effectBlock` whatever Trellis does.
              const current = BigInt(a.currentMagnitude);
              const pending = BigInt(a.pendingDiff) > 0n ? current + BigInt(a.pendingDiff) : current;
              return { avs: set.avs, operatorSetId: set.id, strategy, allocatedMagnitude: current, pendingMagnitude: pending };
            }),
          ),
        );
        return {
          address: o.operator,
          allocations: allocations.filter((a) => a.allocatedMagnitude > 0n || a.pendingMagnitude > 0n),
          maxMagnitudes: strategyAddrs.map((strategy, i) => ({ strategy, maxMagnitude: BigInt(o.max[i] ?? 0n) })),
          splits: await readSplits(o.operator, o.sets),
          allocationDelayBlocks: o.allocationDelayBlocks,
        };
      }),
    ),
    Promise.all(
      [...sets.values()].map(async (set) => {
        const [members, setStrategies, redistributing] = await Promise.all([
          readContract(client, { ...at, address: allocationManager, abi: iAllocationManagerAbi, functionName: "getMembers", args: [set] }),
          readContract(client, { ...at, address: allocationManager, abi: iAllocationManagerAbi, functionName: "getStrategiesInOperatorSet", args: [set] }),
          // Older cores lack the getter: no set is redistributing there.
          readContract(client, { ...at, address: allocationManager, abi: iAllocationManagerAbi, functionName: "isRedistributingOperatorSet", args: [set] }).catch(() => false),
        ]);
        return { set, members, strategies: setStrategies.map((s) => getAddress(s)), redistributing };
      }),
    ),
    Promise.all(
      avsAddrs.map(async (avs) => ({
        avs,
        capBps: Number(await readContract(client, { ...at, address: riskRegistry, abi: iRiskRegistryAbi, functionName: "avsCap", args: [avs] })),
      })),
    ),
    Promise.all(
      [...sets.values()].map(async (s) => ({
        avs: s.avs,
        operatorSetId: s.id,
        capBps: Number(
          await readContract(client, { ...at, address: riskRegistry, abi: iRiskRegistryAbi, functionName: "operatorSetCap", args: [s.avs, s.id] }),
        ),
      })),
    ),
  ]);

  // Trellis' queued stake that is still slashable, per operator and strategy, ETH.
  const slashableQueued = new Map<string, bigint>();
  for (const d of delegators)
    for (const w of d.withdrawals)
      if (w.completableBlock > blockNumber) {
        const k = `${d.operator.toLowerCase()}/${w.strategy.toLowerCase()}`;
        slashableQueued.set(k, (slashableQueued.get(k) ?? 0n) + w.ethValue);
      }

  // Round 5: allocated stake of every member of every set, valued in ETH.
  const operatorSets: SnapshotOperatorSet[] = await Promise.all(
    setMembers.map(async ({ set, members, strategies: setStrategies, redistributing }) => {
      let total = 0n;
      if (members.length && setStrategies.length) {
        const stake = await readContract(client, {
          ...at,
          address: allocationManager,
          abi: iAllocationManagerAbi,
          functionName: "getAllocatedStake",
          args: [set, members, setStrategies],
        });
        // Sum shares per strategy over the members, then convert once.
        const values = await Promise.all(
          setStrategies.map((strategy, j) => sharesToEth(strategy, stake.reduce((s, row) => s + (row[j] ?? 0n), 0n))),
        );
        for (const v of values) total += v ?? 0n;
      }
      // getAllocatedStake counts delegated shares only; Trellis' queued withdrawals are slashable too.
      for (const o of operators)
        for (const a of o.allocations) {
          if (setKey(a.avs, a.operatorSetId) !== setKey(set.avs, set.id)) continue;
          const queued = slashableQueued.get(`${o.address.toLowerCase()}/${a.strategy.toLowerCase()}`) ?? 0n;
          const max = o.maxMagnitudes.find((m) => m.strategy.toLowerCase() === a.strategy.toLowerCase())?.maxMagnitude ?? 0n;
          if (queued > 0n && max > 0n) total += (queued * a.allocatedMagnitude) / max;
        }
      return { avs: set.avs, operatorSetId: set.id, totalAllocatedStake: total, redistributing };
    }),
  );

  const limits: SnapshotLimits = {
    operatorAllowlist: operatorAddrs.filter((_, i) => allowed[i]),
    operatorCapBps: rawLimits.operatorCapBps,
    defaultAvsCapBps: rawLimits.defaultAvsCapBps,
    avsCapBps: avsCaps.filter((c) => c.capBps !== rawLimits.defaultAvsCapBps),
    defaultOperatorSetCapBps: rawLimits.defaultOperatorSetCapBps,
    operatorSetCapBps: setCaps.filter((c) => c.capBps !== rawLimits.defaultOperatorSetCapBps),
    totalSlashableCapBps: rawLimits.totalSlashableCapBps,
    minBufferBps: rawLimits.minBufferBps,
  };

  return {
    chainId,
    blockNumber,
    vault: {
      address: getAddress(vault),
      totalAssets,
      liquidBuffer: idle.reduce((s, i) => s + i.ethValue, 0n),
      idle,
    },
    withdrawalDelayBlocks,
    strategies,
    delegators,
    operators,
    operatorSets,
    limits,
  };
}
