// The web app: `app.bundle.kb` (gzipped size of everything in app/dist) and `app.firstRender.ms` (median
// time from navigation to the protocol page showing the devnet's operators, in headless Chromium against
// a freshly deployed devnet). Needs `npm run build` (npm run bench does it) and a Chromium.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseEther } from "viem";
import { createChainClients } from "../src/chain/clients.js";
import { createSim } from "../src/demo/sim.js";
import { appDistDir, makeAppConfig, startAppServer } from "../src/cli/app.js";
import { startAnvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import { findChromium, launchChromium, NO_CHROMIUM } from "../test/helpers/browser.js";

const emit = (name: string, value: number, unit: string) => console.log(JSON.stringify({ name, value, unit }));
const RUNS = 5;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const gzipped = files(appDistDir).reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
emit("app.bundle.kb", Math.round(gzipped / 102.4) / 10, "kB");

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.error(`app.firstRender.ms: ${NO_CHROMIUM}`);
  process.exit(0);
}
const anvil = await startAnvil();
try {
  const deployment = await deployDevnet({ rpcUrl: anvil.rpcUrl });
  // As `trellis devnet` does: outside stake in every operator set (and an stETH supply to price).
  const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 20 });
  await createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment }).seedOutsideStake(parseEther("100"));
  const network = { name: "devnet", chainId: deployment.chainId, rpcUrl: anvil.rpcUrl, devnet: true };
  const server = await startAppServer({ config: makeAppConfig({ network, deployment }) });
  const browser = await launchChromium(chromiumPath);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } }); // a cold cache each run
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${server.url}#/protocol`);
    await page.locator('[data-testid="operator-row"]').first().waitFor({ timeout: 60_000 });
    times.push(performance.now() - started);
    await context.close();
  }
  await browser.close();
  await server.close();
  times.sort((a, b) => a - b);
  console.error(`app.firstRender.ms runs: ${times.map((t) => t.toFixed(0)).join(", ")}`);
  emit("app.firstRender.ms", Math.round(times[Math.floor(RUNS / 2)]!), "ms");
} finally {
  await anvil.stop();
}
