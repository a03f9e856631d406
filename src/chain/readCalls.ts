// Many contract reads at one block, as one batch: through Multicall3 when the chain has it (one eth_call per
// chunk), else as parallel eth_calls (an http transport with `batch: true` sends them as one JSON-RPC batch).
// A revert is an answer, returned in place (`ok: false`); an RPC failure throws.
import { BaseError, ContractFunctionZeroDataError, type Abi, type Address, type Chain, type Client, type Transport } from "viem";
import { getCode, multicall, readContract } from "viem/actions";
import { decodeRevert, type DecodedRevert } from "./errors.js";
import { withRetry, type RetryOptions } from "./retry.js";

/** Multicall3's address: the same on every chain it is deployed on (mainnet, Holesky, Hoodi...). */
export const MULTICALL3_ADDRESS: Address = "0xcA11bde05977b3631167028862bE2a173976CA11";

export type ContractRead = { address: Address; abi: Abi | readonly unknown[]; functionName: string; args?: readonly unknown[] };

export type ReadResult<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown; revert: DecodedRevert | undefined };

export type ReadCallsParameters = {
  blockNumber: bigint;
  /** Use Multicall3 at `MULTICALL3_ADDRESS` (see `hasMulticall3`). */
  multicall: boolean;
  retry?: RetryOptions | undefined;
};

/** Calldata bytes per Multicall3 eth_call: chunks go out in parallel, each well under a node's gas cap. */
const MULTICALL_CHUNK_BYTES = 16_384;

/** Does Multicall3 have code at `blockNumber`? (Not on a bare anvil, nor in the real-core anvil state.) */
export async function hasMulticall3<chain extends Chain | undefined>(client: Client<Transport, chain>, blockNumber: bigint): Promise<boolean> {
  const code = await getCode(client, { address: MULTICALL3_ADDRESS, blockNumber });
  return code !== undefined && code !== "0x";
}

/** The call's answer was "no": a revert, or no code / no data at the address. */
const isContractAnswer = (e: unknown) =>
  decodeRevert(e) !== undefined || (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionZeroDataError) !== null);

const failed = (error: unknown): ReadResult<never> => ({ ok: false, error, revert: decodeRevert(error) });

/** Reads `calls` at one block; results in the calls' order. */
export async function readCalls<chain extends Chain | undefined>(
  client: Client<Transport, chain>,
  calls: readonly ContractRead[],
  p: ReadCallsParameters,
): Promise<ReadResult[]> {
  if (!calls.length) return [];
  if (p.multicall) {
    const results: readonly { status: "success" | "failure"; result?: unknown; error?: unknown }[] = await withRetry(
      () =>
        multicall(client, {
          contracts: calls as never,
          allowFailure: true,
          blockNumber: p.blockNumber,
          multicallAddress: MULTICALL3_ADDRESS,
          batchSize: MULTICALL_CHUNK_BYTES,
        } as never) as Promise<{ status: "success" | "failure"; result?: unknown; error?: unknown }[]>,
      p.retry,
    );
    return results.map((r) => (r.status === "success" ? { ok: true as const, value: r.result as unknown } : failed(r.error)));
  }
  return Promise.all(
    calls.map((c) =>
      withRetry(
        () =>
          readContract(client, { ...c, blockNumber: p.blockNumber } as never).then(
            (value): ReadResult => ({ ok: true, value: value as unknown }),
            (e: unknown) => {
              if (isContractAnswer(e)) return failed(e);
              throw e;
            },
          ),
        p.retry,
      ),
    ),
  );
}

/** The value of a read that must succeed (its error rethrown otherwise). */
export function valueOf<T>(r: ReadResult | undefined): T {
  if (!r) throw new Error("missing read result");
  if (!r.ok) throw r.error;
  return r.value as T;
}

/** The value of a read that may fail, or `fallback`. */
export const valueOr = <T>(r: ReadResult | undefined, fallback: T): T => (r?.ok ? (r.value as T) : fallback);
