import { concat, encodeFunctionData, encodePacked, hashTypedData, size, zeroAddress, type Address, type Hex } from "viem";
import { multiSendCallOnlyAbi } from "./abi.js";

/** Safe's `Enum.Operation`. */
export const Operation = { Call: 0, DelegateCall: 1 } as const;

/** One call made by the Safe. */
export type SafeCall = { to: Address; value: bigint; data: Hex };

/** A Safe transaction: the message owners sign (EIP-712 `SafeTx`). */
export type SafeTx = {
  to: Address;
  value: bigint;
  data: Hex;
  operation: 0 | 1;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: Address;
  refundReceiver: Address;
  nonce: bigint;
};

export const safeTxTypes = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

export type SafeTxTypedDataParameters = { chainId: number; safe: Address; safeTx: SafeTx };

/** The EIP-712 typed data of a SafeTx: domain {chainId, verifyingContract: safe} (Safe >= 1.3.0). */
export function safeTxTypedData({ chainId, safe, safeTx }: SafeTxTypedDataParameters) {
  return {
    domain: { chainId, verifyingContract: safe },
    types: safeTxTypes,
    primaryType: "SafeTx" as const,
    message: safeTx,
  };
}

/** The SafeTx hash owners sign; equals the Safe's own `getTransactionHash`. */
export function hashSafeTx(params: SafeTxTypedDataParameters): Hex {
  return hashTypedData(safeTxTypedData(params));
}

/**
 * MultiSendCallOnly's packed batch: per call operation (uint8, always 0: no delegatecall), to, value,
 * data length and data.
 */
export function encodeMultiSend(calls: readonly SafeCall[]): Hex {
  const packed = concat(
    calls.map((c) => encodePacked(["uint8", "address", "uint256", "uint256", "bytes"], [0, c.to, c.value, BigInt(size(c.data)), c.data])),
  );
  return encodeFunctionData({ abi: multiSendCallOnlyAbi, functionName: "multiSend", args: [packed] });
}

export type BuildSafeTxParameters = { calls: readonly SafeCall[]; multiSend: Address; nonce: bigint };

/** One call goes as is; several are batched through MultiSendCallOnly by delegatecall. No gas refund. */
export function buildSafeTx({ calls, multiSend, nonce }: BuildSafeTxParameters): SafeTx {
  if (calls.length === 0) throw new Error("buildSafeTx: no calls");
  const single = calls.length === 1 ? calls[0] : undefined;
  const base = { safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zeroAddress, refundReceiver: zeroAddress, nonce };
  if (single) return { ...single, operation: Operation.Call, ...base };
  return { to: multiSend, value: 0n, data: encodeMultiSend(calls), operation: Operation.DelegateCall, ...base };
}
