// EigenLayer reward distributions: the two-level merkle tree that the rewards updater (EigenLayer's sidecar)
// posts to RewardsCoordinator.submitRoot, and the RewardsMerkleClaim structs that processClaim accepts.
// Pure functions: no RPC, no clock. The format is EigenLayer's, so claims built here verify on mainnet too:
//   token leaf  = keccak256(uint8(1) ‖ token ‖ uint256 cumulativeEarnings)
//   earner leaf = keccak256(uint8(0) ‖ earner ‖ earnerTokenRoot)
//   node        = keccak256(left ‖ right), leaves padded with bytes32(0) to a power of two
//                 (wealdtech/go-merkletree as used by eigenlayer-rewards-proofs); earners and tokens in
//                 ascending address order, as the sidecar's Distribution requires.

import { concat, encodePacked, getAddress, isAddress, keccak256, zeroHash, type Address, type Hex } from "viem";

export const EARNER_LEAF_SALT = 0;
export const TOKEN_LEAF_SALT = 1;
const MAX_UINT256 = 2n ** 256n - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/** One earner's cumulative earnings, per token, since the beginning of rewards. */
export type EarnerEarnings = {
  earner: Address;
  tokens: readonly { token: Address; cumulativeEarnings: bigint }[];
};

/** A whole distribution: every earner's cumulative earnings. Order does not matter; the tree sorts. */
export type RewardsDistribution = readonly EarnerEarnings[];

/** `IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf`. */
export type EarnerTreeMerkleLeaf = { earner: Address; earnerTokenRoot: Hex };

/** `IRewardsCoordinatorTypes.TokenTreeMerkleLeaf`. */
export type TokenTreeMerkleLeaf = { token: Address; cumulativeEarnings: bigint };

/** `IRewardsCoordinatorTypes.RewardsMerkleClaim`, shaped as viem encodes it (uint32 as number). */
export type RewardsMerkleClaim = {
  rootIndex: number;
  earnerIndex: number;
  earnerTreeProof: Hex;
  earnerLeaf: EarnerTreeMerkleLeaf;
  tokenIndices: number[];
  tokenTreeProofs: Hex[];
  tokenLeaves: TokenTreeMerkleLeaf[];
};

/** One earner's place in the tree. */
export type RewardsTreeEarner = {
  earner: Address;
  earnerIndex: number;
  earnerTokenRoot: Hex;
  /** Token leaves in tree order (ascending token address). */
  tokenLeaves: readonly TokenTreeMerkleLeaf[];
  tokenLeafHashes: readonly Hex[];
};

/** A merklized distribution: its root and everything needed to prove any earner's tokens. */
export type RewardsMerkleTree = {
  root: Hex;
  /** Earners in tree order (ascending address). */
  earners: readonly RewardsTreeEarner[];
  earnerLeafHashes: readonly Hex[];
};

/** The distribution cannot be merklized or a claim cannot be built from it. */
export class RewardsDistributionError extends Error {
  override name = "RewardsDistributionError" as const;
  readonly shortMessage: string;
  readonly details: string[];
  constructor(shortMessage: string, details: string[] = []) {
    super(details.length ? `${shortMessage}\n${details.map((d) => `  - ${d}`).join("\n")}` : shortMessage);
    this.shortMessage = shortMessage;
    this.details = details;
  }
}

/** `RewardsCoordinator.calculateTokenLeafHash`. */
export function calculateTokenLeafHash(leaf: TokenTreeMerkleLeaf): Hex {
  return keccak256(
    encodePacked(["uint8", "address", "uint256"], [TOKEN_LEAF_SALT, leaf.token, leaf.cumulativeEarnings]),
  );
}

/** `RewardsCoordinator.calculateEarnerLeafHash`. */
export function calculateEarnerLeafHash(leaf: EarnerTreeMerkleLeaf): Hex {
  return keccak256(encodePacked(["uint8", "address", "bytes32"], [EARNER_LEAF_SALT, leaf.earner, leaf.earnerTokenRoot]));
}

/** The root of `leaves` padded with zero hashes to a power of two; a single leaf is its own root. */
export function merkleizeKeccak(leaves: readonly Hex[]): Hex {
  if (leaves.length === 0) throw new RewardsDistributionError("Cannot merklize an empty list of leaves");
  let layer = padToPowerOfTwo(leaves);
  while (layer.length > 1) layer = parentLayer(layer);
  return layer[0]!;
}

