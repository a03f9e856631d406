// `trellis devnet advance`: move a running devnet's time or blocks (anvil's evm_increaseTime / anvil_mine).
import type { CliContext } from "./context.js";

export type AdvanceParameters = { days?: number | undefined; blocks?: number | undefined };
export type AdvanceReturnType = { blocks: number; seconds: number; blockNumber: bigint; timestamp: bigint };

const SECONDS_PER_BLOCK = 12;

export async function advanceDevnet(ctx: Pick<CliContext, "publicClient">, p: AdvanceParameters): Promise<AdvanceReturnType> {
  const before = await ctx.publicClient.getBlock();
  const rpc = (method: string, params: unknown[]) => ctx.publicClient.request({ method, params } as never);
  let blocks = 1;
  if (p.days !== undefined) {
    await rpc("evm_increaseTime", [`0x${(p.days * 86_400).toString(16)}`]);
    await rpc("anvil_mine", ["0x1", "0x0"]);
  } else {
    blocks = p.blocks ?? 1;
    await rpc("anvil_mine", [`0x${blocks.toString(16)}`, `0x${SECONDS_PER_BLOCK.toString(16)}`]);
  }
  const after = await ctx.publicClient.getBlock();
  return { blocks: Number(after.number - before.number), seconds: Number(after.timestamp - before.timestamp), blockNumber: after.number, timestamp: after.timestamp };
}
