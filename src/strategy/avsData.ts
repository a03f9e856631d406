// The AVS data file: what we believe about each operator set (rewards, slashing priors, profit
// from corruption). It is reviewed by humans and committed, so a bad file is refused outright.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { AvsDataError, type AvsDataIssue } from "./errors.js";
import type { Address, AvsData } from "./types.js";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address")
  .transform((a) => a.toLowerCase() as Address);
const fraction = z.number().finite().min(0, "must be >= 0").max(1, "must be <= 1");

const operatorSetSchema = z
  .object({
    avs: address,
    operatorSetId: z.number().int().min(0).max(2 ** 32 - 1),
    name: z.string().optional(),
    rewardApr: z.number().finite().min(0, "must be >= 0").max(10, "must be <= 10 (1000% APR)"),
    slashingProbability: fraction,
    slashingSeverity: fraction,
    profitFromCorruptionEth: z.number().finite().min(0, "must be >= 0"),
    corruptionThreshold: z.number().finite().gt(0, "must be > 0").max(1, "must be <= 1"),
    clusters: z.array(z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, "tags are [A-Za-z0-9_.:-]+")).default([]),
    rewardToken: address.optional(),
    distribution: z.enum(["stake", "operatorSet"]).optional(),
  })
  .strict();

export const avsDataSchema = z
  .object({
    version: z.literal(1),
    operatorSets: z.array(operatorSetSchema),
  })
  .strict()
  .superRefine((data, ctx) => {
    const seen = new Map<string, number>();
    data.operatorSets.forEach((s, i) => {
      const key = `${s.avs}/${s.operatorSetId}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["operatorSets", i, "operatorSetId"],
          message: `duplicate operator set ${key} (first at operatorSets.${first})`,
        });
      } else seen.set(key, i);
    });
  });

/** Validates parsed JSON (or JSON text) as an AVS data file; throws `AvsDataError` when it is not. */
export function parseAvsData(input: unknown): AvsData {
  let json = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new AvsDataError([{ path: "", reason: `not JSON: ${(e as Error).message}` }]);
    }
  }
  const res = avsDataSchema.safeParse(json);
  if (!res.success) {
    const issues: AvsDataIssue[] = res.error.issues.map((i) => ({ path: i.path.join("."), reason: i.message }));
    throw new AvsDataError(issues);
  }
  const data = res.data;
  return {
    version: 1,
    operatorSets: [...data.operatorSets]
      .sort((a, b) => (a.avs < b.avs ? -1 : a.avs > b.avs ? 1 : a.operatorSetId - b.operatorSetId))
      .map((s) => ({ ...s, clusters: [...new Set(s.clusters)].sort() })),
  };
}

/** Reads and validates an AVS data file (an edge function: the only I/O in this module). */
export async function loadAvsDataFile(path: string): Promise<AvsData> {
  return parseAvsData(await readFile(path, "utf8"));
}

/** Key of an operator set, as used throughout the engine: lower-case avs + "/" + id. */
export function operatorSetKey(avs: string, operatorSetId: number): string {
  return `${avs.toLowerCase()}/${operatorSetId}`;
}
