import { join } from "node:path";
import { projectRoot } from "../../src/devnet/anvil.js";

export const DEVNET_STATE_FILE = join(projectRoot, "cache", "devnet-state.hex");
export const DEVNET_DEPLOYMENT_FILE = join(projectRoot, "cache", "devnet-deployment.json");
