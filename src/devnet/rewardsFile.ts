// JSON files of EigenLayer reward distributions and claims, in the formats of Layr-Labs/eigenlayer-rewards-proofs,
// so files from EigenLayer's tooling load here and files written here load there.
//
// Distribution file: earner -> token -> cumulative earnings, amounts as bare JSON integers (Go's big.Int), e.g.
//   {"0xabc…":{"0xdef…":1000000000000000000,"0x123…":42}}
// Earner lines (the sidecar's export): one JSON object per line, amounts as decimal strings:
//   {"earner":"0xabc…","token":"0xdef…","cumulative_amount":"1000000000000000000"}
// Claim file (claimgen's output): the RewardsMerkleClaim plus its root, amounts as bare integers.
// Readers accept amounts as bare integers or as decimal strings; writers use the formats above. Integers beyond
// 2^53 keep every digit: the parser never lets them pass through JavaScript numbers.

import { readFile, writeFile } from "node:fs/promises";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { RewardsDistributionError, type RewardsDistribution, type RewardsMerkleClaim } from "./rewards.js";

/** The EigenLayer distribution JSON of `distribution`, earners and tokens in ascending address order. */
export function stringifyRewardsDistribution(distribution: RewardsDistribution): string {
  const earners = [...distribution].sort((a, b) => compareAddress(a.earner, b.earner));
  const body = earners.map((e) => {
    const tokens = [...e.tokens].sort((a, b) => compareAddress(a.token, b.token));
    const inner = tokens.map((t) => `${JSON.stringify(t.token.toLowerCase())}:${t.cumulativeEarnings.toString()}`);
    return `${JSON.stringify(e.earner.toLowerCase())}:{${inner.join(",")}}`;
  });
  return `{${body.join(",")}}`;
}

/** Reads an EigenLayer distribution JSON (`{earner: {token: amount}}`). */
export function parseRewardsDistribution(text: string): RewardsDistribution {
  const data = parseJsonWithBigIntegers(text);
  if (!isRecord(data)) throw new RewardsDistributionError("Distribution file is not a JSON object");
  return Object.entries(data).map(([earner, tokens], i) => {
    if (!isRecord(tokens)) throw new RewardsDistributionError(`Earner ${i} (${earner}) does not map tokens to amounts`);
    return {
      earner: toAddress(earner, `earner ${i}`),
      tokens: Object.entries(tokens).map(([token, amount]) => ({
        token: toAddress(token, `token of ${earner}`),
        cumulativeEarnings: toAmount(amount, `amount of ${token} for ${earner}`),
      })),
    };
  });
}

/** Reads the sidecar's earner lines (`{"earner","token","cumulative_amount"}` per line) into a distribution. */
export function parseEarnerLines(text: string): RewardsDistribution {
  const byEarner = new Map<string, { earner: Address; tokens: { token: Address; cumulativeEarnings: bigint }[] }>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const row = parseJsonWithBigIntegers(line);
    if (!isRecord(row)) throw new RewardsDistributionError(`Line ${i + 1} is not a JSON object`);
    const earner = toAddress(row.earner, `line ${i + 1} earner`);
    const entry = byEarner.get(earner) ?? { earner, tokens: [] };
    byEarner.set(earner, entry);
    entry.tokens.push({
      token: toAddress(row.token, `line ${i + 1} token`),
      cumulativeEarnings: row.cumulative_amount === "" ? 0n : toAmount(row.cumulative_amount, `line ${i + 1} amount`),
    });
  });
  return [...byEarner.values()];
}

export async function readRewardsDistributionFile(path: string): Promise<RewardsDistribution> {
  return parseRewardsDistribution(await readFile(path, "utf8"));
}

export async function writeRewardsDistributionFile(path: string, distribution: RewardsDistribution): Promise<void> {
  await writeFile(path, stringifyRewardsDistribution(distribution) + "\n");
}

