// Reward claims from EigenLayer-format distribution files. Which root to claim against and what is still
// unclaimed are read from the RewardsCoordinator, so claiming twice is impossible and a restart is safe.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { rewardsCoordinatorAbi } from "../abi/generated/index.js";
import { readCalls, valueOf } from "../chain/readCalls.js";
import { withRetry, type RetryOptions } from "../chain/retry.js";
import { buildRewardsMerkleTree, getRewardsMerkleClaim, type RewardsMerkleClaim, type RewardsMerkleTree } from "../devnet/rewards.js";
import { readRewardsDistributionFile } from "../devnet/rewardsFile.js";
import { chainSnapshotOf, type Client, type KeeperState } from "./readState.js";

export type RewardClaim = { delegator: Address; rootIndex: number; root: Hex; file: string; claim: RewardsMerkleClaim; tokens: { token: Address; amount: bigint }[] };

export type FindRewardClaimsParameters = {
  coordinator: Address;
  rewardsDir: string;
  state: KeeperState;
  retry?: RetryOptions;
};

type DistributionRoot = { root: Hex; rewardsCalculationEndTimestamp: number; activatedAt: number; disabled: boolean };

/** Loads every `*.json` distribution file in `dir` and merklizes it; unreadable files are reported, not fatal. */
export async function loadDistributionTrees(dir: string): Promise<{ trees: { file: string; tree: RewardsMerkleTree }[]; errors: { file: string; error: string }[] }> {
  const trees: { file: string; tree: RewardsMerkleTree }[] = [];
  const errors: { file: string; error: string }[] = [];
  if (!existsSync(dir)) return { trees, errors };
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const file = join(dir, name);
    try {
      trees.push({ file, tree: buildRewardsMerkleTree(await readRewardsDistributionFile(file)) });
    } catch (e) {
      errors.push({ file, error: (e as Error).message });
    }
  }
  return { trees, errors };
}

/**
 * The claims to make now: for the newest active root that a file matches, every delegator's tokens whose
 * cumulative earnings exceed what the coordinator says it already claimed.
 */
export async function findRewardClaims(client: Client, params: FindRewardClaimsParameters): Promise<{ claims: RewardClaim[]; errors: { file: string; error: string }[] }> {
  const { state, coordinator } = params;
  const { trees, errors } = await loadDistributionTrees(params.rewardsDir);
  if (!trees.length) return { claims: [], errors };
  const at = { blockNumber: state.blockNumber };
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    withRetry(
      () => client.readContract({ address: coordinator, abi: rewardsCoordinatorAbi, functionName, args, ...at } as never) as Promise<T>,
      params.retry,
    );
  const length = Number(await read<bigint>("getDistributionRootsLength"));
  const byRoot = new Map(trees.map((t) => [t.tree.root.toLowerCase(), t]));
  for (let index = length - 1; index >= 0; index--) {
    const root = await read<DistributionRoot>("getDistributionRootAtIndex", [BigInt(index)]);
    if (root.disabled || BigInt(root.activatedAt) > state.timestamp) continue;
    const match = byRoot.get(root.root.toLowerCase());
    // Cumulative earnings: the newest active root we hold a file for is all we need.
    if (!match) continue;
    const claims: RewardClaim[] = [];
    const delegators = new Set(state.delegators.map((d) => d.address.toLowerCase()));
    const earners = match.tree.earners.filter((e) => delegators.has(e.earner.toLowerCase()));
    // What each delegator already claimed of each token: one batch, as the chain snapshot was read.
    const claimedReads = await readCalls(
      client,
      earners.flatMap((e) => e.tokenLeaves.map((leaf) => ({ address: coordinator, abi: rewardsCoordinatorAbi, functionName: "cumulativeClaimed", args: [e.earner, leaf.token] }))),
      { blockNumber: state.blockNumber, multicall: chainSnapshotOf(state)?.multicall ?? false, retry: params.retry },
    );
    let next = 0;
    for (const earner of earners) {
      const tokens: { token: Address; amount: bigint }[] = [];
      for (const leaf of earner.tokenLeaves) {
        const claimed = valueOf<bigint>(claimedReads[next++]);
        if (leaf.cumulativeEarnings > claimed) tokens.push({ token: leaf.token, amount: leaf.cumulativeEarnings - claimed });
      }
      if (!tokens.length) continue;
      const claim = getRewardsMerkleClaim(match.tree, { earner: earner.earner, rootIndex: index, tokens: tokens.map((t) => t.token) });
      claims.push({ delegator: earner.earner, rootIndex: index, root: root.root, file: match.file, claim, tokens });
    }
    return { claims, errors };
  }
  return { claims: [], errors };
}
