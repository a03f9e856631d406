import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./anvil.js";
import { readDeployment, type Deployment } from "./deployment.js";

const run = promisify(execFile);

export type DeployDevnetParameters = {
  rpcUrl: string;
  /** Where to write the deployment JSON (under deployments/, which forge may write); a temporary file there when omitted. */
  outFile?: string;
  /** Deploy inputs other than script/config/devnet.json (a file under deployments/, which forge may read). */
  configFile?: string;
};

export class DeployError extends Error {
  override readonly name = "DeployError";
}

/**
 * Deploys the EigenLayer devnet, the LST look-alikes, Trellis and its governance to the node at `rpcUrl`
 * by running script/DeployDevnet.s.sol with forge, and returns the addresses it wrote.
 */
export async function deployDevnet(params: DeployDevnetParameters): Promise<Deployment> {
  const tmp = params.outFile
    ? undefined
    : join(projectRoot, "deployments", `tmp-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}.json`);
  const outFile = params.outFile ?? tmp!;
  try {
    await run(
      join(projectRoot, "node_modules", ".bin", "forge"),
      // --sender: the deployer (devnet key 0); forge refuses its default sender when several keys broadcast and
      // a library must be predeployed.
      ["script", "script/DeployDevnet.s.sol", "--rpc-url", params.rpcUrl, "--broadcast", "--sender", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          TRELLIS_DEPLOYMENT_OUT: outFile,
          FOUNDRY_DISABLE_NIGHTLY_WARNING: "1",
          ...(params.configFile ? { TRELLIS_DEVNET_CONFIG: params.configFile } : {}),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((e: { stderr?: string; stdout?: string; message: string }) => {
      const tail = `${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
      throw new DeployError(`forge script DeployDevnet failed:\n${tail}`);
    });
    return readDeployment(outFile);
  } finally {
    if (tmp) rmSync(tmp, { force: true });
  }
}
