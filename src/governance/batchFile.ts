import { keccak256, stringToHex, type Address } from "viem";
import type { Proposal } from "./proposal.js";

/** The version of Safe's Transaction Builder whose import format this follows. */
export const TX_BUILDER_VERSION = "1.18.0";

export type BatchContractInput = { internalType: string; name: string; type: string; components?: BatchContractInput[] };
export type BatchTransaction = {
  to: Address;
  value: string;
  /** The exact calldata; the Transaction Builder uses it as is when present. */
  data: string | null;
  contractMethod: { inputs: BatchContractInput[]; name: string; payable: boolean } | null;
  contractInputsValues: Record<string, string> | null;
};
export type BatchFile = {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: {
    name: string;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: Address;
    createdFromOwnerAddress: string;
    checksum?: string;
  };
  transactions: BatchTransaction[];
};

/**
 * The Safe Transaction Builder batch (import it in the Safe app: Apps, Transaction Builder, drag the file in).
 * One entry per call the Safe makes; the app batches them with MultiSendCallOnly itself. The app's SafeTx hash
 * matches `proposal.safeTxHash` only if it uses the same MultiSendCallOnly address (on the devnet it does not
 * know one; sign with `trellis gov sign` there).
 */
export function toTransactionBuilderBatch(p: Proposal, name = "Trellis governance"): BatchFile {
  const batch: BatchFile = {
    version: "1.0",
    chainId: String(p.chainId),
    createdAt: p.createdAt,
    meta: {
      name,
      description: [p.description, `SafeTx hash ${p.safeTxHash} (nonce ${p.safeTx.nonce})`].filter(Boolean).join("\n"),
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: p.safe,
      createdFromOwnerAddress: "",
    },
    transactions: p.calls.map((c) => ({
      to: c.to,
      value: c.value.toString(),
      data: c.data,
      contractMethod: {
        inputs: c.method.inputs.map(toInput),
        name: c.method.name,
        payable: c.method.stateMutability === "payable",
      },
      contractInputsValues: c.inputs,
    })),
  };
  return { ...batch, meta: { ...batch.meta, checksum: batchChecksum(batch) } };
}

type AbiParam = { name?: string; type: string; internalType?: string; components?: readonly AbiParam[] };
function toInput(p: AbiParam): BatchContractInput {
  const out: BatchContractInput = { internalType: p.internalType ?? p.type, name: p.name ?? "", type: p.type };
  if (p.components) out.components = p.components.map(toInput);
  return out;
}

/**
 * The Transaction Builder's checksum: keccak256 of its canonical serialization (sorted keys, undefined as
 * null) of the file without the checksum and with `meta.name` null.
 */
export function batchChecksum(batch: BatchFile): string {
  const { checksum: _ignored, ...meta } = batch.meta;
  return keccak256(stringToHex(serialize({ ...batch, meta: { ...meta, name: null } })));
}

function serialize(json: unknown): string {
  const replacer = (_: string, v: unknown) => (v === undefined ? null : v);
  if (Array.isArray(json)) return `[${json.map(serialize).join(",")}]`;
  if (typeof json === "object" && json !== null) {
    const keys = Object.keys(json).sort();
    return `{${JSON.stringify(keys, replacer)}${keys.map((k) => `${serialize((json as Record<string, unknown>)[k])},`).join("")}}`;
  }
  return JSON.stringify(json, replacer);
}
