import { readFileSync } from "node:fs";
import { getAddress, isAddress, parseEther, zeroAddress, type Address } from "viem";
import { z } from "zod";
import { ParamsFileError, type ParamsIssue } from "./errors.js";

/** Vault.MAX_FEE_BPS: the vault refuses a higher protocol fee (checked against the chain in a test). */
export const MAX_FEE_BPS = 3_000;
export const BPS = 10_000;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/** The vault's pausable actions, in `IVault.Action` order. */
export const VAULT_ACTIONS = ["Deposit", "Allocate", "Sync", "Withdraw"] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

const bps = z.number().int("must be an integer").min(0, "must be >= 0").max(BPS, `must be <= ${BPS} bps`);

/** EIP-55 checksummed: a typo in one character fails the checksum instead of sending to a wrong address. */
const checksummed = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), "not an address")
  .refine((s) => !isAddress(s, { strict: false }) || s === getAddress(s), (s) => ({
    message: isAddress(s, { strict: false }) ? `not EIP-55 checksummed (expected ${getAddress(s)})` : "not an address",
  }))
  .transform((s) => s as Address);
const nonZeroAddress = checksummed.refine((a) => a !== zeroAddress, "must not be the zero address");

/** Token amounts and prices: a decimal string of base units ("1000000000000000000") or "<n> ether" (18 decimals). */
const uint128 = z
  .string()
  .regex(/^(\d+|\d+(\.\d{1,18})? ether)$/, 'must be a decimal string of base units or "<amount> ether"')
  .transform((s) => (s.endsWith(" ether") ? parseEther(s.slice(0, -" ether".length)) : BigInt(s)))
  .refine((v) => v <= MAX_UINT128, "must fit in uint128");

const operatorSetId = z.number().int("must be an integer").min(0).max(MAX_UINT32, "must fit in uint32");

const riskSchema = z
  .object({
    operatorCapBps: bps.optional(),
    defaultAvsCapBps: bps.optional(),
    defaultOperatorSetCapBps: bps.optional(),
    totalSlashableCapBps: bps.optional(),
    minBufferBps: bps.optional(),
    /** `capBps` 0 clears the AVS's own cap back to the default. */
    avsCaps: z.array(z.object({ avs: nonZeroAddress, capBps: bps }).strict()).optional(),
    /** `capBps` 0 clears the operator set's own cap back to the default. */
    operatorSetCaps: z
      .array(z.object({ avs: nonZeroAddress, operatorSetId, capBps: bps }).strict())
      .optional(),
    operatorAllowlist: z.array(z.object({ operator: nonZeroAddress, allowed: z.boolean() }).strict()).optional(),
  })
  .strict();

const vaultSchema = z
  .object({
    maxAprBps: bps.optional(),
    feeBps: z.number().int("must be an integer").min(0).max(MAX_FEE_BPS, `must be <= Vault.MAX_FEE_BPS = ${MAX_FEE_BPS}`).optional(),
    treasury: nonZeroAddress.optional(),
  })
  .strict();

const assetSchema = z
  .object({
    token: nonZeroAddress,
    depositCap: uint128.optional(),
    minDeposit: uint128.optional(),
    minPrice: uint128.optional(),
    maxPrice: uint128.optional(),
  })
  .strict();

const newAssetSchema = z
  .object({
    token: nonZeroAddress,
    strategy: nonZeroAddress,
    adapter: nonZeroAddress,
    minPrice: uint128,
    maxPrice: uint128,
    depositCap: uint128,
    minDeposit: uint128,
    rebasing: z.boolean(),
  })
  .strict();

