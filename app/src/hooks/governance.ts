// Pending governance: operations scheduled in the TimelockController and not yet executed or cancelled,
// with their ETA (`getTimestamp`) and the call they make, decoded with the Trellis ABIs.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { decodeFunctionData, getAbiItem, type Abi, type Address, type Hex } from "viem";
import { assetRegistryAbi } from "../../../src/abi/generated/AssetRegistry.js";
import { riskRegistryAbi } from "../../../src/abi/generated/RiskRegistry.js";
import { vaultAbi } from "../../../src/abi/generated/Vault.js";
import { accessManagerAbi, timelockControllerAbi } from "../../../src/governance/abi.js";
import { useAppConfig } from "../context.js";

export type TimelockOperation = {
  id: Hex;
  calls: { target: Address; call: string }[];
  eta: bigint;
  state: "waiting" | "ready";
};

const OPERATION_STATE = ["unset", "waiting", "ready", "done"] as const;
const known = [vaultAbi, riskRegistryAbi, assetRegistryAbi, accessManagerAbi, timelockControllerAbi] as unknown as Abi[];

/** `setOperatorCap(2500)`, or the selector when no Trellis ABI knows it. */
export function describeCall(data: Hex): string {
  for (const abi of known) {
    try {
      const d = decodeFunctionData({ abi, data });
      const args = (d.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : typeof a === "object" ? JSON.stringify(a, (_, v) => (typeof v === "bigint" ? v.toString() : v)) : String(a)));
      return `${d.functionName}(${args.join(", ")})`;
    } catch {
      // not this ABI
    }
  }
  return `call ${data.slice(0, 10)}`;
}

export function useTimelockOperations() {
  const { deployment, fromBlock, devnet } = useAppConfig();
  const client = usePublicClient()!;
  const timelock = deployment.trellis.timelock;
  return useQuery({
    queryKey: ["timelock", timelock],
    queryFn: async () => {
      const [logs, block] = await Promise.all([
        client.getLogs({ address: timelock, event: getAbiItem({ abi: timelockControllerAbi, name: "CallScheduled" }), fromBlock: BigInt(fromBlock) }),
        client.getBlock(),
      ]);
      const byId = new Map<Hex, { target: Address; call: string }[]>();
      for (const l of logs) {
        const a = l.args as { id: Hex; target: Address; data: Hex };
        byId.set(a.id, [...(byId.get(a.id) ?? []), { target: a.target, call: describeCall(a.data) }]);
      }
      const ops = await Promise.all(
        [...byId].map(async ([id, calls]): Promise<TimelockOperation | undefined> => {
          const [state, eta] = await Promise.all([
            client.readContract({ address: timelock, abi: timelockControllerAbi, functionName: "getOperationState", args: [id] }),
            client.readContract({ address: timelock, abi: timelockControllerAbi, functionName: "getTimestamp", args: [id] }),
          ]);
          const s = OPERATION_STATE[Number(state)];
          return s === "waiting" || s === "ready" ? { id, calls, eta, state: s } : undefined;
        }),
      );
      return { now: block.timestamp, pending: ops.filter((o): o is TimelockOperation => o !== undefined) };
    },
    refetchInterval: devnet ? 8_000 : 60_000,
  });
}
