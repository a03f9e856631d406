// Typed network configs (config/networks/<name>.json, committed) and secrets (environment only, via dotenv).
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { projectRoot } from "../devnet/anvil.js";
import { devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";

const bps = z.number().int().min(0).max(10_000);
const nonNegative = z.number().finite().min(0);
const unit = z.number().finite().min(0).max(1);
/**
 * The strategy engine's knobs (src/strategy/types.ts EngineParams); every one optional, the
 * default being DEFAULT_ENGINE_PARAMS there (the README's strategy-engine section lists them).
 */
export const engineParamsSchema = z
  .object({
    maxScenarioLossBps: bps,
    gamma: nonNegative,
    robustness: z.enum(["bootstrap", "snapshot"]),
    turnoverBps: bps,
    horizonDays: z.number().finite().positive(),
    withdrawalDelayDays: nonNegative,
    gasPerActionEth: nonNegative,
    typicalMoveEth: z.number().finite().positive(),
    minMoveEth: nonNegative,
    tangentCuts: z.number().int().min(2).max(64),
    dilution: z.boolean(),
    unknownSetSlashingProbability: unit,
    missingSets: z.enum(["error", "default"]),
    cvarAlpha: z.number().finite().min(0.5).max(0.9999),
    cvarWeight: nonNegative,
    cvarLimitBps: bps,
    globalSlashProbability: unit,
    clusterSlashProbability: unit,
    operatorCompromiseProbability: unit,
    diversificationPenalty: nonNegative,
    aprUncertainty: nonNegative,
    slashingUncertainty: nonNegative,
    othersStakeUncertainty: nonNegative,
    uncertaintyMultiple: nonNegative,
    glideBps: bps,
    glidePenalty: nonNegative,
    defaultOperatorSplitBps: bps,
    dilutionTolerance: z.number().finite().positive(),
    maxDilutionRounds: z.number().int().min(1).max(50),
    worstCaseAllocations: z.boolean(),
    minAllocationDelayBlocks: z.number().int().min(0),
    allowRedistributingSets: z.boolean(),
  })
  .partial()
  .strict();

const networkConfigSchema = z
  .object({
    name: z.string().min(1),
    chainId: z.number().int().positive(),
    /** A fixed RPC URL (devnet), or the name of the environment variable holding it (`rpcUrlEnv`). */
    rpcUrl: z.string().url().optional(),
    /** More endpoints of the same chain to fail over to, in order, after the first. */
    fallbackRpcUrls: z.array(z.string().url()).optional(),
    rpcUrlEnv: z.string().regex(/^[A-Z0-9_]+$/).optional(),
    deploymentFile: z.string().min(1),
    /** Directory of EigenLayer-format distribution files (`*.json`) the keeper claims from. */
    rewardsDir: z.string().min(1),
    /** AVS data file for the strategy engine; rebalancing is skipped when it does not exist. */
    avsDataFile: z.string().min(1),
    gasPriceCapGwei: z.number().positive(),
    pollIntervalSeconds: z.number().positive(),
    finalizeBatch: z.number().int().positive(),
    /** Devnet: public keys are allowed as defaults. Never true for a network holding value. */
    devnet: z.boolean(),
    /** Strategy engine knobs for this network (src/strategy/types.ts EngineParams); defaults otherwise. */
    engine: engineParamsSchema.optional(),
  })
  .strict()
  .refine((c) => c.rpcUrl !== undefined || c.rpcUrlEnv !== undefined, { message: "needs rpcUrl or rpcUrlEnv" });

export type NetworkConfig = z.infer<typeof networkConfigSchema>;

/** A network config with its secrets and paths resolved, ready to use. */
export type ResolvedNetwork = NetworkConfig & {
  /** The first endpoint. */
  rpcUrl: string;
  /** Every endpoint, in failover order (a comma-separated --rpc-url / TRELLIS_RPC_URL, or rpcUrl + fallbackRpcUrls). */
  rpcUrls: string[];
  deploymentPath: string;
  rewardsPath: string;
  avsDataPath: string;
  gasPriceCap: bigint;
};

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const abs = (p: string) => (isAbsolute(p) ? p : join(projectRoot, p));

/** Loads .env once (dotenv); values already in the environment win. */
let dotenvLoaded = false;
export async function loadDotenv(): Promise<void> {
  if (dotenvLoaded) return;
  dotenvLoaded = true;
  const path = join(projectRoot, ".env");
  if (existsSync(path)) (await import("dotenv")).config({ path });
}

export type LoadNetworkParameters = {
  network: string;
  /** Overrides (CLI flags, tests). */
  rpcUrl?: string | undefined;
  deploymentFile?: string | undefined;
  rewardsDir?: string | undefined;
  avsDataFile?: string | undefined;
};

/** Reads config/networks/<network>.json (or a path to a JSON file) and resolves the RPC URL. */
export function loadNetwork(params: LoadNetworkParameters): ResolvedNetwork {
  const file = params.network.endsWith(".json") ? abs(params.network) : join(projectRoot, "config", "networks", `${params.network}.json`);
  if (!existsSync(file)) throw new ConfigError(`unknown network "${params.network}": no config at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = networkConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const c = parsed.data;
  const env = (name: string) => process.env[name]?.trim() || undefined;
  const rpcUrl = params.rpcUrl ?? env("TRELLIS_RPC_URL") ?? (c.rpcUrlEnv ? env(c.rpcUrlEnv) : undefined) ?? c.rpcUrl;
  if (!rpcUrl) throw new ConfigError(`missing environment variable ${c.rpcUrlEnv}: the RPC URL of ${c.name}`);
  const rpcUrls = splitRpcUrls(rpcUrl);
  if (rpcUrls.length === 1 && rpcUrl === c.rpcUrl && c.fallbackRpcUrls) rpcUrls.push(...c.fallbackRpcUrls);
  return {
    ...c,
    rpcUrl: rpcUrls[0]!,
    rpcUrls,
    deploymentPath: abs(params.deploymentFile ?? c.deploymentFile),
    rewardsPath: abs(params.rewardsDir ?? c.rewardsDir),
    avsDataPath: abs(params.avsDataFile ?? c.avsDataFile),
    gasPriceCap: BigInt(Math.round(c.gasPriceCapGwei * 1e9)),
  };
}

/** A comma-separated list of RPC URLs, each checked. */
export function splitRpcUrls(value: string): string[] {
  const urls = value.split(",").map((u) => u.trim()).filter(Boolean);
  for (const u of urls) {
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(u).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`RPC URL "${u}" is not an http(s) URL`);
  }
  if (urls.length === 0) throw new ConfigError("no RPC URL given");
  return urls;
}

/** Devnet default keys, from the public mnemonic. DEVNET ONLY: anyone can spend from these. */
const DEVNET_DEFAULT_KEY_INDEX = { TRELLIS_KEEPER_KEY: DEVNET_KEY_INDEX.keeper, TRELLIS_USER_KEY: DEVNET_KEY_INDEX.users[0] } as const;
export type SecretName = keyof typeof DEVNET_DEFAULT_KEY_INDEX;

/**
 * A private key from the environment. On a devnet network, falls back to the devnet key of the role
 * (public mnemonic, labelled so in `source`); elsewhere a missing variable is an error naming it.
 */
export function requirePrivateKey(network: NetworkConfig, name: SecretName): { key: `0x${string}`; source: string } {
  const value = process.env[name]?.trim();
  const file = process.env[`${name}_FILE`]?.trim();
  if (value && file) throw new ConfigError(`both ${name} and ${name}_FILE are set: keep one`);
  if (value) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new ConfigError(`${name} is set but is not a 32-byte hex private key (0x + 64 hex digits)`);
    return { key: value as `0x${string}`, source: `env ${name}` };
  }
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`${name}_FILE: no file at ${file}`);
    const key = readFileSync(file, "utf8").trim();
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new ConfigError(`${name}_FILE: ${file} does not hold a 32-byte hex private key (0x + 64 hex digits)`);
    return { key: key as `0x${string}`, source: `file ${file} (${name}_FILE)` };
  }
  if (network.devnet) {
    const index = DEVNET_DEFAULT_KEY_INDEX[name];
    return { key: devnetPrivateKey(index), source: `devnet-only default key (public mnemonic index ${index})` };
  }
  throw new ConfigError(`missing environment variable ${name}: set it (or put it in .env) to run on ${network.name}`);
}
