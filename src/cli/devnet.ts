// `trellis devnet`: anvil + the whole devnet deployed and seeded, addresses printed, running until Ctrl-C.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseEther } from "viem";
import { createChainClients } from "../chain/clients.js";
import { loadNetwork } from "../chain/config.js";
import { startAnvil } from "../devnet/anvil.js";
import { deployDevnet } from "../devnet/deploy.js";
import { createSim } from "../demo/sim.js";
import { withProgress } from "../demo/progress.js";
import { bigintJson, type GlobalOptions } from "./context.js";

export async function devnetCommand(opts: GlobalOptions & { port?: string; seed: boolean }): Promise<void> {
  const network = loadNetwork({ network: opts.network, deploymentFile: opts.deployment });
  if (!network.devnet) throw new Error(`network ${network.name} is not a devnet`);
  const port = Number(opts.port ?? new URL(network.rpcUrl).port ?? 8545);
  const anvil = await startAnvil({ port });
  process.stderr.write(`anvil listening on ${anvil.rpcUrl}\n`);
  try {
    mkdirSync(dirname(network.deploymentPath), { recursive: true });
    const deployment = await withProgress("deploying (forge script, ~35 s)", deployDevnet({ rpcUrl: anvil.rpcUrl, outFile: network.deploymentPath }));
    if (opts.seed) {
      const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 20 });
      await withProgress("seeding outside stake", createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment }).seedOutsideStake(parseEther("100")));
    }
    if (opts.json) process.stdout.write(bigintJson({ rpcUrl: anvil.rpcUrl, deploymentFile: network.deploymentPath, deployment }) + "\n");
    else {
      const lines = [
        `devnet running at ${anvil.rpcUrl} (chain ${deployment.chainId}); deployment written to ${network.deploymentPath}`,
        ...Object.entries(deployment.trellis).map(([k, v]) => `  ${k.padEnd(16)} ${v}`),
        ...Object.entries(deployment.eigenlayer).map(([k, v]) => `  ${k.padEnd(20)} ${v}`),
        ...deployment.assets.map((a) => `  ${a.symbol.padEnd(8)} token ${a.token}  strategy ${a.strategy}`),
        `  ${deployment.operators.length} operators, ${deployment.avss.length} AVSs`,
        "keys: devnet mnemonic (public; devnet only): 0 deployer, 1 keeper, 8-9 users, 10+ operators, 30+ AVSs",
        "try: trellis status | trellis deposit stETH 10 --mint | trellis keeper --once",
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
