import { readFileSync } from "node:fs";
import { getAddress, type Address } from "viem";

/**
 * Every address of a Trellis deployment, as written to deployments/<network>.json by script/DeployDevnet.s.sol
 * (the devnet) or script/DeployTrellis.s.sol (any network with a real EigenLayer). `keyIndex` (the devnet
 * mnemonic index of an operator or AVS) exists only where those keys are the devnet's public ones.
 */
export type Deployment = {
  network: string;
  chainId: number;
  trellis: {
    accessManager: Address;
    trETH: Address;
    vault: Address;
    assetRegistry: Address;
    riskRegistry: Address;
    withdrawalQueue: Address;
    rateFeed: Address;
    /** Devnet only: the stETH/ETH market feed behind stETH's market guard (owner: the deployer). */
    stEthMarketFeed?: Address;
    delegatorBeacon: Address;
    timelock: Address;
    safe: Address;
    multiSend: Address;
  };
  eigenlayer: {
    strategyManager: Address;
    delegationManager: Address;
    allocationManager: Address;
    rewardsCoordinator: Address;
    permissionController: Address;
  };
  /**
   * Per LST: its token, EigenLayer strategy (the zero address for a wrapper held as its underlying, like wstETH),
   * price adapter and ERC-7575/7540 entry (deposits and redemptions paid in that LST).
   */
  assets: { symbol: string; token: Address; strategy: Address; adapter: Address; entry: Address }[];
  operators: { address: Address; delegator: Address; keyIndex?: number }[];
  avss: { address: Address; operatorSetIds: number[]; keyIndex?: number }[];
  actors: { deployer: Address; keeper: Address; guardian: Address; treasury: Address; safeOwners: Address[] };
  tokens: { osTokenVaultController: Address };
};

export class DeploymentFileError extends Error {
  override readonly name = "DeploymentFileError";
}

/** Parses and checks a deployment file; every address comes back checksummed. */
export function parseDeployment(text: string, source = "deployment"): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DeploymentFileError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const d = raw as Deployment;
  const need = (ok: unknown, field: string) => {
    if (!ok) throw new DeploymentFileError(`${source}: missing or invalid field "${field}"`);
  };
  need(d && typeof d === "object", "(root)");
  need(typeof d.chainId === "number", "chainId");
  for (const group of ["trellis", "eigenlayer", "actors"] as const) need(d[group] && typeof d[group] === "object", group);
  for (const [k, v] of Object.entries(d.trellis)) need(isAddress(v), `trellis.${k}`);
  for (const [k, v] of Object.entries(d.eigenlayer)) need(isAddress(v), `eigenlayer.${k}`);
  need(Array.isArray(d.assets) && d.assets.length > 0, "assets");
  need(Array.isArray(d.operators), "operators");
  need(Array.isArray(d.avss), "avss");
  return checksumAll(d) as Deployment;
}

export function readDeployment(path: string): Deployment {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new DeploymentFileError(`no deployment file at ${path}: run \`trellis devnet\` or name a network with a deployment`);
  }
  return parseDeployment(text, path);
}

function isAddress(v: unknown): boolean {
  return typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v);
}

function checksumAll(v: unknown): unknown {
  if (typeof v === "string" && isAddress(v)) return getAddress(v);
  if (Array.isArray(v)) return v.map(checksumAll);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, checksumAll(x)]));
  return v;
}
