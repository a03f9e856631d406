import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { assetRegistryAbi, riskRegistryAbi, vaultAbi } from "../abi/generated/index.js";
import { safeAbi, timelockControllerAbi, accessManagerAbi } from "./abi.js";

const errorAbi = [...riskRegistryAbi, ...vaultAbi, ...assetRegistryAbi, ...timelockControllerAbi, ...accessManagerAbi, ...safeAbi].filter(
  (e) => e.type === "error",
) as Abi;

/** The Solidity error name and arguments of a revert (`LoosenRequiresAdmin(...)`, `GS020`), or the raw message. */
export function describeRevert(e: unknown): string {
  const data = revertData(e);
  if (data && data !== "0x") {
    try {
      const d = decodeErrorResult({ abi: errorAbi, data });
      const args = (d.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
      return `${d.errorName}(${args.join(", ")})`;
    } catch {
      try {
        // Error(string), e.g. Safe's "GS020".
        const d = decodeErrorResult({ abi: [{ type: "error", name: "Error", inputs: [{ type: "string", name: "message" }] }], data });
        return String(d.args?.[0]);
      } catch {
        return `revert ${data}`;
      }
    }
  }
  if (e instanceof BaseError) {
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.reason) return reverted.reason;
    return e.shortMessage;
  }
  return e instanceof Error ? e.message : String(e);
}

function revertData(e: unknown): Hex | undefined {
  if (!(e instanceof BaseError)) return undefined;
  let found: Hex | undefined;
  e.walk((x) => {
    const d = (x as { data?: unknown }).data;
    if (typeof d === "string" && d.startsWith("0x")) found = d as Hex;
    else if (d && typeof d === "object" && typeof (d as { data?: unknown }).data === "string") found = (d as { data: Hex }).data;
    return false;
  });
  return found;
}
