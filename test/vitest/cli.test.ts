// The `trellis` command against the devnet, as a user runs it: deposit, status, plan, keeper, withdraw.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClients } from "../../src/chain/clients.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import { createSim } from "../../src/demo/sim.js";
import { useDevnet } from "../helpers/devnet.js";

const run = promisify(execFile);
const devnet = useDevnet();
const dir = join(projectRoot, "deployments", `cli-test-${process.pid}`);
const deploymentFile = join(dir, "deployment.json");

async function trellis(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(projectRoot, "bin", "trellis.js"), "--rpc-url", devnet.rpcUrl, "--deployment", deploymentFile, ...args], {
      cwd: projectRoot,
      env: { ...process.env, TRELLIS_KEEPER_KEY: "", TRELLIS_USER_KEY: "", TRELLIS_NETWORK: "devnet" },
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

// Each command is a fresh Node process (1.5-3 s, far more on a loaded machine): a generous timeout.
describe("trellis CLI on the devnet", { timeout: 360_000 }, () => {
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(devnet.deployment));
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    await createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment }).seedOutsideStake(parseEther("100"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("deposits, shows status as JSON, plans, runs the keeper once, requests and claims a withdrawal", async () => {
    const dep = await trellis("--json", "deposit", "rETH", "10", "--mint");
    expect(dep.code).toBe(0);
    expect(BigInt(JSON.parse(dep.stdout).shares)).toBe(parseEther("11")); // rETH at 1.1 ETH, rate 1

    const status = JSON.parse((await trellis("--json", "status")).stdout);
    expect(status.totalAssets).toBe(parseEther("11").toString());
    expect(status.avs).toHaveLength(devnet.deployment.avss.length);

    const plan = await trellis("--json", "plan");
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).actions.length).toBeGreaterThan(0);

    const keeper = await trellis("--json", "keeper", "--once", "--rewards-dir", join(dir, "rewards"));
    expect(keeper.code).toBe(0);
    const [cycle] = JSON.parse(keeper.stdout);
    expect(cycle.actions.some((a: { kind: string; status: string }) => a.kind === "allocate" && a.status === "confirmed")).toBe(true);
    expect(keeper.stderr).toContain("devnet-only default key");

    const req = await trellis("--json", "withdraw", "request", "1", "--asset", "rETH");
    expect(req.code).toBe(0);
    const id = JSON.parse(req.stdout).requestId as string;
    // Not finalized yet: the claim is refused with the contract's named error.
    const early = await trellis("withdraw", "claim", id);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`RequestNotFinalized: request id #${id}`);
    expect((await trellis("keeper", "--once", "--no-rebalance", "--rewards-dir", join(dir, "rewards"))).code).toBe(0);
    const claim = await trellis("--json", "withdraw", "claim", id);
    expect(claim.code).toBe(0);
    expect(BigInt(JSON.parse(claim.stdout).amount)).toBeGreaterThan(0n);
  });

  it("names a missing secret on a network that needs one", async () => {
    const res = await run(process.execPath, [join(projectRoot, "bin", "trellis.js"), "-n", "mainnet", "keeper", "--once"], {
      cwd: projectRoot,
      env: { ...process.env, TRELLIS_RPC_URL: "", TRELLIS_KEEPER_KEY: "" },
    }).catch((e: { stderr: string; code: number }) => e);
    expect((res as { code: number }).code).toBe(1);
    expect((res as { stderr: string }).stderr).toContain("missing environment variable TRELLIS_RPC_URL");
  });
});
