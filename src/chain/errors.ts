// Contract reverts decoded to the Solidity error's name and arguments, whichever contract raised them:
// errors bubbling from nested calls (a RiskRegistry limit through Vault.allocate, EigenLayer errors through
// a delegator, OpenZeppelin's AccessManagedUnauthorized) decode with one ABI of every generated contract error.
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Abi,
  type Hex,
} from "viem";
import * as generated from "../abi/generated/index.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

function collectErrors(): AbiError[] {
  const seen = new Map<string, AbiError>();
  for (const [name, value] of Object.entries(generated)) {
    if (!name.endsWith("Abi") || !Array.isArray(value)) continue;
    for (const item of value as readonly { type: string }[]) {
      if (item.type !== "error") continue;
      const e = item as AbiError;
      const key = `${e.name}(${e.inputs.map((i: { type: string }) => i.type).join(",")})`;
      if (!seen.has(key)) seen.set(key, e);
    }
  }
  return [...seen.values()];
}

/** Every custom error of every generated contract ABI, deduplicated by signature. */
export const allErrorsAbi: readonly AbiError[] = collectErrors();

/** A contract revert in readable form. */
export type DecodedRevert = {
  /** The Solidity error name (`OperatorCapExceeded`), `Error` for a revert string, `Panic`, or `unknown`. */
  errorName: string;
  args: readonly unknown[];
  /** `OperatorCapExceeded(0xab…, 2500, 2600)` */
  text: string;
  raw?: Hex | undefined;
  /** The error's parameters (names and types), when the error is in the combined ABI. */
  inputs?: readonly { name?: string | undefined; type: string }[] | undefined;
};

const fmtArg = (a: unknown): string =>
  typeof a === "bigint" ? a.toString() : Array.isArray(a) ? `[${a.map(fmtArg).join(", ")}]` : typeof a === "object" && a ? JSON.stringify(a, (_, v) => (typeof v === "bigint" ? v.toString() : v)) : String(a);

/** Decodes raw revert data with the combined ABI. */
export function decodeRevertData(data: Hex): DecodedRevert {
  try {
    const r = decodeErrorResult({ abi: allErrorsAbi as Abi, data });
    const args = (r.args ?? []) as readonly unknown[];
    return { errorName: r.errorName, args, text: `${r.errorName}(${args.map(fmtArg).join(", ")})`, raw: data, inputs: (r.abiItem as AbiError).inputs };
  } catch {
    return { errorName: "unknown", args: [], text: `unknown revert ${data.slice(0, 10)}`, raw: data };
  }
}

/** The contract revert inside `error`, if it is one; undefined for RPC, network and other errors. */
export function decodeRevert(error: unknown): DecodedRevert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    if (reverted.raw) return decodeRevertData(reverted.raw);
    if (reverted.data) {
      const args = (reverted.data.args ?? []) as readonly unknown[];
      const inputs = (reverted.data.abiItem as { inputs?: DecodedRevert["inputs"] }).inputs;
      return { errorName: reverted.data.errorName, args, text: `${reverted.data.errorName}(${args.map(fmtArg).join(", ")})`, inputs };
    }
    if (reverted.reason) return { errorName: "Error", args: [reverted.reason], text: `Error("${reverted.reason}")` };
    return { errorName: "unknown", args: [], text: reverted.shortMessage };
  }
  // estimateGas / call errors carry the revert data deeper, as an RPC error's `data`.
  const withData = error.walk((e) => typeof (e as { data?: unknown }).data === "string" && /^0x[0-9a-f]{8}/i.test((e as { data: string }).data));
  if (withData) return decodeRevertData((withData as unknown as { data: Hex }).data);
  const execReverted = error.walk((e) => (e as { name?: string }).name === "ExecutionRevertedError");
  if (execReverted) return { errorName: "unknown", args: [], text: (execReverted as BaseError).shortMessage };
  return undefined;
}

/** One line for a person: the decoded revert, or the error's short message. */
export function describeError(error: unknown): string {
  const revert = decodeRevert(error);
  if (revert) return `reverted: ${revert.text}`;
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
