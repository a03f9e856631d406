// The strategy engine's Snapshot at the keeper's block, from the same chain read as the keeper's state, with
// the idle assets that unfinalized withdrawal requests need taken out of the buffer the planner may allocate.
import type { Address } from "viem";
import type { Deployment } from "../devnet/deployment.js";
import type { Snapshot } from "../strategy/types.js";
import { reservedForQueue } from "./redemptions.js";
import { chainSnapshotOf, readChain, type Client, type KeeperState } from "./readState.js";

const WAD = 10n ** 18n;

/** The planner's snapshot: from the read `state` came from, or (a hand-built state) a read at its block. */
export async function snapshotForPlanner(client: Client, params: { deployment: Deployment; state: KeeperState }): Promise<Snapshot> {
  const chain = chainSnapshotOf(params.state) ?? (await readChain(client, { deployment: params.deployment, blockNumber: params.state.blockNumber }));
  return plannerSnapshot(chain.engine(), params.state);
}

/** The engine's snapshot with what the queue is owed reserved (pure). */
export const plannerSnapshot = (engine: Snapshot, state: KeeperState): Snapshot => withReserve(engine, state, reservedForQueue(state));

/** `s` with `reserved` idle units per asset removed from the vault's buffer. */
export function withReserve(s: Snapshot, state: KeeperState, reserved: Map<Address, bigint>): Snapshot {
  const idle = s.vault.idle.map((i) => {
    const asset = state.assets.find((a) => a.strategy.toLowerCase() === i.strategy.toLowerCase());
    const units = asset ? reserved.get(asset.asset) ?? 0n : 0n;
    const value = asset ? (units * asset.price) / WAD : 0n;
    return { ...i, ethValue: i.ethValue > value ? i.ethValue - value : 0n };
  });
  return { ...s, vault: { ...s.vault, idle, liquidBuffer: idle.reduce((t, i) => t + i.ethValue, 0n) } };
}
