// Protocol state for the dashboard: the CLI's own status reader (src/chain/status.ts) and the strategy
// engine's snapshot for the limits, run in the browser against the node.
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { readStatus, type Status } from "../../../src/chain/status.js";
import { snapshot } from "../../../src/strategy/snapshot.js";
import type { SnapshotLimits } from "../../../src/strategy/types.js";
import type { Client } from "../../../src/keeper/readState.js";
import { useAppConfig } from "../context.js";

export type ProtocolState = { status: Status; limits: SnapshotLimits; liquidBuffer: bigint; withdrawalDelayBlocks: bigint };

export function useProtocol() {
  const { deployment, devnet } = useAppConfig();
  const client = usePublicClient() as unknown as Client;
  return useQuery({
    queryKey: ["protocol", deployment.trellis.vault],
    queryFn: async (): Promise<ProtocolState> => {
      // In parallel: the limits, buffer and delay may come from a block or two later than the status.
      const [status, snap] = await Promise.all([readStatus(client, deployment), snapshot(client, { deployment })]);
      return { status, limits: snap.limits, liquidBuffer: snap.vault.liquidBuffer, withdrawalDelayBlocks: snap.withdrawalDelayBlocks };
    },
    refetchInterval: devnet ? 4_000 : 12_000,
  });
}