/** The siblings of leaf `index` from the bottom up, concatenated: EigenLayer's `bytes` proof. */
export function getProofKeccak(leaves: readonly Hex[], index: number): Hex {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RewardsDistributionError(`Leaf index ${index} out of range`, [`${leaves.length} leaves`]);
  }
  const siblings: Hex[] = [];
  let layer = padToPowerOfTwo(leaves);
  let i = index;
  while (layer.length > 1) {
    siblings.push(layer[i ^ 1]!);
    layer = parentLayer(layer);
    i = Math.floor(i / 2);
  }
  return siblings.length ? concat(siblings) : "0x";
}

/** `Merkle.verifyInclusionKeccak`, for checking a claim before spending gas on it. */
export function verifyInclusionKeccak(proof: Hex, root: Hex, leaf: Hex, index: number): boolean {
  const bytes = (proof.length - 2) / 2;
  if (bytes % 32 !== 0) return false;
  let node = leaf;
  let i = index;
  for (let offset = 0; offset < bytes; offset += 32) {
    const sibling = `0x${proof.slice(2 + offset * 2, 2 + (offset + 32) * 2)}` as Hex;
    node = i % 2 === 0 ? hashPair(node, sibling) : hashPair(sibling, node);
    i = Math.floor(i / 2);
  }
  return node.toLowerCase() === root.toLowerCase();
}

/**
 * Merklizes a distribution in EigenLayer's format: one token tree per earner, one earner tree over them.
 * Earners and tokens are sorted by address; duplicates, empty token lists and amounts outside uint256 throw.
 */
export function buildRewardsMerkleTree(distribution: RewardsDistribution): RewardsMerkleTree {
  const problems = validateDistribution(distribution);
  if (problems.length) throw new RewardsDistributionError("Invalid rewards distribution", problems);

  const earners = sortByAddress(distribution.map((e) => ({ ...e, earner: getAddress(e.earner) })), (e) => e.earner).map(
    (entry, earnerIndex): RewardsTreeEarner => {
      const tokenLeaves = sortByAddress(
        entry.tokens.map((t) => ({ token: getAddress(t.token), cumulativeEarnings: t.cumulativeEarnings })),
        (t) => t.token,
      );
      const tokenLeafHashes = tokenLeaves.map(calculateTokenLeafHash);
      return {
        earner: entry.earner,
        earnerIndex,
        earnerTokenRoot: merkleizeKeccak(tokenLeafHashes),
        tokenLeaves,
        tokenLeafHashes,
      };
    },
  );
  const earnerLeafHashes = earners.map((e) => calculateEarnerLeafHash({ earner: e.earner, earnerTokenRoot: e.earnerTokenRoot }));
  return { root: merkleizeKeccak(earnerLeafHashes), earners, earnerLeafHashes };
}

export type GetRewardsMerkleClaimParameters = {
  earner: Address;
  /** Index of the root in `RewardsCoordinator.getDistributionRootAtIndex`; `getRootIndexFromHash(root)` tells it. */
  rootIndex: number;
  /** Tokens to claim; all of the earner's tokens when omitted. */
  tokens?: readonly Address[];
};

/** The `RewardsMerkleClaim` for one earner's tokens, ready for `processClaim(claim, recipient)`. */
export function getRewardsMerkleClaim(tree: RewardsMerkleTree, params: GetRewardsMerkleClaimParameters): RewardsMerkleClaim {
  if (!Number.isInteger(params.rootIndex) || params.rootIndex < 0 || params.rootIndex > MAX_UINT32) {
    throw new RewardsDistributionError(`rootIndex ${params.rootIndex} is not a uint32`);
  }
  const earner = tree.earners.find((e) => sameAddress(e.earner, params.earner));
  if (!earner) throw new RewardsDistributionError(`Earner ${params.earner} is not in the distribution`);
  const indices = params.tokens
    ? params.tokens.map((token) => {
        const i = earner.tokenLeaves.findIndex((leaf) => sameAddress(leaf.token, token));
        if (i < 0) throw new RewardsDistributionError(`Token ${token} is not in the distribution of ${earner.earner}`);
        return i;
      })
    : earner.tokenLeaves.map((_, i) => i);
  return {
    rootIndex: params.rootIndex,
    earnerIndex: earner.earnerIndex,
    earnerTreeProof: getProofKeccak(tree.earnerLeafHashes, earner.earnerIndex),
    earnerLeaf: { earner: earner.earner, earnerTokenRoot: earner.earnerTokenRoot },
    tokenIndices: indices,
    tokenTreeProofs: indices.map((i) => getProofKeccak(earner.tokenLeafHashes, i)),
    tokenLeaves: indices.map((i) => ({ ...earner.tokenLeaves[i]! })),
  };
}

