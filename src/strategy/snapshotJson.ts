// Snapshots as JSON (bigints as decimal strings), for committed instances and `trellis plan --json`.
import type { Snapshot } from "./types.js";

const BIGINT_FIELDS = new Set([
  "blockNumber",
  "totalAssets",
  "liquidBuffer",
  "ethValue",
  "withdrawalDelayBlocks",
  "ethPerAssetWad",
  "active",
  "queued",
  "completableBlock",
  "allocatedMagnitude",
  "maxMagnitude",
  "pendingMagnitude",
  "totalAllocatedStake",
]);

export function snapshotToJson(snapshot: Snapshot, indent?: number): string {
  return JSON.stringify(snapshot, (_, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

/** Parses `snapshotToJson` output (or any object with the same shape and string bigints). */
export function snapshotFromJson(json: string | object): Snapshot {
  const text = typeof json === "string" ? json : JSON.stringify(json);
  return JSON.parse(text, (k, v) => (BIGINT_FIELDS.has(k) && typeof v === "string" ? BigInt(v) : v)) as Snapshot;
}
