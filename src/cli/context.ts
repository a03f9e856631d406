// What every command needs: the network config, the deployment, clients, a logger, and units for output.
import { erc20Abi, type Address, type Transport } from "viem";
import { createLogger, type Logger } from "../chain/log.js";
import { createChainClients } from "../chain/clients.js";
import { loadDotenv, loadNetwork, type ResolvedNetwork } from "../chain/config.js";
import { formatAmount, formatEth, formatRate, type AmountFormat } from "../chain/format.js";
import type { RevertUnits } from "../chain/humanize.js";
import { readDeployment, type Deployment } from "../devnet/deployment.js";
import type { Client } from "../keeper/readState.js";

export type GlobalOptions = {
  network: string;
  json?: boolean;
  rpcUrl?: string;
  deployment?: string;
  verbose?: boolean;
  /** Amounts as raw integers (wei) in and out. */
  wei?: boolean;
};

/** Formatting bound to the command's --wei choice and the deployment's tokens. */
export type Units = {
  raw: boolean;
  amount: (value: bigint, symbol: string, decimals?: number) => string;
  eth: (wei: bigint) => string;
  trEth: (shares: bigint) => string;
  rate: (rate: bigint) => string;
  revert: RevertUnits;
};

export type CliContext = {
  network: ResolvedNetwork;
  deployment: Deployment;
  publicClient: Client;
  log: Logger;
  json: boolean;
  units: Units;
  /** A token's decimals (read once, then cached). */
  decimals: (token: Address) => Promise<number>;
  /** Prints a command's result: JSON on stdout with --json, text otherwise. */
  out: (text: string, json: unknown) => void;
};

export function makeLogger(opts: GlobalOptions): Logger {
  return createLogger({ json: opts.json ?? false, level: opts.verbose ? "debug" : "info" });
}

export const bigintJson = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2);

/** The units of the last context made, for the error printer of `main` (errors are thrown past the context). */
export let currentUnits: Units | undefined;

export function makeUnits(deployment: Deployment | undefined, raw: boolean, decimalsOf: Map<string, number> = new Map()): Units {
  const fmt: AmountFormat = { raw };
  const names = new Map<string, string>();
  if (deployment) {
    for (const [k, v] of Object.entries(deployment.trellis)) names.set(v.toLowerCase(), k);
    deployment.operators.forEach((o, i) => {
      names.set(o.address.toLowerCase(), `operator ${i + 1}`);
      names.set(o.delegator.toLowerCase(), `delegator of operator ${i + 1}`);
    });
    deployment.avss.forEach((a, i) => names.set(a.address.toLowerCase(), `AVS ${i + 1}`));
  }
  return {
    raw,
    amount: (v, symbol, decimals = 18) => formatAmount(v, decimals, symbol, fmt),
    eth: (v) => formatEth(v, fmt),
    trEth: (v) => formatAmount(v, 18, "trETH", fmt),
    rate: (v) => formatRate(v, fmt),
    revert: {
      raw,
      asset: (a) => {
        const x = deployment?.assets.find((t) => t.token.toLowerCase() === a.toLowerCase());
        return x ? { symbol: x.symbol, decimals: decimalsOf.get(x.token.toLowerCase()) ?? 18 } : a.toLowerCase() === deployment?.trellis.trETH.toLowerCase() ? { symbol: "trETH", decimals: 18 } : undefined;
      },
      name: (a) => names.get(a.toLowerCase()),
    },
  };
}

/**
 * The RPC URL to use: an explicit one (flag, TRELLIS_RPC_URL) wins; on a devnet, the URL `trellis devnet`
 * recorded in the deployment file (it may run on another --port); else the network's.
 */
export function resolveRpcUrl(network: ResolvedNetwork, deployment: Deployment, explicit: string | undefined): string {
  const overridden = Boolean(explicit ?? (process.env.TRELLIS_RPC_URL?.trim() || undefined));
  const recorded = (deployment as Deployment & { rpcUrl?: unknown }).rpcUrl;
  return network.devnet && !overridden && typeof recorded === "string" ? recorded : network.rpcUrl;
}

/** `validate` runs on the deployment before the first RPC, so a bad argument never reaches the node. */
export async function makeContext(
  opts: GlobalOptions,
  validate?: (deployment: Deployment) => void,
  extra: { wrapTransport?: (transport: Transport, url: string) => Transport } = {},
): Promise<CliContext> {
  await loadDotenv();
  const loaded = loadNetwork({ network: opts.network, rpcUrl: opts.rpcUrl, deploymentFile: opts.deployment });
  const deployment = readDeployment(loaded.deploymentPath);
  validate?.(deployment);
  const rpcUrl = resolveRpcUrl(loaded, deployment, opts.rpcUrl);
  const network = rpcUrl === loaded.rpcUrl ? loaded : { ...loaded, rpcUrl, rpcUrls: [rpcUrl] };
  const { publicClient } = createChainClients({ rpcUrl: network.rpcUrl, rpcUrls: network.rpcUrls, chainId: deployment.chainId, name: network.name, wrapTransport: extra.wrapTransport });
  const chainId = await publicClient.getChainId().catch((e: Error) => {
    throw new Error(`cannot reach ${network.rpcUrls.join(", ")} (${e.message.split("\n")[0]})${network.devnet ? ": is `trellis devnet` running?" : ""}`);
  });
  if (chainId !== deployment.chainId) throw new Error(`${network.rpcUrl} is chain ${chainId}, the deployment is for chain ${deployment.chainId}`);
  const json = opts.json ?? false;
  const decimalsOf = new Map<string, number>();
  const units = makeUnits(deployment, opts.wei ?? false, decimalsOf);
  currentUnits = units;
  return {
    network,
    deployment,
    publicClient,
    log: makeLogger(opts),
    json,
    units,
    decimals: async (token) => {
      const known = decimalsOf.get(token.toLowerCase());
      if (known !== undefined) return known;
      const d = Number(await publicClient.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }));
      decimalsOf.set(token.toLowerCase(), d);
      return d;
    },
    out: (text, value) => process.stdout.write((json ? bigintJson(value) : text) + "\n"),
  };
}