export type BuildRewardsClaimsParameters = { distribution: RewardsDistribution; rootIndex?: number };
export type BuildRewardsClaimsReturnType = { root: Hex; tree: RewardsMerkleTree; claims: RewardsMerkleClaim[] };

/** The root and, for every earner, the claim of all its tokens (in tree order). `rootIndex` defaults to 0. */
export function buildRewardsClaims(params: BuildRewardsClaimsParameters): BuildRewardsClaimsReturnType {
  const tree = buildRewardsMerkleTree(params.distribution);
  const rootIndex = params.rootIndex ?? 0;
  return {
    root: tree.root,
    tree,
    claims: tree.earners.map((e) => getRewardsMerkleClaim(tree, { earner: e.earner, rootIndex })),
  };
}

/** Checks a claim against a root off chain, as `RewardsCoordinator.checkClaim` does (without root activation). */
export function verifyRewardsMerkleClaim(root: Hex, claim: RewardsMerkleClaim): boolean {
  const n = claim.tokenIndices.length;
  if (claim.tokenTreeProofs.length !== n || claim.tokenLeaves.length !== n) return false;
  const depth = (p: Hex) => (p.length - 2) / 64;
  if (claim.earnerIndex >= 2 ** depth(claim.earnerTreeProof)) return false;
  if (!verifyInclusionKeccak(claim.earnerTreeProof, root, calculateEarnerLeafHash(claim.earnerLeaf), claim.earnerIndex)) {
    return false;
  }
  return claim.tokenIndices.every((index, i) => {
    const proof = claim.tokenTreeProofs[i]!;
    return (
      index < 2 ** depth(proof) &&
      verifyInclusionKeccak(proof, claim.earnerLeaf.earnerTokenRoot, calculateTokenLeafHash(claim.tokenLeaves[i]!), index)
    );
  });
}

function validateDistribution(distribution: RewardsDistribution): string[] {
  const problems: string[] = [];
  if (distribution.length === 0) problems.push("no earners");
  const earners = new Set<string>();
  distribution.forEach((entry, i) => {
    if (!isAddress(entry.earner, { strict: false })) {
      problems.push(`earners.${i}: ${entry.earner} is not an address`);
      return;
    }
    const earner = entry.earner.toLowerCase();
    if (earners.has(earner)) problems.push(`earners.${i}: duplicate earner ${entry.earner}`);
    earners.add(earner);
    if (entry.tokens.length === 0) problems.push(`earners.${i}: ${entry.earner} has no tokens`);
    const tokens = new Set<string>();
    entry.tokens.forEach((t, j) => {
      if (!isAddress(t.token, { strict: false })) problems.push(`earners.${i}.tokens.${j}: ${t.token} is not an address`);
      else if (tokens.has(t.token.toLowerCase())) problems.push(`earners.${i}.tokens.${j}: duplicate token ${t.token}`);
      tokens.add(t.token.toLowerCase());
      if (typeof t.cumulativeEarnings !== "bigint" || t.cumulativeEarnings < 0n || t.cumulativeEarnings > MAX_UINT256) {
        problems.push(`earners.${i}.tokens.${j}: cumulativeEarnings ${String(t.cumulativeEarnings)} is not a uint256`);
      }
    });
  });
  if (distribution.length > MAX_UINT32) problems.push("more earners than a uint32 index can address");
  return problems;
}

function padToPowerOfTwo(leaves: readonly Hex[]): Hex[] {
  let width = 1;
  while (width < leaves.length) width *= 2;
  return [...leaves, ...Array<Hex>(width - leaves.length).fill(zeroHash)];
}

function parentLayer(layer: readonly Hex[]): Hex[] {
  const parents: Hex[] = [];
  for (let i = 0; i < layer.length; i += 2) parents.push(hashPair(layer[i]!, layer[i + 1]!));
  return parents;
}

function hashPair(left: Hex, right: Hex): Hex {
  return keccak256(concat([left, right]));
}

function sortByAddress<T>(items: readonly T[], key: (item: T) => Address): T[] {
  return [...items].sort((a, b) => {
    const x = BigInt(key(a));
    const y = BigInt(key(b));
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function sameAddress(a: Address, b: Address): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
