import fc from "fast-check";
import { concat, getAddress, keccak256, zeroHash, type Address, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  buildRewardsClaims,
  buildRewardsMerkleTree,
  calculateEarnerLeafHash,
  calculateTokenLeafHash,
  getProofKeccak,
  getRewardsMerkleClaim,
  merkleizeKeccak,
  RewardsDistributionError,
  verifyInclusionKeccak,
  verifyRewardsMerkleClaim,
  type RewardsDistribution,
} from "./rewards.js";
import {
  parseEarnerLines,
  parseJsonWithBigIntegers,
  parseRewardsDistribution,
  parseRewardsMerkleClaim,
  stringifyRewardsDistribution,
  stringifyRewardsMerkleClaim,
} from "./rewardsFile.js";

const addr = (n: number): Address => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
const h = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
const pair = (a: Hex, b: Hex) => keccak256(concat([a, b]));

/** The fixed vector shared with test/unit/eigenlayer/RewardsCoordinator.t.sol (test_typescriptVectorRoot). */
const VECTOR: RewardsDistribution = [
  { earner: addr(0xc0ffee), tokens: [{ token: addr(0xb0b), cumulativeEarnings: 5n }] },
  {
    earner: addr(0xa11ce),
    tokens: [
      { token: addr(0xb0b), cumulativeEarnings: 10n ** 18n },
      { token: addr(0xa), cumulativeEarnings: 3n * 10n ** 30n + 7n },
    ],
  },
  {
    earner: addr(0xbeef),
    tokens: [
      { token: addr(0xa), cumulativeEarnings: 1n },
      { token: addr(0xb0b), cumulativeEarnings: 2n },
      { token: addr(0xc), cumulativeEarnings: 0n },
    ],
  },
];
const VECTOR_ROOT = "0x269c91e532d5c546d7099338718fbb580aeac837023ebdb9beb9bb879dafbbf4";

