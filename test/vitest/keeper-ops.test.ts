// The keeper as operators run it, on a real devnet: Prometheus metrics served while it runs, failover when
// the first RPC endpoint is down, endpoints that disagree on the chain refused, the key read from a file.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { maxUint256, parseEther, type Abi } from "viem";
import { vaultAbi, withdrawalQueueAbi } from "../../src/abi/generated/index.js";
import { readItems, readLists, type ReadContext } from "../../src/chain/chainReads.js";
import { readCalls, type ContractRead } from "../../src/chain/readCalls.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClients } from "../../src/chain/clients.js";
import { checkEndpoints } from "../../src/chain/endpoints.js";
import { readStatus } from "../../src/chain/status.js";
import { devnetAccount, devnetPrivateKey, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { freePort, projectRoot, startAnvil } from "../../src/devnet/anvil.js";
import { createSim } from "../../src/demo/sim.js";
import { createKeeperMetrics } from "../../src/keeper/metrics.js";
import { recordState } from "../../src/keeper/metricsRecord.js";
import { readKeeperState } from "../../src/keeper/readState.js";
import { useDevnet } from "../helpers/devnet.js";

const devnet = useDevnet();
const dir = join(projectRoot, "deployments", `keeper-ops-test-${process.pid}`);
const deploymentFile = join(dir, "deployment.json");
const keyFile = join(dir, "keeper.key");
const user = devnetAccount(DEVNET_KEY_INDEX.users[0]);

/** Prometheus text format: `name{labels} value` lines, by metric name. */
function parseMetrics(text: string): Map<string, { labels: string; value: number }[]> {
  const out = new Map<string, { labels: string; value: number }[]>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text format: ${line}`);
    const list = out.get(m[1]!) ?? [];
    list.push({ labels: m[2] ?? "", value: Number(m[3]) });
    out.set(m[1]!, list);
  }
  return out;
}

describe("keeper operations", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(devnet.deployment));
    writeFileSync(keyFile, devnetPrivateKey(DEVNET_KEY_INDEX.keeper) + "\n", { mode: 0o600 });
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    const sim = createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    await sim.mintLst("stETH", user, parseEther("20"));
    await sim.deposit(user, "stETH", parseEther("20"));
    await sim.requestRedeem(user, parseEther("1"), "stETH");
    await sim.advance(3_600);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("measures the queue's oldest request age and exposure against caps from one read", async () => {
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId });
    const m = createKeeperMetrics({ defaultMetrics: false });
    const state = await readKeeperState(publicClient, { deployment: devnet.deployment });
    const status = await readStatus(publicClient, devnet.deployment, state);
    recordState(m, { state, status });
    const metrics = parseMetrics(await m.registry.metrics());
    expect(metrics.get("trellis_queue_pending_requests")![0]!.value).toBe(1);
    expect(metrics.get("trellis_queue_oldest_request_age_seconds")![0]!.value).toBeGreaterThanOrEqual(3_600);
    expect(metrics.get("trellis_tvl_eth")![0]!.value).toBe(20);
    expect(metrics.get("trellis_avs_exposure_cap_eth")!.length).toBe(devnet.deployment.avss.length);
  });

  it("serves /metrics while it runs, with the first RPC endpoint down, its key from a file", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const child = spawn(
      process.execPath,
      [join(projectRoot, "bin", "trellis.js"), "--rpc-url", `${dead},${devnet.rpcUrl}`, "--deployment", deploymentFile, "keeper", "--no-rebalance", "--poll", "1", "--metrics-port", "0", "--rewards-dir", join(dir, "rewards")],
      { cwd: projectRoot, env: { ...process.env, TRELLIS_KEEPER_KEY: "", TRELLIS_KEEPER_KEY_FILE: keyFile, TRELLIS_NETWORK: "devnet", TRELLIS_RPC_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((ok) => child.once("exit", (code) => ok(code ?? -1)));
    try {
      const deadline = Date.now() + 240_000;
      let url: string | undefined;
      let metrics: Map<string, { labels: string; value: number }[]> | undefined;
      let contentType = "";
      while (Date.now() < deadline) {
        url ??= /metrics {2}url=(\S+)/.exec(stderr)?.[1];
        if (url && /cycle done/.test(stderr)) {
          const res = await fetch(url);
          contentType = res.headers.get("content-type") ?? "";
          const parsed = parseMetrics(await res.text());
          if (parsed.get("trellis_keeper_cycles_total")?.some((x) => x.value >= 1)) {
            metrics = parsed;
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(metrics, stderr).toBeDefined();
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of [
        "trellis_rate_eth_per_treth",
        "trellis_tvl_eth",
        "trellis_buffer_eth",
        "trellis_queue_pending_requests",
        "trellis_queue_oldest_request_age_seconds",
        "trellis_avs_exposure_eth",
        "trellis_avs_exposure_cap_eth",
        "trellis_operator_set_exposure_eth",
        "trellis_operator_set_exposure_cap_eth",
        "trellis_seconds_since_last_sync",
        "trellis_keeper_actions_total",
        "trellis_rpc_request_duration_seconds_bucket",
      ]) {
        expect(metrics!.has(name), name).toBe(true);
      }
      expect(metrics!.get("trellis_rate_eth_per_treth")![0]!.value).toBeGreaterThan(0.9);
      // The keeper finalized the request: an action by kind and status.
      expect(metrics!.get("trellis_keeper_actions_total")!.some((a) => /kind="finalize",status="confirmed"/.test(a.labels))).toBe(true);
      // Both endpoints were tried: the dead one failed, the live one answered.
      const latency = metrics!.get("trellis_rpc_request_duration_seconds_count")!;
      expect(latency.some((l) => l.labels.includes(`endpoint="${devnet.rpcUrl}"`) && l.value > 0)).toBe(true);
      expect(metrics!.get("trellis_rpc_errors_total")!.some((l) => l.labels.includes(`endpoint="${dead}"`) && l.value > 0)).toBe(true);
      expect(stderr).toContain(`RPC endpoint ${dead} is down`);
      expect(stderr).toContain(`key=file ${keyFile} (TRELLIS_KEEPER_KEY_FILE)`);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("reads redemption requests from the queue's head: settled ones below it are not read again", async () => {
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    const sim = createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    const { vault, withdrawalQueue } = devnet.deployment.trellis;
    /** The request ids one read of the lists and items asks the queue for. */
    const requestedIds = async () => {
      const blockNumber = await publicClient.getBlockNumber();
      const ids: bigint[] = [];
      const ctx: ReadContext = {
        deployment: devnet.deployment,
        send: (calls: readonly ContractRead[]) => {
          for (const c of calls) if (c.functionName === "getRequest") ids.push(c.args![0] as bigint);
          return readCalls(publicClient, calls, { blockNumber, multicall: false });
        },
      };
      const lists = await readLists(ctx);
      const items = await readItems(ctx, lists);
      return { ids, head: lists.queue.firstPendingRequestId, pending: items.requests.map((r) => r.id) };
    };
    const settled = (await requestedIds()).pending;
    const next1 = await sim.requestRedeem(user, parseEther("1"), "stETH");
    const next2 = await sim.requestRedeem(user, parseEther("1"), "stETH");
    const next3 = await sim.requestRedeem(user, parseEther("1"), "stETH");
    const before = await requestedIds();
    expect(before.pending).toEqual([...settled, next1, next2, next3]);
    // The keeper refreshes after maturity and finalizes every open request but the last.
    const keeper = devnetAccount(DEVNET_KEY_INDEX.keeper);
    const exit = (await publicClient.readContract({ address: withdrawalQueue, abi: withdrawalQueueAbi as Abi, functionName: "exitParams" })) as { minRedeemDelay: number };
    await sim.advance(Number(exit.minRedeemDelay) + 1);
    await sim.tx(keeper, vault, vaultAbi as Abi, "refresh", [maxUint256]);
    await sim.tx(keeper, withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [[...settled, next1, next2]]);
    const after = await requestedIds();
    expect(after.head).toBe(next3);
    expect(after.ids).toEqual([next3]);
    expect(after.pending).toEqual([next3]);
  });

  it("refuses endpoints that serve another chain", async () => {
    const other = await startAnvil({ chainId: 4242 });
    try {
      await expect(checkEndpoints({ urls: [devnet.rpcUrl, other.rpcUrl], chainId: devnet.deployment.chainId })).rejects.toThrow(
        `RPC endpoints disagree on the chain: ${other.rpcUrl} is chain 4242; the deployment is chain 31337`,
      );
      const ok = await checkEndpoints({ urls: [devnet.rpcUrl], chainId: devnet.deployment.chainId });
      expect(ok.warnings).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
