import { readFileSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { startAnvil, type Anvil } from "../../src/devnet/anvil.js";
import { parseDeployment, type Deployment } from "../../src/devnet/deployment.js";
import { DEVNET_STATE_FILE, DEVNET_DEPLOYMENT_FILE } from "./devnetSnapshot.js";

/**
 * A fresh anvil per test file, loaded with the devnet that test/globalSetup.ts deployed once (EigenLayer
 * devnet, LSTs, Trellis, Safe and timelock), so each file starts from the same state in about a second.
 */
export function useDevnet(): { readonly rpcUrl: string; readonly deployment: Deployment; readonly anvil: Anvil } {
  let anvil: Anvil | undefined;
  let deployment: Deployment | undefined;
  beforeAll(async () => {
    anvil = await startAnvil();
    const state = readFileSync(DEVNET_STATE_FILE, "utf8").trim();
    const res = await fetch(anvil.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_loadState", params: [state] }),
    });
    const body = (await res.json()) as { error?: { message: string } };
    if (body.error) throw new Error(`anvil_loadState failed: ${body.error.message}`);
    deployment = parseDeployment(readFileSync(DEVNET_DEPLOYMENT_FILE, "utf8"), DEVNET_DEPLOYMENT_FILE);
  });
  afterAll(async () => {
    await anvil?.stop();
  });
  return {
    get rpcUrl() {
      if (!anvil) throw new Error("devnet not started yet: read it inside a test or hook");
      return anvil.rpcUrl;
    },
    get deployment() {
      if (!deployment) throw new Error("devnet not started yet");
      return deployment;
    },
    get anvil() {
      if (!anvil) throw new Error("devnet not started yet");
      return anvil;
    },
  };
}
