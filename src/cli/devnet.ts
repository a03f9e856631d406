// `trellis devnet`: anvil + the whole devnet deployed and seeded, addresses and every role's key printed,
// running until Ctrl-C. Refuses a port something already listens on (it would deploy onto that chain and
// overwrite the deployment file its users rely on).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { parseEther, zeroAddress } from "viem";
import { createChainClients } from "../chain/clients.js";
import { ConfigError, loadNetwork } from "../chain/config.js";
import { startAnvil } from "../devnet/anvil.js";
import { devnetAccount, devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { deployDevnet } from "../devnet/deploy.js";
import type { Deployment } from "../devnet/deployment.js";
import { createSim } from "../demo/sim.js";
import { withProgress } from "../demo/progress.js";
import { bigintJson, type GlobalOptions } from "./context.js";

/** Resolves when nothing listens on 127.0.0.1:`port`; throws a ConfigError naming the port otherwise. */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) =>
      fail(
        e.code === "EADDRINUSE"
          ? new ConfigError(`port ${port} is in use (another \`trellis devnet\`?): stop it or pick another with --port N; nothing was deployed`)
          : e,
      ),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => ok()));
  });
}

export type DevnetKey = { role: string; index: number; address: string; privateKey: string };

/** Every devnet role with its public key (anvil's mnemonic): the deployment names who holds which index. */
export function devnetKeys(deployment: Deployment): DevnetKey[] {
  const key = (role: string, index: number): DevnetKey => ({ role, index, address: devnetAccount(index).address, privateKey: devnetPrivateKey(index) });
  return [
    key("deployer (devnet LSTs, rewards updater)", DEVNET_KEY_INDEX.deployer),
    key("keeper (TRELLIS_KEEPER_KEY)", DEVNET_KEY_INDEX.keeper),
    key("guardian", DEVNET_KEY_INDEX.guardian),
    key("treasury", DEVNET_KEY_INDEX.treasury),
    ...DEVNET_KEY_INDEX.safeOwners.map((i, k) => key(`Safe owner ${k + 1} (TRELLIS_SIGNER_KEY)`, i)),
    ...DEVNET_KEY_INDEX.users.map((i, k) => key(`user ${k + 1} (TRELLIS_USER_KEY)`, i)),
    ...deployment.operators.flatMap((o, k) => (o.keyIndex === undefined ? [] : [key(`operator ${k + 1}`, o.keyIndex)])),
    ...deployment.avss.flatMap((a, k) => (a.keyIndex === undefined ? [] : [key(`AVS ${k + 1}`, a.keyIndex)])),
  ];
}

export async function devnetCommand(opts: GlobalOptions & { port?: number | undefined; seed: boolean }): Promise<void> {
  const network = loadNetwork({ network: opts.network, deploymentFile: opts.deployment });
  if (!network.devnet) throw new ConfigError(`network ${network.name} is not a devnet`);
  const port = opts.port ?? Number(new URL(network.rpcUrl).port || 8545);
  await assertPortFree(port);
  const anvil = await startAnvil({ port });
  process.stderr.write(`anvil listening on ${anvil.rpcUrl}\n`);
  try {
    mkdirSync(dirname(network.deploymentPath), { recursive: true });
    const deployment = await withProgress("deploying (forge script, ~35 s)", deployDevnet({ rpcUrl: anvil.rpcUrl, outFile: network.deploymentPath }));
    // The CLI's devnet commands follow the recorded URL, so `status` works whatever --port was.
    const written = JSON.parse(readFileSync(network.deploymentPath, "utf8")) as Record<string, unknown>;
    writeFileSync(network.deploymentPath, JSON.stringify({ ...written, rpcUrl: anvil.rpcUrl }, null, 2) + "\n");
    if (opts.seed) {
      const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 20 });
      await withProgress("seeding outside stake", createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment }).seedOutsideStake(parseEther("100")));
    }
    const keys = devnetKeys(deployment);
    if (opts.json) process.stdout.write(bigintJson({ rpcUrl: anvil.rpcUrl, deploymentFile: network.deploymentPath, deployment, keys }) + "\n");
    else {
      const lines = [
        `devnet running at ${anvil.rpcUrl} (chain ${deployment.chainId}); deployment written to ${network.deploymentPath}`,
        ...Object.entries(deployment.trellis).map(([k, v]) => `  ${k.padEnd(20)} ${v}`),
        ...Object.entries(deployment.eigenlayer).map(([k, v]) => `  ${k.padEnd(20)} ${v}`),
        // A wrapper (wstETH) has no strategy of its own: its entry unwraps it and Trellis holds the underlying.
        ...deployment.assets.map((a) => `  ${a.symbol.padEnd(20)} token ${a.token}  entry ${a.entry}  ${a.strategy === zeroAddress ? "(held as its underlying)" : `strategy ${a.strategy}`}`),
        "",
        "keys (anvil's public mnemonic: DEVNET ONLY, anyone can spend from them):",
        ...keys.map((k) => `  ${String(k.index).padStart(2)} ${k.role.padEnd(40)} ${k.address}  ${k.privateKey}`),
        "",
        `try: trellis status | trellis deposit stETH 10 --mint | trellis keeper --once | trellis devnet advance --blocks 120 (24 min: past the redemption wait and EigenLayer's 100-block delay)`,
        "web app: trellis app   (then open http://127.0.0.1:5173/)",
        "Ctrl-C to stop.",
      ];
      process.stdout.write(lines.join("\n") + "\n");
    }
    await new Promise<void>((ok) => {
      process.once("SIGINT", ok);
      process.once("SIGTERM", ok);
    });
  } finally {
    await anvil.stop();
    process.stderr.write("devnet stopped\n");
  }
}
