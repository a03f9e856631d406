// The one place the CLI grants a spender access to a user's tokens: an approval of exactly the amount the
// next call spends (never 2^256-1), or nothing when the standing allowance already covers it. EIP-2612
// permits need a spender entry that takes a signature; no Trellis entry takes one yet, so every approval
// is an exact `approve`, and the CLI says so.
import { erc20Abi, type Abi, type Address, type Hash } from "viem";
import type { CliContext } from "./context.js";
import { userSend, type UserCall } from "./tx.js";

export type AllowanceMethod = "existing allowance" | "exact approve";

export type EnsureAllowanceParameters = {
  owner: Address;
  token: Address;
  symbol: string;
  decimals: number;
  spender: Address;
  /** Readable name of the spender for the message ("the vault"). */
  spenderName: string;
  amount: bigint;
};

export type EnsureAllowanceReturnType = { method: AllowanceMethod; hash?: Hash | undefined; allowance: bigint; message: string };

/** The approve call `ensureAllowance` would send (also used to simulate a whole flow before sending). */
export const exactApproveCall = (p: Pick<EnsureAllowanceParameters, "token" | "spender" | "amount">): UserCall => ({
  address: p.token,
  abi: erc20Abi as Abi,
  functionName: "approve",
  args: [p.spender, p.amount],
});

export async function readAllowance(ctx: CliContext, p: Pick<EnsureAllowanceParameters, "owner" | "token" | "spender">): Promise<bigint> {
  return (await ctx.publicClient.readContract({ address: p.token, abi: erc20Abi, functionName: "allowance", args: [p.owner, p.spender] })) as bigint;
}

/** Makes sure `spender` may take `amount` of `token` from `owner`; says which way on stderr. */
export async function ensureAllowance(ctx: CliContext, key: `0x${string}`, p: EnsureAllowanceParameters): Promise<EnsureAllowanceReturnType> {
  const allowance = await readAllowance(ctx, p);
  const amount = ctx.units.amount(p.amount, p.symbol, p.decimals);
  let result: EnsureAllowanceReturnType;
  if (allowance >= p.amount) {
    result = { method: "existing allowance", allowance, message: `approval: the existing allowance of ${p.spenderName} (${ctx.units.amount(allowance, p.symbol, p.decimals)}) covers ${amount}; nothing sent` };
  } else {
    const sent = await userSend(ctx, key, exactApproveCall(p), `approve ${amount} to ${p.spenderName}`);
    result = { method: "exact approve", hash: sent.hash, allowance: p.amount, message: `approval: exactly ${amount} to ${p.spenderName} (approve; ${p.spenderName} takes no EIP-2612 permit)` };
  }
  if (!ctx.json) process.stderr.write(result.message + "\n");
  return result;
}
