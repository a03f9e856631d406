// The depositor's CLI on a real devnet: bad input refused in one line before any RPC, a busy port refused,
// exact approvals, --mint only after a successful simulation, position, preview, apr, devnet advance,
// human units, --wei and --version.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { erc20Abi, getAbiItem, parseEther, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vaultAbi } from "../../src/abi/generated/index.js";
import { createChainClients } from "../../src/chain/clients.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import { createSim } from "../../src/demo/sim.js";
import { useDevnet } from "../helpers/devnet.js";

const run = promisify(execFile);
const devnet = useDevnet();
const dir = join(projectRoot, "deployments", `cli-depositor-test-${process.pid}`);
const deploymentFile = join(dir, "deployment.json");
const user = devnetAccount(DEVNET_KEY_INDEX.users[0]).address;

type Result = { stdout: string; stderr: string; code: number };

async function exec(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(projectRoot, "bin", "trellis.js"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, TRELLIS_KEEPER_KEY: "", TRELLIS_USER_KEY: "", TRELLIS_RPC_URL: "", TRELLIS_NETWORK: "devnet", ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
const trellis = (...args: string[]) => exec(["--rpc-url", devnet.rpcUrl, "--deployment", deploymentFile, ...args]);

const clients = () => createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 }).publicClient;
const token = (symbol: string) => devnet.deployment.assets.find((a) => a.symbol === symbol)!.token;
const balanceOf = (t: Address, who: Address) => clients().readContract({ address: t, abi: erc20Abi, functionName: "balanceOf", args: [who] });

