// `trellis app`'s config and file server: devnet keys only on a devnet; files, config and SPA fallback served.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devnetAccount } from "../devnet/accounts.js";
import { parseDeployment } from "../devnet/deployment.js";
import { makeAppConfig, startAppServer, type AppServer } from "./app.js";

const deployment = parseDeployment(JSON.stringify(sampleDeployment()));

function sampleDeployment() {
  const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
  return {
    network: "devnet",
    chainId: 31337,
    trellis: { accessManager: a(1), trETH: a(2), vault: a(3), assetRegistry: a(4), riskRegistry: a(5), withdrawalQueue: a(6), rateFeed: a(7), delegatorBeacon: a(8), timelock: a(9), safe: a(10), multiSend: a(11) },
    eigenlayer: { strategyManager: a(12), delegationManager: a(13), allocationManager: a(14), rewardsCoordinator: a(15), permissionController: a(16) },
    assets: [{ symbol: "stETH", token: a(17), strategy: a(18), adapter: a(19) }],
    operators: [],
    avss: [],
    actors: { deployer: a(20), keeper: a(21), guardian: a(22), treasury: a(23), safeOwners: [] },
    tokens: { osTokenVaultController: a(24) },
  };
}

describe("trellis app", () => {
  it("offers the public devnet keys on a devnet only", () => {
    const devnet = makeAppConfig({ network: { name: "devnet", chainId: 31337, rpcUrl: "http://127.0.0.1:8545", devnet: true }, deployment });
    expect(devnet.devnetKeys.map((k) => k.index)).toEqual([8, 9]);
    expect(devnet.devnetKeys[0]!.address).toBe(devnetAccount(8).address);
    const mainnet = makeAppConfig({ network: { name: "mainnet", chainId: 1, rpcUrl: "https://rpc.example", devnet: false }, deployment });
    expect(mainnet.devnetKeys).toEqual([]);
    expect(JSON.stringify(mainnet)).not.toMatch(/privateKey/);
  });

  let server: AppServer | undefined;
  afterAll(() => server?.close());

  it("serves the built files, the config, and index.html for any other path, never a file outside the folder", async () => {
    const dist = mkdtempSync(join(tmpdir(), "trellis-app-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><p>app</p>");
    writeFileSync(join(dist, "main.js"), "console.log(1)");
    const config = makeAppConfig({ network: { name: "devnet", chainId: 31337, rpcUrl: "http://127.0.0.1:8545", devnet: true }, deployment });
    server = await startAppServer({ config, distDir: dist });
    const get = (path: string) => fetch(new URL(path, server!.url));
    expect(await (await get("config.json")).json()).toEqual(config);
    const js = await get("main.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(await js.text()).toBe("console.log(1)");
    expect(await (await get("deposit")).text()).toContain("<p>app</p>");
    expect(await (await get("/..%2f..%2fetc%2fpasswd")).text()).toContain("<p>app</p>");
  });

  it("refuses to start without a built app", async () => {
    const empty = mkdtempSync(join(tmpdir(), "trellis-app-"));
    const config = makeAppConfig({ network: { name: "devnet", chainId: 31337, rpcUrl: "http://127.0.0.1:8545", devnet: true }, deployment });
    await expect(startAppServer({ config, distDir: empty })).rejects.toThrow(/npm run build/);
  });
});
