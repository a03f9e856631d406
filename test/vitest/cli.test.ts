// The `trellis` command against the devnet, as a user runs it: deposit, status, plan, keeper, withdraw.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestClient, http, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClients } from "../../src/chain/clients.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import { createSim } from "../../src/demo/sim.js";
import { useDevnet } from "../helpers/devnet.js";

const run = promisify(execFile);
const devnet = useDevnet();
const dir = join(projectRoot, "deployments", `cli-test-${process.pid}`);
const deploymentFile = join(dir, "deployment.json");

const cliEnv = () => ({ ...process.env, TRELLIS_KEEPER_KEY: "", TRELLIS_USER_KEY: "", TRELLIS_NETWORK: "devnet" });
const cliArgs = (args: string[]) => [join(projectRoot, "bin", "trellis.js"), "--rpc-url", devnet.rpcUrl, "--deployment", deploymentFile, ...args];

async function trellis(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, cliArgs(args), { cwd: projectRoot, env: cliEnv() });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

/** Runs the CLI with `input` on its stdin (an answer to a prompt). */
function trellisWithInput(input: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, cliArgs(args), { cwd: projectRoot, env: cliEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => ok({ stdout, stderr, code }));
    child.stdin.end(input);
  });
}

/** Past the queue's minimum wait (the devnet's EigenLayer delay, 100 blocks x 12 s). */
async function waitOutRedeemDelay() {
  const test = createTestClient({ transport: http(devnet.rpcUrl), mode: "anvil" });
  await test.increaseTime({ seconds: 1201 });
  await test.mine({ blocks: 101 }); // and EigenLayer's withdrawal delay in blocks
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

  it("deposits through the entry, shows status as JSON, plans, runs the keeper, requests, lists and claims a redemption", async () => {
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

    // The second plan compares with the first (recorded next to the deployment file): realised vs predicted.
    const again = JSON.parse((await trellis("--json", "plan")).stdout);
    expect(again.history.pastPlans.map((h: { blockNumber: string }) => h.blockNumber)).toEqual([JSON.parse(plan.stdout).blockNumber]);
    expect(again.history.pastPlans[0].proposed).toBe(true);

    const req = await trellis("--json", "withdraw", "request", "1", "--asset", "rETH");
    expect(req.code).toBe(0);
    const id = JSON.parse(req.stdout).requestId as string;
    // Every transaction sent prints its hash, in words (stderr; a JSON line with --json).
    const txLine = (stderr: string, msg: RegExp) => stderr.split("\n").map((l) => (l.startsWith("{") ? JSON.parse(l) : {})).find((l) => msg.test(l.msg ?? ""));
    expect(txLine(req.stderr, /^request to redeem 1 trETH in rETH confirmed in block \d+$/)?.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const list = JSON.parse((await trellis("--json", "withdraw", "list")).stdout);
    expect(list.requests.map((r: { id: string; state: string }) => [r.id, r.state])).toEqual([[id, "pending"]]);
    expect(Number(list.requests[0].payableFrom)).toBeGreaterThan(Date.now() / 1000 + 600); // the minimum wait
    // Nothing to claim before it is finalized.
    const early = await trellis("withdraw", "claim");
    expect(early.code).toBe(0);
    expect(early.stdout).toContain("nothing claimable yet");
    // The keeper queues from EigenLayer what idle lacks, then after the wait completes it and finalizes.
    const keeperOnce = () => trellis("keeper", "--once", "--no-rebalance", "--rewards-dir", join(dir, "rewards"));
    expect((await keeperOnce()).code).toBe(0);
    await waitOutRedeemDelay();
    expect((await keeperOnce()).code).toBe(0);
    expect(JSON.parse((await trellis("--json", "withdraw", "list")).stdout).requests[0].state).toBe("claimable");
    const claim = await trellis("--json", "withdraw", "claim", "--asset", "rETH");
    expect(claim.code).toBe(0);
    const [paid] = JSON.parse(claim.stdout).claimed;
    expect(BigInt(paid.assets)).toBe((parseEther("1") * 10n) / 11n); // 1 trETH at rate 1, rETH at 1.1 ETH
    expect(txLine(claim.stderr, /^claim rETH confirmed in block \d+$/)?.hash).toMatch(/^0x[0-9a-f]{64}$/);
    // Claims are pooled: once the pool is empty the finalized request reads as claimed.
    expect(JSON.parse((await trellis("--json", "withdraw", "list")).stdout).requests[0].state).toBe("claimed");
  }, 300_000); // a dozen CLI processes

  it("cancels a request (the escrow comes back exactly) and explains refused requests in words", async () => {
    const requestCount = async () => BigInt(JSON.parse((await trellis("--json", "withdraw", "list")).stdout).requests.length);
    const before = await requestCount();
    const req = JSON.parse((await trellis("--json", "withdraw", "request", "0.5", "--asset", "rETH")).stdout);
    const cancel = await trellis("--json", "withdraw", "cancel", req.requestId);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout).shares).toBe(parseEther("0.5").toString());
    const list = JSON.parse((await trellis("--json", "withdraw", "list")).stdout);
    expect(list.requests.find((r: { id: string }) => r.id === req.requestId).state).toBe("cancelled");
    expect(await requestCount()).toBe(before + 1n);
    const again = await trellis("withdraw", "cancel", req.requestId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`request #${req.requestId} is not pending`);
    expect(again.stderr).toContain(`RequestNotPending(${req.requestId})`);
    // More osETH than Trellis holds (none).
    const tooMuch = await trellis("withdraw", "request", "1", "--asset", "osETH");
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toContain("choose another --asset");
    expect(tooMuch.stderr).toContain("InsufficientAssetLiquidity(");
  }, 300_000);

  it("quotes the instant lane, refuses above --max-fee, asks for a yes, and pays at once", async () => {
    const capped = await trellis("withdraw", "instant", "0.05", "--asset", "rETH", "--max-fee", "100");
    expect(capped.code).toBe(1);
    expect(capped.stderr).toContain("fee above --max-fee 100 bps, nothing sent");
    const declined = await trellisWithInput("n\n", "withdraw", "instant", "0.05", "--asset", "rETH");
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain("Redeem? [y/N]");
    expect(declined.stdout).toContain("not accepted, nothing sent");
    const accepted = await trellisWithInput("y\n", "--json", "withdraw", "instant", "0.05", "--asset", "rETH", "--yes");
    expect(accepted.code).toBe(0);
    const out = JSON.parse(accepted.stdout);
    expect(out.accepted).toBe(true);
    expect(Number(out.feeBps)).toBeGreaterThanOrEqual(200); // minFeeBps on the devnet
    expect(BigInt(out.assets)).toBeGreaterThan(0n);
    expect(BigInt(out.assets)).toBeLessThan((parseEther("0.05") * 10n) / 11n);
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