// Each command is a fresh Node process (1.5-3 s, far more on a loaded machine): generous per-test timeouts.
describe("trellis CLI for depositors", { timeout: 360_000 }, () => {
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(devnet.deployment));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses each bad input with one line and exit 1, before any RPC (no retries)", async () => {
    const cases: [string[], RegExp][] = [
      [["deposit", "stETH", "1", "--receiver", "notanaddress"], /--receiver: "notanaddress" is not an address/],
      [["deposit", "stETH", "1.1234567890123456789"], /has 19 decimals; stETH has 18/],
      [["deposit", "stETH", "abc"], /amount: "abc" is not a non-negative decimal amount/],
      [["deposit", "stETH", "0"], /amount: must be more than 0/],
      [["deposit", "DOGE", "1"], /unknown asset "DOGE"/],
      [["withdraw", "cancel", "1.5"], /requestId: "1.5" is not a non-negative integer/],
      [["withdraw", "cancel", "--", "-1"], /requestId: "-1" is not a non-negative integer/],
      [["withdraw", "request", "1", "--asset", "stETH", "--controller", "0x123"], /--controller: "0x123" is not an address/],
      [["withdraw", "request", "abc", "--asset", "stETH"], /trETH: "abc" is not a non-negative decimal amount/],
      [["withdraw", "request", "1.1234567890123456789", "--asset", "stETH"], /has 19 decimals; trETH has 18/],
      [["withdraw", "instant", "0.1", "--asset", "stETH", "--max-fee", "abc"], /--max-fee: "abc" is not a non-negative integer/],
      [["withdraw", "list", "notanaddress"], /address: "notanaddress" is not an address/],
      [["withdraw", "claim", "--receiver", "0x12"], /--receiver: "0x12" is not an address/],
      [["demo", "--weeks=abc"], /--weeks: "abc" is not a non-negative integer/],
      [["devnet", "advance", "--days", "-2"], /error:/],
      [["apr", "--days", "7,x"], /--days: "x" is not a non-negative integer/],
      [["keeper", "--poll", "soon"], /--poll: "soon" is not a positive number of seconds/],
    ];
    const results = [];
    for (let i = 0; i < cases.length; i += 3) results.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => trellis(...args)))));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(" ")).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines, args.join(" ")).toHaveLength(1);
      expect(lines[0], args.join(" ")).toMatch(/^error: /);
      expect(lines[0], args.join(" ")).toMatch(message);
      expect(r.stderr).not.toMatch(/retrying/);
    }
  });

  it("withdraw cancel of an unknown request says so and exits 1", async () => {
    const r = await trellis("withdraw", "cancel", "999");
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("error: requestId: no request #999 (no requests yet)");
  });

  it("`devnet` refuses a port in use and leaves the deployment file alone", async () => {
    const before = readFileSync(deploymentFile, "utf8");
    const r = await exec(["--deployment", deploymentFile, "devnet", "--port", String(devnet.anvil.port)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${devnet.anvil.port} is in use`);
    expect(r.stderr).toContain("nothing was deployed");
    expect(readFileSync(deploymentFile, "utf8")).toBe(before);
  });

  it("--mint mints nothing when the deposit's simulation fails, and names the revert in units", async () => {
    const stEth = token("stETH");
    const before = await balanceOf(stEth, user);
    const r = await trellis("deposit", "stETH", "1000000000", "--mint");
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("error: DepositCapExceeded: cap 100,000 stETH, would reach 1,000,000,000 stETH (deposit refused in simulation; nothing sent)");
    expect(await balanceOf(stEth, user)).toBe(before);
  });

  it("approves exactly the deposited amount, says so, and prints every transaction's hash", async () => {
    const r = await trellis("deposit", "stETH", "3.25", "--mint");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("approval: exactly 3.25 stETH to the stETH entry (approve; the stETH entry takes no EIP-2612 permit)");
    const hashes = [...r.stderr.matchAll(/^tx (0x[0-9a-f]{64}) /gm)].map((m) => m[1] as `0x${string}`);
    expect(hashes).toHaveLength(3); // mint, approve, deposit
    const client = clients();
    const approve = await client.getTransactionReceipt({ hash: hashes[1]! });
    const approvals = approve.logs.filter((l) => l.address.toLowerCase() === token("stETH").toLowerCase());
    expect(BigInt(approvals[0]!.data)).toBe(parseEther("3.25"));
    // The deposit spent the whole approval: nothing is left standing.
    expect(await client.readContract({ address: token("stETH"), abi: erc20Abi, functionName: "allowance", args: [user, devnet.deployment.trellis.vault] })).toBe(0n);
    expect(r.stdout).toMatch(/^deposited 3\.25 stETH: 3\.25 trETH minted to 0x[0-9a-fA-F]{40} \(preview 3\.25 trETH, minimum 3\.2337 trETH; tx 0x[0-9a-f]{64}\)/);
  });

  it("wstETH --mint wraps enough and deposits", async () => {
    const r = await trellis("--json", "deposit", "wstETH", "2", "--mint");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(BigInt(out.shares)).toBeGreaterThanOrEqual(parseEther("2")); // wstETH is worth at least 1 stETH
    expect(BigInt(out.shares)).toBeGreaterThanOrEqual(BigInt(out.minShares));
    expect(BigInt(out.minShares)).toBeGreaterThan(0n);
  });

  it("previews a deposit from the vault's own preview, in units and in wei", async () => {
    const shares = await clients().readContract({ address: devnet.deployment.trellis.vault, abi: vaultAbi, functionName: "previewDeposit", args: [token("rETH"), parseEther("2.5")] });
    const r = await trellis("preview", "deposit", "rETH", "2.5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`depositing 2.5 rETH mints 2.75 trETH`);
    const raw = await trellis("--wei", "--json", "preview", "deposit", "rETH", String(parseEther("2.5")));
    expect(BigInt(JSON.parse(raw.stdout).shares)).toBe(shares);
  });

  it("shows a position: trETH, its ETH value, share of TVL and open requests", async () => {
    const req = await trellis("withdraw", "request", "1", "--asset", "stETH");
    expect(req.code, req.stderr).toBe(0);
    const r = await trellis("position");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`position of ${user}`);
    expect(r.stdout).toMatch(/ trETH {2}worth [\d.,]+ ETH at [\d.]+ ETH\/trETH/);
    expect(r.stdout).toMatch(/#1: 1 trETH for stETH, requested .* UTC; pending, payable from .* UTC; about 1 stETH/);
    const other = await trellis("--json", "position", devnetAccount(DEVNET_KEY_INDEX.users[1]).address);
    expect(JSON.parse(other.stdout).shares).toBe("0");
    const more = await trellis("withdraw", "request", "1000", "--asset", "stETH");
    expect(more.code).toBe(1);
    expect(more.stderr).toMatch(/^error: trETH: 1,000 trETH is more than the [\d.,]+ trETH 0x[0-9a-fA-F]{40} holds\n$/);
  });

  it("devnet advance moves time and blocks", async () => {
    const client = clients();
    const b0 = await client.getBlock();
    const days = await trellis("--json", "devnet", "advance", "--days", "2");
    expect(days.code, days.stderr).toBe(0);
    const b1 = await client.getBlock();
    expect(b1.timestamp - b0.timestamp).toBeGreaterThanOrEqual(2n * 86_400n);
    const blocks = await trellis("devnet", "advance", "--blocks", "5");
    expect(blocks.stdout).toMatch(/^devnet advanced 5 block\(s\) and 1 min/);
    expect((await client.getBlock()).number - b1.number).toBe(5n);
    expect((await trellis("devnet", "advance", "--days", "1", "--blocks", "2")).stderr).toContain("exactly one of --days N or --blocks N");
  });

  it("realised APR from RateSynced history, with its parts", async () => {
    const client = clients();
    const sim = createSim({ publicClient: client, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    for (let day = 0; day < 3; day++) {
      await sim.accrueYield(2n); // 0.02% a day, ~7.3% a year, under the APR cap
      await sim.advance(86_400);
      expect((await trellis("keeper", "--once", "--no-rebalance", "--rewards-dir", join(dir, "none"))).code).toBe(0);
    }
    const syncs = await client.getLogs({ address: devnet.deployment.trellis.vault, event: getAbiItem({ abi: vaultAbi, name: "RateSynced" }), fromBlock: 0n });
    expect(syncs.length).toBeGreaterThanOrEqual(2);
    const r = await trellis("--json", "apr");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { windows: { days: number; apr: number; parts: Record<string, number>; toRate: string }[] };
    const week = out.windows.find((w) => w.days === 7)!;
    expect(week.apr).toBeGreaterThan(0.01);
    expect(week.apr).toBeLessThan(0.5);
    expect(week.parts.lstYieldAndOther).toBeGreaterThan(0);
    expect(week.parts.fees).toBeLessThanOrEqual(0);
    const text = await trellis("apr");
    expect(text.stdout).toMatch(/realised APR over 7 d \(history covers only .*\): \d+\.\d\d%/);
    expect(text.stdout).toContain("parts: LST yield and other gains");
  });

  it("status works against the URL `trellis devnet` recorded, --version prints the package version", async () => {
    writeFileSync(deploymentFile, JSON.stringify({ ...devnet.deployment, rpcUrl: devnet.rpcUrl }));
    const r = await exec(["--deployment", deploymentFile, "status"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/TVL [\d.,]+ ETH {2}rate [\d.]+ ETH\/trETH/);
    const v = await exec(["--version"]);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version);
  });
});
