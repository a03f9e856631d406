// User transactions from the CLI: simulate, send, wait, and print each hash as it goes (stderr, so --json
// output on stdout stays clean). A rejection or revert is thrown as a TxError carrying the decoded revert,
// printed by `main` in the one error style.
import type { Abi, Address, Hash } from "viem";
import { accountFromKey } from "../chain/clients.js";
import type { DecodedRevert } from "../chain/errors.js";
import { sendCall, type SendResult } from "../chain/send.js";
import type { CliContext } from "./context.js";

export type UserCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] };

/** A user transaction that did not go through: refused in simulation (nothing sent) or reverted on chain. */
export class TxError extends Error {
  override readonly name = "TxError";
  constructor(
    readonly functionName: string,
    readonly outcome: "rejected" | "reverted" | "skipped",
    readonly revert: DecodedRevert | undefined,
    readonly hash?: Hash | undefined,
    reason?: string,
  ) {
    super(reason ?? revert?.text ?? `${functionName} ${outcome}`);
  }
}

export type Sent = Extract<SendResult, { status: "confirmed" }>;

/** Sends one call with the user's key; prints `tx <hash> <label> confirmed in block N`; throws TxError otherwise. */
export async function userSend(ctx: CliContext, key: `0x${string}`, call: UserCall, label = call.functionName): Promise<Sent> {
  const res = await sendCall({ publicClient: ctx.publicClient, account: accountFromKey(key), log: ctx.log, gasPriceCap: ctx.network.gasPriceCap }, call);
  if (res.status === "confirmed") {
    printTx(ctx, res.hash, `${label} confirmed in block ${res.receipt.blockNumber}`);
    return res;
  }
  if (res.status === "rejected") throw new TxError(call.functionName, "rejected", res.revert);
  if (res.status === "reverted") {
    printTx(ctx, res.hash, `${label} reverted`);
    throw new TxError(call.functionName, "reverted", res.revert, res.hash);
  }
  if (res.status === "skipped") throw new TxError(call.functionName, "skipped", undefined, undefined, res.reason);
  throw new Error(`${call.functionName}: unexpected ${res.status}`);
}

/** One line per sent transaction, always with its hash. */
export function printTx(ctx: CliContext, hash: Hash, what: string): void {
  if (ctx.json) process.stderr.write(JSON.stringify({ level: "info", msg: what, hash }) + "\n");
  else process.stderr.write(`tx ${hash}  ${what}\n`);
}
