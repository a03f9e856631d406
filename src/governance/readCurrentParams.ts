import { toFunctionSelector, type Address, type PublicClient } from "viem";
import { assetRegistryAbi, riskRegistryAbi, vaultAbi } from "../abi/generated/index.js";
import { accessManagerAbi } from "./abi.js";
import type { GovernanceDeployment } from "./deployment.js";
import { VAULT_ACTIONS, type ParamsFile, type VaultAction } from "./params.js";

export type RiskLimits = {
  operatorCapBps: number;
  defaultAvsCapBps: number;
  defaultOperatorSetCapBps: number;
  totalSlashableCapBps: number;
  minBufferBps: number;
};

export type AssetConfig = {
  strategy: Address;
  adapter: Address;
  minPrice: bigint;
  maxPrice: bigint;
  depositCap: bigint;
  minDeposit: bigint;
  rebasing: boolean;
};

/** Every parameter a parameter file can change, as it is on chain now. Caps are effective values. */
export type CurrentParams = {
  chainId: number;
  blockNumber: bigint;
  risk: RiskLimits & {
    avsCaps: { avs: Address; capBps: number }[];
    operatorSetCaps: { avs: Address; operatorSetId: number; capBps: number }[];
    operatorAllowlist: { operator: Address; allowed: boolean }[];
  };
  vault: { maxAprBps: number; feeBps: number; treasury: Address; paused: Record<VaultAction, boolean> };
  assets: { token: Address; config: AssetConfig }[];
  /** The delegator of each operator read (zero address when none). */
  delegators: { operator: Address; delegator: Address }[];
  /** Whether the Safe may call `Vault.pause` itself (it holds GUARDIAN); otherwise pausing goes through the timelock. */
  safeCanPause: boolean;
};

export type ReadCurrentParamsParameters = {
  deployment: GovernanceDeployment;
  /** Also read what this file names (AVSs, operator sets, operators) besides what the deployment lists. */
  params?: ParamsFile;
  blockNumber?: bigint;
};
export type ReadCurrentParamsReturnType = CurrentParams;

/** Reads the current on-chain value of every risk limit, vault parameter and asset config. */
export async function readCurrentParams(
  client: PublicClient,
  { deployment, params, blockNumber: at }: ReadCurrentParamsParameters,
): Promise<ReadCurrentParamsReturnType> {
  const blockNumber = at ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const { riskRegistry, vault, assetRegistry, accessManager, safe } = deployment.trellis;
  const read = { blockNumber } as const;

  const avss = unique([...deployment.avss.map((a) => a.address), ...(params?.risk?.avsCaps ?? []).map((c) => c.avs)]);
  const sets = uniqueBy(
    [
      ...deployment.avss.flatMap((a) => a.operatorSetIds.map((id) => ({ avs: a.address, operatorSetId: id }))),
      ...(params?.risk?.operatorSetCaps ?? []).map((c) => ({ avs: c.avs, operatorSetId: c.operatorSetId })),
    ],
    (s) => `${s.avs}/${s.operatorSetId}`,
  );
  const operators = unique([
    ...deployment.operators.map((o) => o.address),
    ...(params?.risk?.operatorAllowlist ?? []).map((o) => o.operator),
    ...(params?.addOperatorDelegators ?? []),
  ]);

  const [chainId, limits, syncParams, treasury, tokens, paused, safeCanPause] = await Promise.all([
    client.getChainId(),
    client.readContract({ ...read, address: riskRegistry, abi: riskRegistryAbi, functionName: "limits" }),
    client.readContract({ ...read, address: vault, abi: vaultAbi, functionName: "syncParams" }),
    client.readContract({ ...read, address: vault, abi: vaultAbi, functionName: "treasury" }),
    client.readContract({ ...read, address: assetRegistry, abi: assetRegistryAbi, functionName: "getAssets" }),
    Promise.all(
      VAULT_ACTIONS.map((_, i) => client.readContract({ ...read, address: vault, abi: vaultAbi, functionName: "isPaused", args: [i] })),
    ),
    client
      .readContract({
        ...read,
        address: accessManager,
        abi: accessManagerAbi,
        functionName: "canCall",
        args: [safe, vault, toFunctionSelector("pause(uint8)")],
      })
      .then(([immediate]) => immediate),
  ]);

  const [avsCaps, operatorSetCaps, allowlist, delegators, assets] = await Promise.all([
    Promise.all(
      avss.map(async (avs) => ({
        avs,
        capBps: Number(await client.readContract({ ...read, address: riskRegistry, abi: riskRegistryAbi, functionName: "avsCap", args: [avs] })),
      })),
    ),
    Promise.all(
      sets.map(async (s) => ({
        ...s,
        capBps: Number(
          await client.readContract({
            ...read,
            address: riskRegistry,
            abi: riskRegistryAbi,
            functionName: "operatorSetCap",
            args: [s.avs, s.operatorSetId],
          }),
        ),
      })),
    ),
    Promise.all(
      operators.map(async (operator) => ({
        operator,
        allowed: await client.readContract({ ...read, address: riskRegistry, abi: riskRegistryAbi, functionName: "isOperatorAllowed", args: [operator] }),
      })),
    ),
    Promise.all(
      operators.map(async (operator) => ({
        operator,
        delegator: await client.readContract({ ...read, address: vault, abi: vaultAbi, functionName: "delegatorOf", args: [operator] }),
      })),
    ),
    Promise.all(
      tokens.map(async (token) => {
        const c = await client.readContract({ ...read, address: assetRegistry, abi: assetRegistryAbi, functionName: "getAssetConfig", args: [token] });
        return { token, config: { ...c } };
      }),
    ),
  ]);

  return {
    chainId,
    blockNumber,
    risk: { ...limits, avsCaps, operatorSetCaps, operatorAllowlist: allowlist },
    vault: {
      maxAprBps: syncParams.maxAprBps,
      feeBps: syncParams.feeBps,
      treasury,
      paused: Object.fromEntries(VAULT_ACTIONS.map((a, i) => [a, paused[i] ?? false])) as Record<VaultAction, boolean>,
    },
    assets,
    delegators,
    safeCanPause,
  };
}

function unique(list: Address[]): Address[] {
  return [...new Set(list)];
}

function uniqueBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const t of list) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()];
}
