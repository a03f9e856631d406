#!/usr/bin/env node
// Runs script/DeployTrellis.s.sol against a real network (mainnet, hoodi, a fork, the real core on anvil).
//
//   node script/deploy-trellis.mjs --network hoodi --dry-run      simulate: what it would create, who holds which role
//   node script/deploy-trellis.mjs --network hoodi                deploy, write deployments/hoodi.json
//
// Options: --config FILE (default script/config/<network>.json), --out FILE (default deployments/<network>.json),
// --rpc-url URL (default $TRELLIS_RPC_URL). The deployer key comes from $TRELLIS_DEPLOYER_KEY only; a dry run
// needs no key (it simulates as $TRELLIS_DEPLOYER_ADDRESS, or as the key's address when one is set).
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    network: { type: "string" },
    config: { type: "string" },
    out: { type: "string" },
    "rpc-url": { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});

function fail(message) {
  process.stderr.write(`deploy-trellis: ${message}\n`);
  process.exit(2);
}

const network = opts.network ?? fail("--network is required (mainnet, hoodi, or the name in your --config)");
const rpcUrl = opts["rpc-url"] ?? process.env.TRELLIS_RPC_URL?.trim() ?? fail("no RPC URL: pass --rpc-url or set TRELLIS_RPC_URL");
const key = process.env.TRELLIS_DEPLOYER_KEY?.trim() || undefined;
if (key !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(key)) fail("TRELLIS_DEPLOYER_KEY is not a 32-byte hex private key");
if (!opts["dry-run"] && key === undefined) fail("missing environment variable TRELLIS_DEPLOYER_KEY (or pass --dry-run)");

const args = ["script", "script/DeployTrellis.s.sol", "--rpc-url", rpcUrl];
if (key !== undefined) args.push("--private-key", key);
else if (process.env.TRELLIS_DEPLOYER_ADDRESS) args.push("--sender", process.env.TRELLIS_DEPLOYER_ADDRESS);
if (!opts["dry-run"]) args.push("--broadcast", "--slow");

const env = { ...process.env, NETWORK: network, FOUNDRY_DISABLE_NIGHTLY_WARNING: "1" };
if (opts.config) env.TRELLIS_DEPLOY_CONFIG = resolve(opts.config);
if (opts.out) env.TRELLIS_DEPLOYMENT_OUT = resolve(opts.out);

const res = spawnSync(join(root, "node_modules", ".bin", "forge"), args, { cwd: root, env, stdio: "inherit" });
process.exit(res.status ?? 1);
