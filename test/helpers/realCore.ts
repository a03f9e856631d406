// The REAL EigenLayer core (../shared/eigenlayer/anvil/: EigenLayer's own bytecode, deployed by EigenLayer's own
// script, dumped as an anvil state), with Trellis deployed on it the way a mainnet deploy does it:
// script/SetUpRealCore.s.sol sets up what a public network already has (LSTs, strategies from the real
// StrategyFactory, operators, AVSs with registrar contracts, operator sets, allocations, a Safe) and writes a
// DeployTrellis config; script/deploy-trellis.mjs then runs script/DeployTrellis.s.sol with it, which writes the
// deployment file the CLI reads.
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { getAddress } from "viem";
import { afterAll, beforeAll } from "vitest";
import { devnetAccount, devnetPrivateKey, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { projectRoot, startAnvil, type Anvil } from "../../src/devnet/anvil.js";
import { readDeployment, type Deployment } from "../../src/devnet/deployment.js";

const run = promisify(execFile);

/** ../shared/eigenlayer/anvil, or TRELLIS_REAL_CORE_DIR (e.g. to see the skip: point it at a missing folder). */
export const REAL_CORE_DIR = resolve(process.env.TRELLIS_REAL_CORE_DIR ?? join(projectRoot, "..", "shared", "eigenlayer", "anvil"));
export const REAL_CORE_STATE = join(REAL_CORE_DIR, "eigenlayer-core.state.json");
/** True when ../shared holds the real core; the real-EigenLayer suites skip (one line) only when it does not. */
export const haveRealCore = existsSync(REAL_CORE_STATE) && existsSync(join(REAL_CORE_DIR, "addresses.json"));
export const REAL_CORE_SKIP_REASON = `skipped: ${REAL_CORE_STATE} not found (the real EigenLayer core is not available here)`;

export type RealCore = { rpcUrl: string; deployment: Deployment; deploymentFile: string; configFile: string };

async function step(name: string, file: string, args: string[], env: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run(file, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env, FOUNDRY_DISABLE_NIGHTLY_WARNING: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    const tail = `${err.stdout ?? ""}\n${err.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${name} failed:\n${tail || err.message}`);
  }
}

/**
 * Sets up the real core's chain at `rpcUrl` and deploys Trellis with DeployTrellis. Returns the deployment as
 * DeployTrellis wrote it, with the devnet mnemonic's key indices added for the operators and AVSs that
 * SetUpRealCore registered (operators 10+, AVSs 30+, as on the devnet), so the tests can act as them.
 */
export async function deployOnRealCore(rpcUrl: string, tag: string): Promise<RealCore> {
  const configFile = join(projectRoot, "deployments", `real-core-${tag}-config.json`);
  const deploymentFile = join(projectRoot, "deployments", `real-core-${tag}.json`);
  await step("forge script SetUpRealCore", join(projectRoot, "node_modules", ".bin", "forge"),
    ["script", "script/SetUpRealCore.s.sol", "--rpc-url", rpcUrl, "--broadcast"],
    { TRELLIS_DEPLOY_CONFIG_OUT: configFile, EIGENLAYER_ADDRESSES: join(REAL_CORE_DIR, "addresses.json") });
  await step("deploy-trellis", process.execPath,
    ["script/deploy-trellis.mjs", "--network", "local", "--config", configFile, "--out", deploymentFile, "--rpc-url", rpcUrl],
    { TRELLIS_DEPLOYER_KEY: devnetPrivateKey(DEVNET_KEY_INDEX.deployer) });
  const written = readDeployment(deploymentFile);
  const indexOf = (address: string, first: number) => {
    for (let i = first; i < first + 20; i++) if (getAddress(devnetAccount(i).address) === getAddress(address)) return i;
    throw new Error(`${address} is not a devnet mnemonic account from index ${first}`);
  };
  const deployment: Deployment = {
    ...written,
    operators: written.operators.map((o) => ({ ...o, keyIndex: indexOf(o.address, DEVNET_KEY_INDEX.firstOperator) })),
    avss: written.avss.map((a) => ({ ...a, keyIndex: indexOf(a.address, DEVNET_KEY_INDEX.firstAvs) })),
  };
  return { rpcUrl, deployment, deploymentFile, configFile };
}

/** An anvil on the real core with Trellis deployed, for the calling test file; stopped after it. */
export function useRealCore(): { readonly core: RealCore; readonly anvil: Anvil } {
  let anvil: Anvil | undefined;
  let core: RealCore | undefined;
  beforeAll(async () => {
    anvil = await startAnvil({ loadState: REAL_CORE_STATE });
    core = await deployOnRealCore(anvil.rpcUrl, `${process.pid}`);
  }, 300_000);
  afterAll(async () => {
    await anvil?.stop();
    if (core) for (const f of [core.configFile, core.deploymentFile]) rmSync(f, { force: true });
  });
  return {
    get core() {
      if (!core) throw new Error("real core not started yet: read it inside a test or hook");
      return core;
    },
    get anvil() {
      if (!anvil) throw new Error("real core not started yet");
      return anvil;
    },
  };
}
