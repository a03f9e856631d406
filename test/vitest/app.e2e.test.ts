// The web app end to end in a real headless Chromium against a devnet: a depositor stakes ETH for stETH,
// deposits it through the stETH entry, sees the position, takes the instant lane, requests a withdrawal and
// cancels another; the test advances the devnet's time and runs the keeper (its real cycles, src/keeper), which
// finalizes the request; the depositor claims. The protocol page shows every operator and AVS (stake placed by
// the keeper's rebalance); a revert shows by its name; a dead RPC shows a banner. Screenshots of each page at
// 1280 px and 390 px go to reports/app-screenshots/.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { createTestClient, createWalletClient, encodeFunctionData, http, parseEther, zeroHash } from "viem";
import { riskRegistryAbi, withdrawalQueueAbi } from "../../src/abi/generated/index.js";
import { timelockControllerAbi } from "../../src/governance/abi.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClients } from "../../src/chain/clients.js";
import { silentLogger } from "../../src/chain/log.js";
import { runKeeperCycle, type CycleReport } from "../../src/keeper/keeper.js";
import { avsNames } from "../../src/chain/status.js";
import { advanceDevnet } from "../../src/cli/advance.js";
import { appDistDir, makeAppConfig, startAppServer, type AppServer } from "../../src/cli/app.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import { createSim } from "../../src/demo/sim.js";
import { loadAvsDataFile } from "../../src/strategy/index.js";
import { findChromium, launchChromium, NO_CHROMIUM } from "../helpers/browser.js";
import { useDevnet } from "../helpers/devnet.js";

export const SCREENSHOT_DIR = join(projectRoot, "reports", "app-screenshots");
const chromiumPath = findChromium();
const built = existsSync(join(appDistDir, "index.html"));
if (!chromiumPath) console.warn(`app.e2e: ${NO_CHROMIUM}`);
if (!built) console.warn("app.e2e: app/dist is missing (run npm run build); skipped");

const avsDataFile = join(projectRoot, "config", "avs-data", "devnet.json");
const WIDTHS = { desktop: 1280, phone: 390 } as const;
// The engine without its tail-risk, uncertainty, worst-case and glide terms, as in keeper.test.ts (the devnet's
// operator sets sit below their robustness bounds): one plan moves what it wants, the next has nothing to do.
const DEVNET_ENGINE = { cvarWeight: 0, uncertaintyMultiple: 0, worstCaseAllocations: false, glideBps: 0, turnoverBps: 10_000 };

