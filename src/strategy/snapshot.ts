// Reads the strategy engine's `Snapshot` from the chain: the vault, its delegators' stake (active and
// queued), their operators' allocations, the operator sets they allocate to, the RiskRegistry's limits and
// its operator policy. It is the engine's view of the one chain read the keeper also decides from
// (`readChainSnapshot`, src/chain/chainSnapshot.ts): every read pinned to one block, batched through
// Multicall3 where the chain has it, else parallel eth_calls (give the client an http transport with
// `batch: true` to send each round as one JSON-RPC batch). Only interface ABIs are used, so the same code
// reads mainnet EigenLayer.
import type { Chain, Client, Transport } from "viem";
import { readChainSnapshot } from "../chain/chainSnapshot.js";
import type { Deployment } from "../devnet/deployment.js";
import type { Snapshot } from "./types.js";

export type SnapshotParameters = {
  /** Addresses of the Trellis and EigenLayer contracts to read. */
  deployment: Deployment;
  /** Block to read at (default: the latest block). */
  blockNumber?: bigint | undefined;
};

export type SnapshotReturnType = Snapshot;

/**
 * Reads everything the strategy engine needs from the chain into a `Snapshot`.
 *
 * - vault: `totalAssets()`, idle balance per asset at the AssetRegistry's price (the liquid buffer);
 * - strategies: the AssetRegistry's assets, their EigenLayer strategy, price and ERC-20 symbol;
 * - delegators: per strategy, active stake (`getWithdrawableShares`) and queued withdrawals
 *   (`getQueuedWithdrawals`, shares after slashing), valued in ETH via `sharesToUnderlyingView`;
 *   a withdrawal's `completableBlock` is the first block where `completeQueuedWithdrawal` succeeds,
 *   `startBlock + minWithdrawalDelayBlocks + 1` (it stays slashable through `startBlock + delay`);
 * - operators: current allocated magnitude per allocated set and strategy, max magnitudes, allocation
 *   delay, and `newStakeRefused` when the RiskRegistry's operator policy refuses it new stake
 *   (`checkOperatorPolicy`'s named error, or its delegator retired or undelegated);
 * - operatorSets: every set an operator allocates to, with the ETH value of the stake all its members
 *   allocate (`getAllocatedStake`, shares → underlying → ETH; strategies Trellis does not price are
 *   left out, except EigenLayer's beacon chain ETH strategy, counted 1:1). Trellis' own queued stake
 *   that is still slashable is added, as the engine counts it in Trellis' exposure to the set; whether
 *   it redistributes and whether governance allowlisted it;
 * - limits: `limits()`, the allowlisted operators among the delegators' operators, the AVS and
 *   operator set caps that differ from the defaults, and `policy().minAllocationDelay`.
 *
 * Throws `SnapshotError` when an asset has no price (outside its bounds, or no supply yet).
 */
export async function snapshot<chain extends Chain | undefined>(
  client: Client<Transport, chain>,
  parameters: SnapshotParameters,
): Promise<SnapshotReturnType> {
  return (await readChainSnapshot(client, parameters)).engine();
}