describe("merkle trees in EigenLayer's format", () => {
  it("a single leaf is its own root, with an empty proof", () => {
    expect(merkleizeKeccak([h(7)])).toBe(h(7));
    expect(getProofKeccak([h(7)], 0)).toBe("0x");
    expect(verifyInclusionKeccak("0x", h(7), h(7), 0)).toBe(true);
  });

  it("pads with zero hashes to a power of two, as go-merkletree does", () => {
    const [a, b, c] = [h(1), h(2), h(3)];
    expect(merkleizeKeccak([a, b, c])).toBe(pair(pair(a, b), pair(c, zeroHash)));
    expect(getProofKeccak([a, b, c], 2)).toBe(concat([zeroHash, pair(a, b)]));
  });

  it("every leaf of any tree verifies at its index and not at another", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (count, pick) => {
        const leaves = Array.from({ length: count }, (_, i) => keccak256(h(i + 1)));
        const index = pick % count;
        const root = merkleizeKeccak(leaves);
        const proof = getProofKeccak(leaves, index);
        expect(verifyInclusionKeccak(proof, root, leaves[index]!, index)).toBe(true);
        if (count > 1) expect(verifyInclusionKeccak(proof, root, leaves[index]!, index ^ 1)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("hashes leaves with the contract's salts", () => {
    const token = { token: addr(0xa), cumulativeEarnings: 5n };
    expect(calculateTokenLeafHash(token)).toBe(
      keccak256(concat(["0x01", addr(0xa), h(5)])),
    );
    expect(calculateEarnerLeafHash({ earner: addr(0xb), earnerTokenRoot: h(9) })).toBe(
      keccak256(concat(["0x00", addr(0xb), h(9)])),
    );
  });
});

describe("buildRewardsClaims", () => {
  it("sorts earners and tokens by address and builds a verifying claim for each earner", () => {
    const { root, tree, claims } = buildRewardsClaims({ distribution: VECTOR, rootIndex: 3 });
    expect(tree.earners.map((e) => e.earner)).toEqual([addr(0xbeef), addr(0xa11ce), addr(0xc0ffee)]);
    expect(tree.earners[1]!.tokenLeaves.map((t) => t.token)).toEqual([addr(0xa), addr(0xb0b)]);
    expect(claims).toHaveLength(3);
    for (const claim of claims) {
      expect(claim.rootIndex).toBe(3);
      expect(verifyRewardsMerkleClaim(root, claim)).toBe(true);
    }
    // The single-token earner has an empty token proof.
    expect(claims[2]!.tokenTreeProofs).toEqual(["0x"]);
  });

  it("matches the root the Solidity test builds for the same vector", () => {
    expect(buildRewardsMerkleTree(VECTOR).root).toBe(VECTOR_ROOT);
  });

  it("does not depend on input order", () => {
    const reversed = [...VECTOR].reverse().map((e) => ({ ...e, tokens: [...e.tokens].reverse() }));
    expect(buildRewardsMerkleTree(reversed).root).toBe(buildRewardsMerkleTree(VECTOR).root);
  });

  it("claims a subset of tokens", () => {
    const tree = buildRewardsMerkleTree(VECTOR);
    const claim = getRewardsMerkleClaim(tree, { earner: addr(0xbeef), rootIndex: 0, tokens: [addr(0xc)] });
    expect(claim.tokenIndices).toEqual([1]);
    expect(claim.tokenLeaves).toEqual([{ token: addr(0xc), cumulativeEarnings: 0n }]);
    expect(verifyRewardsMerkleClaim(tree.root, claim)).toBe(true);
  });

  it("a tampered claim does not verify", () => {
    const { root, claims } = buildRewardsClaims({ distribution: VECTOR });
    const claim = claims[1]!;
    const inflated = { ...claim, tokenLeaves: [{ ...claim.tokenLeaves[0]!, cumulativeEarnings: 10n ** 40n }, claim.tokenLeaves[1]!] };
    expect(verifyRewardsMerkleClaim(root, inflated)).toBe(false);
    expect(verifyRewardsMerkleClaim(root, { ...claim, earnerIndex: claim.earnerIndex + 4 })).toBe(false);
  });

  it("random distributions always yield verifying claims", () => {
    const distribution = fc
      .uniqueArray(fc.integer({ min: 1, max: 2 ** 30 }), { minLength: 1, maxLength: 12 })
      .chain((earners) =>
        fc.tuple(
          ...earners.map((e) =>
            fc
              .uniqueArray(fc.integer({ min: 1, max: 2 ** 30 }), { minLength: 1, maxLength: 6 })
              .chain((tokens) =>
                fc.tuple(...tokens.map((t) => fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }).map((amount) => ({ token: addr(t), cumulativeEarnings: amount })))),
              )
              .map((tokens) => ({ earner: addr(e), tokens })),
          ),
        ),
      );
    fc.assert(
      fc.property(distribution, (d) => {
        const { root, claims } = buildRewardsClaims({ distribution: d });
        expect(claims.every((c) => verifyRewardsMerkleClaim(root, c))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses duplicates, empty earners and amounts outside uint256", () => {
    const bad = (d: RewardsDistribution) => () => buildRewardsMerkleTree(d);
    expect(bad([])).toThrow(RewardsDistributionError);
    expect(bad([{ earner: addr(1), tokens: [] }])).toThrow(/has no tokens/);
    expect(bad([VECTOR[0]!, VECTOR[0]!])).toThrow(/duplicate earner/);
    expect(bad([{ earner: addr(1), tokens: [{ token: addr(2), cumulativeEarnings: 2n ** 256n }] }])).toThrow(/uint256/);
    expect(bad([{ earner: addr(1), tokens: [{ token: addr(2), cumulativeEarnings: -1n }] }])).toThrow(/uint256/);
    expect(() => getRewardsMerkleClaim(buildRewardsMerkleTree(VECTOR), { earner: addr(9), rootIndex: 0 })).toThrow(
      /not in the distribution/,
    );
  });
});

describe("distribution and claim files", () => {
  it("round-trips a distribution through EigenLayer's JSON with bare big integers", () => {
    const text = stringifyRewardsDistribution(VECTOR);
    expect(text).toContain(`"${addr(0xa).toLowerCase()}":3000000000000000000000000000007`);
    const parsed = parseRewardsDistribution(text);
    expect(buildRewardsMerkleTree(parsed).root).toBe(buildRewardsMerkleTree(VECTOR).root);
  });

  it("reads the format of eigenlayer-rewards-proofs, checksummed keys and string amounts included", () => {
    const parsed = parseRewardsDistribution(`{
      "0x0D6bA28b9919CfCDb6b233469Cc5Ce30b979e08E": {
        "0x1006dd1B8C3D0eF53489beD27577C75299F71473": 2000000000000000000,
        "0x2006dd1B8C3D0eF53489beD27577C75299F71473": "123456789012345678901234567890"
      }
    }`);
    expect(parsed).toEqual([
      {
        earner: "0x0D6bA28b9919CfCDb6b233469Cc5Ce30b979e08E",
        tokens: [
          { token: "0x1006dd1B8C3D0eF53489beD27577C75299F71473", cumulativeEarnings: 2000000000000000000n },
          { token: getAddress("0x2006dd1b8c3d0ef53489bed27577c75299f71473"), cumulativeEarnings: 123456789012345678901234567890n },
        ],
      },
    ]);
  });

  it("reads the sidecar's earner lines", () => {
    const lines = [
      `{"earner":"${addr(1)}","token":"${addr(2)}","cumulative_amount":"99999999999999999999"}`,
      `{"earner":"${addr(1)}","token":"${addr(3)}","cumulative_amount":"5"}`,
      "",
      `{"earner":"${addr(4)}","token":"${addr(2)}","cumulative_amount":""}`,
    ].join("\n");
    expect(parseEarnerLines(lines)).toEqual([
      {
        earner: addr(1),
        tokens: [
          { token: addr(2), cumulativeEarnings: 99999999999999999999n },
          { token: addr(3), cumulativeEarnings: 5n },
        ],
      },
      { earner: addr(4), tokens: [{ token: addr(2), cumulativeEarnings: 0n }] },
    ]);
  });

  it("round-trips a claim through claimgen's JSON", () => {
    const { root, claims } = buildRewardsClaims({ distribution: VECTOR, rootIndex: 7 });
    const text = stringifyRewardsMerkleClaim(root, claims[1]!);
    expect(JSON.parse(text).tokenLeavesNum).toBe(2);
    expect(parseRewardsMerkleClaim(text)).toEqual({ root, claim: claims[1] });
  });

  it("keeps numbers inside strings and rejects malformed amounts", () => {
    expect(parseJsonWithBigIntegers(`{"a":"12 34","b":[1,-2,3.5]}`)).toEqual({ a: "12 34", b: ["1", "-2", 3.5] });
    expect(() => parseRewardsDistribution(`{"${addr(1)}":{"${addr(2)}":1.5}}`)).toThrow(/not a non-negative integer/);
    expect(() => parseRewardsDistribution(`{"nope":{}}`)).toThrow(/not an address/);
    expect(() => parseRewardsDistribution(`{`)).toThrow(/Not valid JSON/);
  });
});