describe.skipIf(!chromiumPath || !built)("web app in headless Chromium", () => {
  const devnet = useDevnet();
  let browser: Browser;
  let server: AppServer;
  let names: Map<string, string>;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    names = avsNames(await loadAvsDataFile(avsDataFile));
    // As `trellis devnet` does: outside stake in every operator set (and a stETH supply, so stETH has a price).
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    await createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment }).seedOutsideStake(parseEther("100"));
    const network = { name: "devnet", chainId: devnet.deployment.chainId, rpcUrl: devnet.rpcUrl, devnet: true };
    server = await startAppServer({ config: makeAppConfig({ network, deployment: devnet.deployment, avsNames: names }) });
    browser = await launchChromium(chromiumPath!);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(route: string, width: number = WIDTHS.desktop): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${server.url}#/${route}`);
    return page;
  }

  /** Screenshots at both widths; at each, nothing may stick out sideways (the page never scrolls horizontally). */
  async function shoot(page: Page, name: string) {
    for (const [label, width] of Object.entries(WIDTHS)) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      const wider = () =>
        page.evaluate(() => {
          const w = document.documentElement.clientWidth;
          return [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > w + 0.5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5);
        });
      await expect.poll(wider, { message: `${name} at ${width} px: elements wider than the screen` }).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: WIDTHS.desktop, height: 900 });
  }

  async function chooseDevnetUser(page: Page) {
    expect(await page.textContent('[data-testid="account-picker"]')).toMatch(/Devnet test keys \(public, devnet only\)/i);
    await page.selectOption('[data-testid="devnet-account"]', `devnet-${DEVNET_KEY_INDEX.users[0]}`);
    await expect.poll(() => page.textContent('[data-testid="connected-address"]')).toMatch(/^0x/);
  }

  /** Waits for the last transaction status line to read confirmed or failed; returns its text. */
  async function txResult(page: Page, scope: string): Promise<string> {
    const status = page.locator(`${scope} [data-testid="tx-status"]`);
    await status.filter({ hasText: /confirmed|failed/ }).waitFor({ timeout: 60_000 });
    return (await status.textContent()) ?? "";
  }

  /**
   * The keeper, as `trellis keeper --once` runs it, cycle after cycle until one sends nothing: refreshes the
   * holdings, syncs, completes EigenLayer withdrawals, finalizes matured requests, rebalances with the engine.
   */
  async function runKeeper(): Promise<CycleReport[]> {
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    const reports: CycleReport[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await runKeeperCycle({
        publicClient,
        account: devnetAccount(DEVNET_KEY_INDEX.keeper) as never,
        deployment: devnet.deployment,
        log: silentLogger,
        gasPriceCap: parseEther("0.000001"),
        avsDataFile,
        rebalance: true,
        engineParams: DEVNET_ENGINE,
      });
      for (const a of r.actions) expect(a.status, `keeper ${a.kind}: ${a.error ?? ""}`).not.toMatch(/rejected|reverted/);
      reports.push(r);
      if (!r.actions.some((a) => a.status === "confirmed")) return reports;
    }
    throw new Error("the keeper did not settle in 6 cycles");
  }
  const actionsOf = (reports: CycleReport[]) => reports.flatMap((r) => r.actions.map((a) => a.kind));

  const client = () => createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 }).publicClient;

  it("a depositor deposits stETH through its entry, takes the instant lane, requests, cancels; time passes, the keeper runs, and the depositor claims", async () => {
    await runKeeper(); // a fresh refresh of the holdings: deposits need one
    const page = await open("deposit");
    await chooseDevnetUser(page);
    const form = '[data-testid="deposit-page"]';
    await page.getByText("stake 10 ETH for devnet stETH").click();
    expect(await txResult(page, form)).toContain("confirmed");
    await expect.poll(() => page.textContent('[data-testid="balance-stETH"]')).toMatch(/10(\.0+)?\b|9\.9999/);

    await page.selectOption('[data-testid="deposit-asset"]', "stETH");
    await page.fill('[data-testid="deposit-amount"]', "5");
    await expect.poll(() => page.textContent('[data-testid="deposit-preview"]')).toMatch(/You receive about [\d.,]+ trETH/);
    await page.click('[data-testid="approve"]');
    expect(await txResult(page, form)).toContain("Approve 5 stETH: confirmed");
    await page.locator('[data-testid="deposit"]:not([disabled])').click();
    expect(await txResult(page, form)).toContain("Deposit 5 stETH: confirmed");
    await expect.poll(() => page.textContent('[data-testid="balance-trETH"]')).not.toMatch(/trETH\s*0$/);
    await shoot(page, "deposit");

    await page.click('[data-testid="nav-position"]');
    await expect.poll(() => page.textContent('[data-testid="position-shares"]')).toMatch(/trETH\s*[1-9]/);
    await expect.poll(() => page.textContent('[data-testid="position-value"]')).toMatch(/Worth\s*[1-9][\d.,]* ETH/);
    const exits = '[data-testid="withdraw-form"]';
    // wstETH's entry takes deposits only: it is not offered for withdrawals.
    expect(await page.locator('[data-testid="withdraw-asset"] option').allTextContents()).not.toContain("wstETH");
    await page.selectOption('[data-testid="withdraw-asset"]', "stETH");

    // The instant lane: the quote (assets and fee) shows before anything is signed.
    await page.click('[data-testid="lane-instant"]');
    await page.fill('[data-testid="withdraw-amount"]', "0.01");
    await expect.poll(() => page.textContent('[data-testid="instant-quote"]')).toMatch(/You receive 0\.\d+ stETH now; fee 0\.\d+ ETH/);
    await shoot(page, "position-instant-quote");
    await page.locator('[data-testid="instant-exit"]:not([disabled])').click();
    expect(await txResult(page, exits)).toContain("Withdraw 0.01 trETH instantly in stETH: confirmed");

    // A request: its value now and the date it can be paid, no approval.
    await page.click('[data-testid="lane-request"]');
    await runKeeper();
    const publicClient = client();
    const params = await publicClient.readContract({ address: devnet.deployment.trellis.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "exitParams" });
    await page.fill('[data-testid="withdraw-amount"]', "0.1");
    await expect.poll(() => page.textContent('[data-testid="withdraw-preview"]')).toMatch(/Worth 0\.\d+ ETH now, paid in stETH .*payable from \d+ \w+ \d{4}/);
    await page.locator('[data-testid="request-exit"]:not([disabled])').click();
    expect(await txResult(page, exits)).toContain("Request 0.1 trETH in stETH: confirmed");
    await expect.poll(() => page.getAttribute('[data-testid="request-row"]', "data-state")).toBe("waiting");

    // A second request, cancelled: the escrowed trETH comes back.
    await page.fill('[data-testid="withdraw-amount"]', "0.05");
    await page.locator('[data-testid="request-exit"]:not([disabled])').click();
    expect(await txResult(page, exits)).toContain("Request 0.05 trETH in stETH: confirmed");
    await expect.poll(() => page.locator('[data-testid="request-row"]').count()).toBe(2);
    const sharesBefore = await page.textContent('[data-testid="position-shares"]');
    await page.locator('[data-testid="request-row"][data-state="waiting"] [data-testid="cancel"]').first().click();
    expect(await txResult(page, '[data-testid="requests"]')).toMatch(/Cancel #\d+: confirmed/);
    await expect.poll(() => page.locator('[data-testid="request-row"][data-state="cancelled"]').count()).toBe(1);
    await expect.poll(() => page.textContent('[data-testid="position-shares"]')).not.toBe(sharesBefore);
    await shoot(page, "position-waiting");

    // The minimum delay (and EigenLayer's, 100 blocks) passes on the devnet, as `trellis devnet advance` moves
    // it; the keeper's cycles then refresh the holdings and finalize the matured request.
    const blocks = Math.max(101, Math.ceil((Number(params.minRedeemDelay) + 60) / 12));
    await advanceDevnet({ publicClient }, { blocks });
    const kept = await runKeeper();
    expect(actionsOf(kept)).toContain("finalize");
    await expect.poll(() => page.locator('[data-testid="request-row"][data-state="claimable"]').count(), { timeout: 15_000 }).toBe(1);
    await shoot(page, "position-claimable");
    expect(await page.textContent('[data-testid="requests"]')).toMatch(/Ready to claim: 0\.\d+ stETH/);
    await page.click('[data-testid="claim"]');
    expect(await txResult(page, '[data-testid="requests"]')).toContain("Claim stETH: confirmed");
    await expect.poll(() => page.locator('[data-testid="request-row"][data-state="claimed"]').count()).toBe(1);
    await shoot(page, "position-claimed");
    await page.close();
  });

  /** The Safe (the timelock's proposer) schedules a loosening of the operator cap; returns the call's ETA. */
  async function scheduleOperatorCap(bps: number): Promise<bigint> {
    const { safe, timelock, riskRegistry } = devnet.deployment.trellis;
    const test = createTestClient({ mode: "anvil", transport: http(devnet.rpcUrl) });
    await test.impersonateAccount({ address: safe });
    await test.setBalance({ address: safe, value: parseEther("1") });
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    const delay = await publicClient.readContract({ address: timelock, abi: timelockControllerAbi, functionName: "getMinDelay" });
    const data = encodeFunctionData({ abi: riskRegistryAbi, functionName: "setOperatorCap", args: [bps] });
    const wallet = createWalletClient({ account: safe, transport: http(devnet.rpcUrl) });
    const hash = await wallet.writeContract({ chain: null, address: timelock, abi: timelockControllerAbi, functionName: "schedule", args: [riskRegistry, 0n, data, zeroHash, zeroHash, delay] });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    await test.stopImpersonatingAccount({ address: safe });
    const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
    return block.timestamp + delay;
  }

  it("the protocol page shows every operator and AVS of the devnet, with caps, limits and the timelock", async () => {
    // Stake to show: a deposit by the other devnet user, allocated to two operators with the keeper's key
    // (Vault.allocate, KEEPER), as the keeper's rebalance would.
    await runKeeper();
    const publicClient = client();
    const sim = createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment });
    const user = devnetAccount(DEVNET_KEY_INDEX.users[1]);
    await sim.mintLst("osETH", user, parseEther("8"));
    await sim.deposit(user, "osETH", parseEther("8"));
    expect(actionsOf(await runKeeper())).toContain("allocate"); // the keeper's rebalance places the new stake
    await advanceDevnet({ publicClient }, { days: 1 }); // a day of LST yield later the keeper syncs the rate: an APR to break down
    await sim.accrueYield(2n);
    expect(actionsOf(await runKeeper())).toContain("sync");
    const eta = await scheduleOperatorCap(3_000);
    const page = await open("protocol");
    await page.locator('[data-testid="operator-row"]').first().waitFor();
    expect(await page.locator('[data-testid="operator-row"]').count()).toBe(devnet.deployment.operators.length);
    expect(await page.locator('[data-testid="avs-row"]').count()).toBeGreaterThanOrEqual(devnet.deployment.avss.length);
    const avsText = (await page.textContent('[data-testid="avs"]')) ?? "";
    for (const a of devnet.deployment.avss) expect(avsText).toContain(names.get(a.address.toLowerCase()) ?? a.address.slice(0, 6));
    const sets = devnet.deployment.avss.reduce((n, a) => n + a.operatorSetIds.length, 0);
    expect(await page.locator('[data-testid="set-row"]').count()).toBeGreaterThanOrEqual(sets);
    await expect.poll(() => page.textContent('[data-testid="tvl"]')).toMatch(/TVL\s*[1-9][\d.,]* ETH/);
    expect(await page.textContent('[data-testid="limits"]')).toMatch(/Operator cap: \d/);
    const restaked = await page.locator('[data-testid="operator-row"] td:nth-child(2)').allTextContents();
    expect(restaked.some((t) => /[1-9]/.test(t))).toBe(true); // the keeper's allocation shows
    const op = page.locator('[data-testid="timelock-op"]');
    await op.first().waitFor();
    expect(await op.count()).toBe(1);
    const opText = (await op.textContent()) ?? "";
    expect(opText).toContain("riskRegistry.setOperatorCap(3000)");
    expect(opText).toContain(new Date(Number(eta) * 1000).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }));
    await page.locator('[data-testid="history"] figure').first().waitFor();
    await expect.poll(() => page.textContent('[data-testid="apr-breakdown"]')).toMatch(/LST yield and other \d+\.\d\d% \+ restaked AVS rewards \d+\.\d\d% − protocol fee \d+\.\d\d% = \d+\.\d\d% to holders/);
    // The fee is a share of the gains found, not all of them: what holders get is positive.
    const net = Number((await page.textContent('[data-testid="apr-breakdown"]'))!.match(/= (\d+\.\d\d)% to holders/)![1]);
    expect(net).toBeGreaterThan(0);
    const lstYield = Number((await page.textContent('[data-testid="apr-breakdown"]'))!.match(/LST yield and other (\d+\.\d\d)%/)![1]);
    expect(lstYield).toBeGreaterThan(0); // the accrued yield shows up
    const body = (await page.textContent("body")) ?? "";
    expect(body).not.toMatch(/\b\d{19,}\b/); // never raw wei
    await shoot(page, "protocol");
    await page.close();
  });

  it("a deposit the vault refuses shows the revert by its name, in words", async () => {
    await runKeeper();
    const page = await open("deposit");
    await chooseDevnetUser(page);
    await page.getByText("stake 10 ETH for devnet stETH").click();
    expect(await txResult(page, '[data-testid="deposit-page"]')).toContain("confirmed");
    await page.selectOption('[data-testid="deposit-asset"]', "stETH");
    await page.fill('[data-testid="deposit-amount"]', "0.0001");
    await expect.poll(() => page.textContent('[data-testid="deposit-preview"]')).toMatch(/You receive|would not take/);
    const approve = page.locator('[data-testid="approve"]');
    if (await approve.isEnabled()) {
      await approve.click();
      await txResult(page, '[data-testid="deposit-page"]');
    }
    await page.locator('[data-testid="deposit"]:not([disabled])').click();
    const text = await txResult(page, '[data-testid="deposit-page"]');
    expect(text).toContain("failed: DepositBelowMinimum: the amount is below the asset's minimum deposit");
    expect(text).toContain("(min deposit 0.001 stETH, amount 0.0001 stETH)");
    await shoot(page, "deposit-revert");
    await page.close();
  });

  it("off the devnet only a browser wallet (EIP-1193) is offered, and transactions go through it", async () => {
    // A minimal injected wallet: window.ethereum forwarding to the node, where anvil holds the key of
    // devnet account 9 unlocked (the app never sees it).
    const holder = devnetAccount(DEVNET_KEY_INDEX.users[1]);
    const wallet = holder.address;
    await runKeeper();
    const { publicClient } = createChainClients({ rpcUrl: devnet.rpcUrl, chainId: devnet.deployment.chainId, pollingIntervalMs: 20 });
    await createSim({ publicClient, rpcUrl: devnet.rpcUrl, deployment: devnet.deployment }).mintLst("rETH", holder, parseEther("2"));
    const network = { name: "fork", chainId: devnet.deployment.chainId, rpcUrl: devnet.rpcUrl, devnet: false };
    const fork = await startAppServer({ config: makeAppConfig({ network, deployment: devnet.deployment }) });
    const context = await browser.newContext({ viewport: { width: WIDTHS.phone, height: 900 } });
    try {
      await context.addInitScript(
        ({ rpcUrl, account }) => {
          let id = 0;
          const rpc = async (method: string, params: unknown) => {
            const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }) });
            const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
            if (body.error) throw Object.assign(new Error(body.error.message), body.error);
            return body.result;
          };
          (window as unknown as { ethereum: unknown }).ethereum = {
            isTestWallet: true,
            request: async ({ method, params }: { method: string; params?: unknown }) =>
              method === "eth_requestAccounts" || method === "eth_accounts" ? [account] : method === "wallet_switchEthereumChain" ? null : rpc(method, params),
            on() {},
            removeListener() {},
          };
        },
        { rpcUrl: devnet.rpcUrl, account: wallet },
      );
      const page = await context.newPage();
      await page.goto(`${fork.url}#/deposit`);
      await page.getByText("Connect browser wallet").waitFor();
      expect(await page.locator('[data-testid="devnet-account"]').count()).toBe(0);
      expect(await page.getByText("devnet stETH").count()).toBe(0);
      await page.getByText("Connect browser wallet").click();
      await expect.poll(() => page.getAttribute('[data-testid="connected-address"]', "title")).toBe(wallet);
      await page.selectOption('[data-testid="deposit-asset"]', "rETH");
      await page.fill('[data-testid="deposit-amount"]', "1");
      await page.click('[data-testid="approve"]');
      expect(await txResult(page, '[data-testid="deposit-page"]')).toContain("Approve 1 rETH: confirmed");
      await page.locator('[data-testid="deposit"]:not([disabled])').click();
      expect(await txResult(page, '[data-testid="deposit-page"]')).toContain("Deposit 1 rETH: confirmed");
      await expect.poll(() => page.textContent('[data-testid="balance-rETH"]')).toMatch(/rETH\s*1(\.0+)?$/);
      await shoot(page, "deposit-browser-wallet");
    } finally {
      await context.close();
      await fork.close();
    }
  });

  it("an RPC that does not answer shows an error banner, not a blank page", async () => {
    const network = { name: "devnet", chainId: devnet.deployment.chainId, rpcUrl: "http://127.0.0.1:9", devnet: true };
    const dead = await startAppServer({ config: makeAppConfig({ network, deployment: devnet.deployment }) });
    try {
      const page = await browser.newPage({ viewport: { width: WIDTHS.desktop, height: 900 } });
      await page.goto(`${dead.url}#/protocol`);
      await page.getByRole("alert").filter({ hasText: "is not answering" }).waitFor({ timeout: 30_000 });
      await shoot(page, "rpc-down");
      await page.close();
    } finally {
      await dead.close();
    }
  });
});
