import { isAbsolute, join } from "node:path";
import { projectRoot } from "../devnet/anvil.js";
import { readDeployment, type Deployment } from "../devnet/deployment.js";

/** The part of a deployment (deployments/<network>.json) governance reads. */
export type GovernanceDeployment = Pick<Deployment, "chainId" | "trellis" | "avss" | "operators" | "assets">;

/** Reads `deployments/<network>.json`, or the file itself when given a path ending in .json. */
export function loadDeployment(networkOrPath: string): Deployment {
  if (networkOrPath.endsWith(".json")) return readDeployment(isAbsolute(networkOrPath) ? networkOrPath : join(process.cwd(), networkOrPath));
  return readDeployment(join(projectRoot, "deployments", `${networkOrPath}.json`));
}