/** claimgen's JSON of a claim: the claim's fields plus `root` and the two array lengths. */
export function stringifyRewardsMerkleClaim(root: Hex, claim: RewardsMerkleClaim): string {
  const leaves = claim.tokenLeaves.map(
    (l) => `{"token":${JSON.stringify(l.token)},"cumulativeEarnings":${l.cumulativeEarnings.toString()}}`,
  );
  return (
    "{" +
    [
      `"root":${JSON.stringify(root)}`,
      `"rootIndex":${claim.rootIndex}`,
      `"earnerIndex":${claim.earnerIndex}`,
      `"earnerTreeProof":${JSON.stringify(claim.earnerTreeProof)}`,
      `"earnerLeaf":${JSON.stringify(claim.earnerLeaf)}`,
      `"tokenIndices":${JSON.stringify(claim.tokenIndices)}`,
      `"tokenTreeProofs":${JSON.stringify(claim.tokenTreeProofs)}`,
      `"tokenLeaves":[${leaves.join(",")}]`,
      `"tokenTreeProofsNum":${claim.tokenTreeProofs.length}`,
      `"tokenLeavesNum":${claim.tokenLeaves.length}`,
    ].join(",") +
    "}"
  );
}

/** Reads claimgen's JSON of a claim. */
export function parseRewardsMerkleClaim(text: string): { root: Hex; claim: RewardsMerkleClaim } {
  const data = parseJsonWithBigIntegers(text);
  if (!isRecord(data) || !isRecord(data.earnerLeaf)) throw new RewardsDistributionError("Claim file is not a claim");
  const leaf = data.earnerLeaf;
  const list = (v: unknown, what: string): unknown[] => {
    if (!Array.isArray(v)) throw new RewardsDistributionError(`Claim ${what} is not a list`);
    return v;
  };
  return {
    root: toHex(data.root, "root"),
    claim: {
      rootIndex: toUint32(data.rootIndex, "rootIndex"),
      earnerIndex: toUint32(data.earnerIndex, "earnerIndex"),
      earnerTreeProof: toHex(data.earnerTreeProof, "earnerTreeProof"),
      earnerLeaf: { earner: toAddress(leaf.earner, "earner"), earnerTokenRoot: toHex(leaf.earnerTokenRoot, "earnerTokenRoot") },
      tokenIndices: list(data.tokenIndices, "tokenIndices").map((v, i) => toUint32(v, `tokenIndices.${i}`)),
      tokenTreeProofs: list(data.tokenTreeProofs, "tokenTreeProofs").map((v, i) => toHex(v, `tokenTreeProofs.${i}`)),
      tokenLeaves: list(data.tokenLeaves, "tokenLeaves").map((v, i) => {
        if (!isRecord(v)) throw new RewardsDistributionError(`Claim tokenLeaves.${i} is not an object`);
        return {
          token: toAddress(v.token, `tokenLeaves.${i}.token`),
          cumulativeEarnings: toAmount(v.cumulativeEarnings, `tokenLeaves.${i}.cumulativeEarnings`),
        };
      }),
    },
  };
}

/**
 * JSON.parse, except that every bare integer literal comes back as its decimal string, so amounts above 2^53
 * survive. Numbers with a fraction or exponent are left to JSON.parse (and rejected later as amounts).
 */
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

export function parseJsonWithBigIntegers(text: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      const literal = match ? match[0] : c;
      out += match && !match[1] && !match[2] ? `"${literal}"` : literal;
      i += literal.length;
    } else {
      out += c;
      i++;
    }
  }
  try {
    return JSON.parse(out);
  } catch (error) {
    throw new RewardsDistributionError("Not valid JSON", [(error as Error).message]);
  }
}

function toAddress(value: unknown, what: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new RewardsDistributionError(`${what}: ${String(value)} is not an address`);
  }
  return getAddress(value);
}

function toAmount(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !/^\d+$/.test(value)) {
    throw new RewardsDistributionError(`${what}: ${String(value)} is not a non-negative integer`);
  }
  return BigInt(value);
}

function toUint32(value: unknown, what: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 2 ** 32 - 1) throw new RewardsDistributionError(`${what}: ${String(value)} is not a uint32`);
  return n;
}

function toHex(value: unknown, what: string): Hex {
  if (typeof value !== "string" || !isHex(value)) throw new RewardsDistributionError(`${what}: ${String(value)} is not hex`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compareAddress(a: Address, b: Address): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
