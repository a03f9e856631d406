// Retries with exponential backoff for RPC and network failures. A contract revert is an answer, not a
// failure of the node: it is never retried, and neither is a call viem refused to encode (a bad address,
// a negative or oversized integer: the input is wrong, the node is fine).
import { BaseError } from "viem";
import { decodeRevert } from "./errors.js";

const INPUT_ERRORS = /^(InvalidAddressError|IntegerOutOfRangeError|AbiEncoding\w*Error|InvalidArgumentError|SizeOverflowError|InvalidAbiEncodingTypeError)$/;

const isInputError = (error: unknown): boolean => error instanceof BaseError && error.walk((e) => INPUT_ERRORS.test((e as Error).name)) !== null;

export type RetryOptions = {
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal | undefined;
};

export const isRetryable = (error: unknown): boolean =>
  decodeRevert(error) === undefined && !(error instanceof StopError) && !isInputError(error) && !/execution reverted|revert/i.test(String((error as Error)?.message ?? ""));

/** Thrown when a stop was requested while waiting. */
export class StopError extends Error {
  override readonly name = "StopError";
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 6, baseDelayMs = 100, maxDelayMs = 5_000 } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= retries || !isRetryable(error)) throw error;
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      options.onRetry?.(error, attempt + 1, Math.round(delayMs));
      await sleep(delayMs, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal?.aborted) return fail(new StopError("stopped"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      ok();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      fail(new StopError("stopped"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
