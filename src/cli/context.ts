// What every command needs: the network config, the deployment, clients and a logger.
import { createLogger, type Logger } from "../chain/log.js";
import { createChainClients } from "../chain/clients.js";
import { loadDotenv, loadNetwork, type ResolvedNetwork } from "../chain/config.js";
import { readDeployment, type Deployment } from "../devnet/deployment.js";
import type { Client } from "../keeper/readState.js";

export type GlobalOptions = {
  network: string;
  json?: boolean;
  rpcUrl?: string;
  deployment?: string;
  verbose?: boolean;
};

export type CliContext = {
  network: ResolvedNetwork;
  deployment: Deployment;
  publicClient: Client;
  log: Logger;
  json: boolean;
  /** Prints a command's result: JSON on stdout with --json, text otherwise. */
  out: (text: string, json: unknown) => void;
};

export function makeLogger(opts: GlobalOptions): Logger {
  return createLogger({ json: opts.json ?? false, level: opts.verbose ? "debug" : "info" });
}

export const bigintJson = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2);

export async function makeContext(opts: GlobalOptions): Promise<CliContext> {
  await loadDotenv();
  const network = loadNetwork({ network: opts.network, rpcUrl: opts.rpcUrl, deploymentFile: opts.deployment });
  const deployment = readDeployment(network.deploymentPath);
  const { publicClient } = createChainClients({ rpcUrl: network.rpcUrl, chainId: deployment.chainId, name: network.name });
  const chainId = await publicClient.getChainId().catch((e: Error) => {
    throw new Error(`cannot reach ${network.rpcUrl} (${e.message.split("\n")[0]})${network.devnet ? ": is `trellis devnet` running?" : ""}`);
  });
  if (chainId !== deployment.chainId) throw new Error(`${network.rpcUrl} is chain ${chainId}, the deployment is for chain ${deployment.chainId}`);
  const json = opts.json ?? false;
  return {
    network,
    deployment,
    publicClient,
    log: makeLogger(opts),
    json,
    out: (text, value) => process.stdout.write((json ? bigintJson(value) : text) + "\n"),
  };
}