export const paramsFileSchema = z
  .object({
    /** What the change is for; goes into the batch file's description. */
    description: z.string().max(2_000).optional(),
    /** When set, the file is refused on any other chain. */
    chainId: z.number().int().positive().optional(),
    risk: riskSchema.optional(),
    vault: vaultSchema.optional(),
    /** Changes to supported assets' configs (AssetRegistry.setAssetConfig). */
    assets: z.array(assetSchema).optional(),
    /** Assets to add (AssetRegistry.addAsset). */
    newAssets: z.array(newAssetSchema).optional(),
    /** Operators to deploy a delegator for (Vault.addOperatorDelegator). */
    addOperatorDelegators: z.array(nonZeroAddress).optional(),
    pause: z.array(z.enum(VAULT_ACTIONS)).optional(),
    unpause: z.array(z.enum(VAULT_ACTIONS)).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const dup = <T>(list: T[] | undefined, key: (t: T) => string, path: string[], what: string) => {
      const seen = new Set<string>();
      list?.forEach((t, i) => {
        const k = key(t);
        if (seen.has(k)) ctx.addIssue({ code: "custom", path: [...path, i], message: `duplicate ${what} ${k}` });
        seen.add(k);
      });
    };
    dup(f.risk?.avsCaps, (c) => c.avs, ["risk", "avsCaps"], "AVS");
    dup(f.risk?.operatorSetCaps, (c) => `${c.avs}/${c.operatorSetId}`, ["risk", "operatorSetCaps"], "operator set");
    dup(f.risk?.operatorAllowlist, (c) => c.operator, ["risk", "operatorAllowlist"], "operator");
    dup(f.assets, (a) => a.token, ["assets"], "asset");
    dup(f.newAssets, (a) => a.token, ["newAssets"], "asset");
    dup(f.addOperatorDelegators, (a) => a, ["addOperatorDelegators"], "operator");
    dup(f.pause, (a) => a, ["pause"], "action");
    dup(f.unpause, (a) => a, ["unpause"], "action");
    f.unpause?.forEach((a, i) => {
      if (f.pause?.includes(a)) ctx.addIssue({ code: "custom", path: ["unpause", i], message: `${a} is also in pause` });
    });
    f.newAssets?.forEach((a, i) => {
      if (f.assets?.some((b) => b.token === a.token)) {
        ctx.addIssue({ code: "custom", path: ["newAssets", i, "token"], message: "also listed in assets: set its config here" });
      }
    });
    const prices = (list: { minPrice?: bigint; maxPrice?: bigint; minDeposit?: bigint; depositCap?: bigint }[] | undefined, at: string) =>
      list?.forEach((a, i) => checkAssetBounds(a).forEach((issue) => ctx.addIssue({ code: "custom", path: [at, i, issue.field], message: issue.reason })));
    prices(f.assets, "assets");
    prices(f.newAssets, "newAssets");
  });

/** A parsed parameter file: amounts as bigint, addresses checksummed. Absent fields stay unchanged on chain. */
export type ParamsFile = z.infer<typeof paramsFileSchema>;
/** The parameter file as written (amounts as strings). */
export type ParamsFileInput = z.input<typeof paramsFileSchema>;

/**
 * Bounds the AssetRegistry enforces (minPrice > 0, minPrice <= maxPrice) plus one it does not: a minimum
 * deposit above a non-zero cap would block every deposit, which is never what a signer means.
 */
export function checkAssetBounds(a: { minPrice?: bigint; maxPrice?: bigint; minDeposit?: bigint; depositCap?: bigint }): {
  field: "minPrice" | "maxPrice" | "minDeposit";
  reason: string;
}[] {
  const out: { field: "minPrice" | "maxPrice" | "minDeposit"; reason: string }[] = [];
  if (a.minPrice !== undefined && a.minPrice === 0n) out.push({ field: "minPrice", reason: "must be > 0" });
  if (a.minPrice !== undefined && a.maxPrice !== undefined && a.minPrice > a.maxPrice) {
    out.push({ field: "maxPrice", reason: `must be >= minPrice (${a.minPrice})` });
  }
  if (a.minDeposit !== undefined && a.depositCap !== undefined && a.depositCap > 0n && a.minDeposit > a.depositCap) {
    out.push({ field: "minDeposit", reason: `must be <= depositCap (${a.depositCap})` });
  }
  return out;
}

/** Turns zod issues into field paths and reasons; an unknown field is named by its own path. */
export function toParamsIssues(error: z.ZodError): ParamsIssue[] {
  const out: ParamsIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: base ? `${base}.${key}` : key, reason: "unknown field" });
    } else if (issue.code === "invalid_union") {
      out.push({ path: base, reason: issue.unionErrors[0]?.issues[0]?.message ?? issue.message });
    } else {
      out.push({ path: base, reason: issue.message });
    }
  }
  return out;
}

/** Validates a parameter file's JSON value; throws `ParamsFileError` naming every bad field. */
export function parseParamsFile(raw: unknown, file?: string): ParamsFile {
  const r = paramsFileSchema.safeParse(raw);
  if (!r.success) throw new ParamsFileError(toParamsIssues(r.error), file);
  return r.data;
}

/** Reads and validates a parameter file. */
export function loadParamsFile(path: string): ParamsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ParamsFileError([{ path: "", reason: `not readable JSON: ${(e as Error).message}` }], path);
  }
  return parseParamsFile(raw, path);
}
