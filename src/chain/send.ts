// Sends one contract call safely: simulate with eth_call (a revert is decoded and nothing is sent), check
// the gas price cap, sign locally with an explicit nonce, send the raw transaction (resending the same bytes
// is idempotent, so RPC failures are retried without risk of a double send), wait for the receipt, and
// decode the revert of a transaction that failed on chain.
import {
  encodeFunctionData,
  keccak256,
  type Abi,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  TransactionReceiptNotFoundError,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { decodeRevert, describeError, type DecodedRevert } from "./errors.js";
import type { Logger } from "./log.js";
import { sleep, withRetry, type RetryOptions } from "./retry.js";

export type SendContext = {
  publicClient: PublicClient<Transport, Chain>;
  account: PrivateKeyAccount;
  log: Logger;
  gasPriceCap: bigint;
  dryRun?: boolean;
  retry?: RetryOptions;
};

export type ContractCall = {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
};

export type SendResult =
  | { status: "confirmed"; hash: Hash; receipt: TransactionReceipt; result: unknown }
  | { status: "simulated"; result: unknown }
  | { status: "rejected"; revert: DecodedRevert }
  | { status: "reverted"; hash: Hash; revert: DecodedRevert | undefined }
  | { status: "skipped"; reason: string };

const ALREADY_SENT = /already known|nonce too low|known transaction|already imported/i;

/** Simulates only: the decoded result, or the decoded revert. */
export async function simulateCall(ctx: SendContext, call: ContractCall): Promise<{ ok: true; result: unknown } | { ok: false; revert: DecodedRevert }> {
  const retry = { ...ctx.retry, onRetry: retryLogger(ctx.log, `simulate ${call.functionName}`) };
  try {
    const { result } = await withRetry(
      () => ctx.publicClient.simulateContract({ ...call, account: ctx.account } as never) as Promise<{ result: unknown }>,
      retry,
    );
    return { ok: true, result };
  } catch (error) {
    const revert = decodeRevert(error);
    if (revert) return { ok: false, revert };
    throw error;
  }
}

export async function sendCall(ctx: SendContext, call: ContractCall): Promise<SendResult> {
  const { publicClient, account, log } = ctx;
  const retry = (what: string): RetryOptions => ({ ...ctx.retry, onRetry: retryLogger(log, what) });
  const sim = await simulateCall(ctx, call);
  if (!sim.ok) return { status: "rejected", revert: sim.revert };
  if (ctx.dryRun) return { status: "simulated", result: sim.result };

  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never);
  const fees = await withRetry(() => publicClient.estimateFeesPerGas(), retry("fees"));
  if (fees.maxFeePerGas > ctx.gasPriceCap) {
    return { status: "skipped", reason: `gas price ${fees.maxFeePerGas} wei above cap ${ctx.gasPriceCap} wei` };
  }
  let gas: bigint;
  try {
    gas = await withRetry(() => publicClient.estimateGas({ account, to: call.address, data }), retry("estimateGas"));
  } catch (error) {
    const revert = decodeRevert(error);
    if (revert) return { status: "rejected", revert };
    throw error;
  }
  const nonce = await withRetry(
    () => publicClient.getTransactionCount({ address: account.address, blockTag: "pending" }),
    retry("nonce"),
  );
  const serialized = await account.signTransaction({
    chainId: publicClient.chain.id,
    type: "eip1559",
    to: call.address,
    data,
    nonce,
    gas: (gas * 12n) / 10n,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  const hash = keccak256(serialized);
  await withRetry(async () => {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: serialized });
    } catch (error) {
      // A retry after a lost response: the node already has (or mined) these exact bytes.
      if (ALREADY_SENT.test(describeError(error) + String((error as Error).message))) return;
      throw error;
    }
  }, retry("sendRawTransaction"));
  log.debug("sent", { fn: call.functionName, hash, nonce });
  const receipt = await waitForReceipt(ctx, hash);
  if (receipt.status === "success") return { status: "confirmed", hash, receipt, result: sim.result };
  // Replay at the block it failed in to learn why.
  let revert: DecodedRevert | undefined;
  try {
    await publicClient.call({ account, to: call.address, data, blockNumber: receipt.blockNumber, gas: receipt.gasUsed + 100_000n });
  } catch (error) {
    revert = decodeRevert(error);
  }
  return { status: "reverted", hash, revert };
}

/**
 * Polls eth_getTransactionReceipt. (viem's waitForTransactionReceipt re-checks on new blocks only, which
 * never come on an idle automining devnet if the first check raced the node.)
 */
export async function waitForReceipt(
  ctx: Pick<SendContext, "publicClient" | "log" | "retry">,
  hash: Hash,
  timeoutMs = 180_000,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    try {
      return await ctx.publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) ctx.log.warn("rpc error, retrying", { what: "receipt", error: describeError(error) });
    }
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs / 1000} s`);
    await sleep(delay, ctx.retry?.signal);
    delay = Math.min(delay * 2, 500);
  }
}

const retryLogger = (log: Logger, what: string) => (error: unknown, attempt: number, delayMs: number) =>
  log.warn("rpc error, retrying", { what, attempt, delayMs, error: describeError(error) });
