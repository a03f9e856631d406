// The strategy engine's Snapshot, read from chain. The engine engineer's own reader (src/strategy/snapshot.ts)
// did not exist when the keeper needed one; this one is built on the keeper's state read.
import type { Address } from "viem";
import { allocationManagerAbi, riskRegistryAbi, strategyBaseAbi } from "../abi/generated/index.js";
import { withRetry, type RetryOptions } from "../chain/retry.js";
import type { Deployment } from "../devnet/deployment.js";
import type { Snapshot, SnapshotDelegator, SnapshotOperator, SnapshotOperatorSet } from "../strategy/types.js";
import type { Client, KeeperState } from "./readState.js";

const WAD = 10n ** 18n;

export type ReadSnapshotParameters = {
  deployment: Deployment;
  state: KeeperState;
  /** Idle units per asset kept out of the planner's reach (owed to the withdrawal queue). */
  reserved?: Map<Address, bigint>;
  retry?: RetryOptions;
};

type OperatorSetRef = { avs: Address; id: number };

export async function readSnapshot(client: Client, params: ReadSnapshotParameters): Promise<Snapshot> {
  const { deployment, state } = params;
  const at = { blockNumber: state.blockNumber };
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    withRetry(() => client.readContract({ address, abi, functionName, args, ...at } as never) as Promise<T>, params.retry);
  const am = deployment.eigenlayer.allocationManager;
  const rr = deployment.trellis.riskRegistry;
  const strategies = state.assets.map((a) => a.strategy);
  const priceOf = new Map(state.assets.map((a) => [a.strategy, a.price]));
  const eth = (strategy: Address, units: bigint) => (units * (priceOf.get(strategy) ?? WAD)) / WAD;

  const idle = state.assets.map((a) => {
    const units = (state.idle.get(a.asset) ?? 0n) - (params.reserved?.get(a.asset) ?? 0n);
    return { strategy: a.strategy, ethValue: eth(a.strategy, units > 0n ? units : 0n) };
  });

  const delegators: SnapshotDelegator[] = state.delegators.map((d) => {
    const mine = state.queued.filter((q) => q.delegator === d.address);
    const withdrawals = mine.flatMap((q) =>
      q.withdrawal.strategies.map((strategy, k) => ({
        withdrawalRoot: q.root,
        strategy,
        ethValue: eth(strategy, q.underlying[k]!),
        completableBlock: q.completableBlock,
      })),
    );
    return {
      address: d.address,
      operator: d.operator,
      stake: d.positions.map((p) => ({
        strategy: p.strategy,
        active: eth(p.strategy, p.underlying),
        queued: withdrawals.filter((w) => w.strategy === p.strategy).reduce((s, w) => s + w.ethValue, 0n),
      })),
      withdrawals,
    };
  });

  const setKey = (s: OperatorSetRef) => `${s.avs.toLowerCase()}/${s.id}`;
  const sets = new Map<string, OperatorSetRef>();
  for (const avs of deployment.avss) for (const id of avs.operatorSetIds) sets.set(setKey({ avs: avs.address, id }), { avs: avs.address, id });

  const operators: SnapshotOperator[] = await Promise.all(
    state.delegators.map(async (d) => {
      const allocated = await read<readonly OperatorSetRef[]>(am, allocationManagerAbi, "getAllocatedSets", [d.operator]);
      for (const s of allocated) sets.set(setKey(s), { avs: s.avs, id: s.id });
      const allocations = (
        await Promise.all(
          allocated.flatMap((set) =>
            strategies.map(async (strategy) => {
              const a = await read<{ currentMagnitude: bigint }>(am, allocationManagerAbi, "getAllocation", [d.operator, set, strategy]);
              // Pending increases are not slashable yet; a pending decrease still is, so currentMagnitude is right.
              return { avs: set.avs, operatorSetId: set.id, strategy, allocatedMagnitude: BigInt(a.currentMagnitude) };
            }),
          ),
        )
      ).filter((a) => a.allocatedMagnitude > 0n);
      const max = await read<readonly bigint[]>(am, allocationManagerAbi, "getMaxMagnitudes", [d.operator, strategies]);
      return {
        address: d.operator,
        allocations,
        maxMagnitudes: strategies.map((strategy, i) => ({ strategy, maxMagnitude: BigInt(max[i]!) })),
      };
    }),
  );

  const operatorSets: SnapshotOperatorSet[] = await Promise.all(
    [...sets.values()].map(async (set) => {
      const members = await read<readonly Address[]>(am, allocationManagerAbi, "getMembers", [set]);
      let total = 0n;
      if (members.length) {
        const stake = await read<readonly (readonly bigint[])[]>(am, allocationManagerAbi, "getAllocatedStake", [set, members, strategies]);
        for (const row of stake)
          for (let i = 0; i < strategies.length; i++) {
            const shares = row[i] ?? 0n;
            if (shares === 0n) continue;
            const units = await read<bigint>(strategies[i]!, strategyBaseAbi, "sharesToUnderlyingView", [shares]);
            total += eth(strategies[i]!, units);
          }
      }
      return { avs: set.avs, operatorSetId: set.id, totalAllocatedStake: total };
    }),
  );

  const limits = await read<{
    operatorCapBps: number;
    defaultAvsCapBps: number;
    defaultOperatorSetCapBps: number;
    totalSlashableCapBps: number;
    minBufferBps: number;
  }>(rr, riskRegistryAbi, "limits");
  const allow: Address[] = [];
  for (const d of state.delegators) if (await read<boolean>(rr, riskRegistryAbi, "isOperatorAllowed", [d.operator])) allow.push(d.operator);
  const avsAddrs = [...new Set([...sets.values()].map((s) => s.avs))];
  const avsCapBps = await Promise.all(
    avsAddrs.map(async (avs) => ({ avs, capBps: Number(await read<bigint>(rr, riskRegistryAbi, "avsCap", [avs])) })),
  );
  const operatorSetCapBps = await Promise.all(
    [...sets.values()].map(async (s) => ({
      avs: s.avs,
      operatorSetId: s.id,
      capBps: Number(await read<bigint>(rr, riskRegistryAbi, "operatorSetCap", [s.avs, s.id])),
    })),
  );

  return {
    chainId: client.chain.id,
    blockNumber: state.blockNumber,
    vault: {
      address: deployment.trellis.vault,
      totalAssets: state.totalAssets,
      liquidBuffer: idle.reduce((s, i) => s + i.ethValue, 0n),
      idle,
    },
    withdrawalDelayBlocks: state.withdrawalDelayBlocks,
    strategies: state.assets.map((a) => ({ address: a.strategy, asset: a.asset, symbol: a.symbol, ethPerAssetWad: a.price })),
    delegators,
    operators,
    operatorSets,
    limits: {
      operatorAllowlist: allow,
      operatorCapBps: limits.operatorCapBps,
      defaultAvsCapBps: limits.defaultAvsCapBps,
      avsCapBps,
      defaultOperatorSetCapBps: limits.defaultOperatorSetCapBps,
      operatorSetCapBps,
      totalSlashableCapBps: limits.totalSlashableCapBps,
      minBufferBps: limits.minBufferBps,
    },
  };
}
