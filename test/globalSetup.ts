// Deploys the devnet once for the whole vitest run and saves anvil's state, which each test file's own
// anvil then loads (test/helpers/devnet.ts). Deterministic deployer nonces make the addresses the same.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { startAnvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import { DEVNET_DEPLOYMENT_FILE, DEVNET_STATE_FILE } from "./helpers/devnetSnapshot.js";

export default async function setup(): Promise<void> {
  const anvil = await startAnvil();
  try {
    mkdirSync(dirname(DEVNET_STATE_FILE), { recursive: true });
    const deployment = await deployDevnet({ rpcUrl: anvil.rpcUrl });
    const res = await fetch(anvil.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_dumpState", params: [] }),
    });
    const body = (await res.json()) as { result?: string; error?: { message: string } };
    if (!body.result) throw new Error(`anvil_dumpState failed: ${body.error?.message ?? "no result"}`);
    writeFileSync(DEVNET_STATE_FILE, body.result);
    writeFileSync(DEVNET_DEPLOYMENT_FILE, JSON.stringify(deployment, null, 2));
  } finally {
    await anvil.stop();
  }
}
