// `trellis app`: serves the built web app (app/dist) and /config.json (the network, its deployment and,
// on a devnet, the public devnet test keys). The app reads the chain itself; this is only a file server.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { getAddress } from "viem";
import type { AppConfig } from "../../app/src/appConfig.js";
import type { ResolvedNetwork } from "../chain/config.js";
import { projectRoot } from "../devnet/anvil.js";
import { devnetAccount, devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import type { Deployment } from "../devnet/deployment.js";

export const appDistDir = join(projectRoot, "app", "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export type AppConfigParameters = {
  network: Pick<ResolvedNetwork, "name" | "chainId" | "rpcUrl" | "devnet">;
  deployment: Deployment;
  avsNames?: Map<string, string> | undefined;
  fromBlock?: bigint | undefined;
};

/** The config the app loads; devnet keys only when the network is a devnet. */
export function makeAppConfig(p: AppConfigParameters): AppConfig {
  const devnetKeys = p.network.devnet
    ? DEVNET_KEY_INDEX.users.map((index, i) => ({
        index,
        label: `Devnet user ${i + 1}`,
        privateKey: devnetPrivateKey(index),
        address: getAddress(devnetAccount(index).address),
      }))
    : [];
  return {
    network: p.network.name,
    chainId: p.network.chainId,
    rpcUrl: p.network.rpcUrl,
    devnet: p.network.devnet,
    deployment: p.deployment,
    avsNames: Object.fromEntries(p.avsNames ?? []),
    devnetKeys,
    fromBlock: String(p.fromBlock ?? 0n),
  };
}

export type AppServer = { url: string; port: number; close: () => Promise<void> };

/** Serves `distDir` and the config on 127.0.0.1; unknown paths get index.html (a single-page app). */
export async function startAppServer(params: { config: AppConfig; port?: number; distDir?: string }): Promise<AppServer> {
  const dist = params.distDir ?? appDistDir;
  if (!existsSync(join(dist, "index.html"))) throw new Error(`no built app at ${dist}: run \`npm run build\` first`);
  const configJson = JSON.stringify(params.config);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": TYPES[".json"]!, "cache-control": "no-store" });
      res.end(configJson);
      return;
    }
    const file = normalize(join(dist, path));
    const inside = file.startsWith(dist + sep);
    const target = inside && existsSync(file) && extname(file) ? file : join(dist, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(target)] ?? "application/octet-stream" });
    res.end(readFileSync(target));
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(params.port ?? 0, "127.0.0.1", () => ok());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** `trellis app [--port N]`: serves the app for the chosen network until Ctrl-C. */
export async function appCommand(opts: { network: string; rpcUrl?: string; deployment?: string; port?: string; fromBlock?: string }): Promise<void> {
  const { loadNetwork } = await import("../chain/config.js");
  const { readDeployment } = await import("../devnet/deployment.js");
  const { avsNames } = await import("../chain/status.js");
  const { loadAvsDataFile } = await import("../strategy/index.js");
  const { resolveRpcUrl } = await import("./context.js");
  const { parseCountArg, parseIntegerArg } = await import("../chain/validate.js");
  const port = parseCountArg(opts.port ?? "5173", "--port", { min: 1, max: 65_535 });
  const from = opts.fromBlock === undefined ? undefined : parseIntegerArg(opts.fromBlock, "--from-block");
  const loaded = loadNetwork({ network: opts.network, rpcUrl: opts.rpcUrl, deploymentFile: opts.deployment });
  const deployment = readDeployment(loaded.deploymentPath);
  // On the devnet, the URL `trellis devnet` recorded (it may run on another --port), as every command does.
  const network = { ...loaded, rpcUrl: resolveRpcUrl(loaded, deployment, opts.rpcUrl) };
  const names = existsSync(network.avsDataPath) ? avsNames(await loadAvsDataFile(network.avsDataPath)) : undefined;
  const fromBlock = from ?? (network.devnet ? 0n : await recentBlock(network.rpcUrl));
  const server = await startAppServer({ config: makeAppConfig({ network, deployment, avsNames: names, fromBlock }), port });
  process.stdout.write(`Trellis app for ${network.name} at ${server.url} (RPC ${network.rpcUrl}); Ctrl-C stops\n`);
  await new Promise<void>((ok) => {
    process.once("SIGINT", ok);
    process.once("SIGTERM", ok);
  });
  await server.close();
}

/** Off the devnet the charts and lists read events from about two weeks back (100,000 blocks), not from genesis. */
async function recentBlock(rpcUrl: string): Promise<bigint> {
  const { createPublicClient, http } = await import("viem");
  const latest = await createPublicClient({ transport: http(rpcUrl) }).getBlockNumber();
  return latest > 100_000n ? latest - 100_000n : 0n;
}
