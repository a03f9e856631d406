import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const anvilBin = join(projectRoot, "node_modules", ".bin", "anvil");

/** Anvil's first default account (mnemonic "test test ... junk"): devnet only. */
export const ANVIL_DEFAULT_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const;

export type StartAnvilParameters = {
  port?: number;
  blockTime?: number;
  chainId?: number;
  /**
   * An anvil state file to start from (`--load-state`), e.g. the real EigenLayer core in
   * ../shared/eigenlayer/anvil/. Such a chain keeps mainnet's rules: EIP-170's code size limit is enforced.
   */
  loadState?: string;
};
export type Anvil = { rpcUrl: string; port: number; stop: () => Promise<void> };

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts anvil (the npm binary) on a free loopback port and resolves once it answers RPC. */
export async function startAnvil(params: StartAnvilParameters = {}): Promise<Anvil> {
  const port = params.port ?? (await freePort());
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(params.chainId ?? 31337), "--silent"];
  if (params.loadState) args.push("--load-state", params.loadState);
  else args.push("--code-size-limit", "100000", "--gas-limit", "100000000");
  if (params.blockTime) args.push("--block-time", String(params.blockTime));
  const child = spawn(anvilBin, args, { stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    running.delete(child);
    if (child.exitCode !== null) return;
    await new Promise<void>((ok) => {
      child.once("exit", () => ok());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
    });
  };
  const deadline = Date.now() + (params.loadState ? 60_000 : 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return { rpcUrl, port, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not answer on ${rpcUrl} in time`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
