// `trellis deposit`: validate, preview, approve exactly, deposit; with --mint (devnet) the whole flow is
// simulated first (eth_simulateV1: mint, approve, deposit in one simulated block) and nothing is minted
// unless the deposit would succeed. The deposit's on-chain calls live in `depositSpender`, `previewDeposit`
// and `depositCall` only, so they can be re-pointed at the ERC-7575 entries in one place.
import { decodeFunctionResult, type Abi, type Address } from "viem";
import { devnetOsETHAbi, devnetRETHAbi, devnetStETHAbi, devnetWstETHAbi, trETHAbi, trellisEntryAbi } from "../abi/generated/index.js";
import { accountFromKey } from "../chain/clients.js";
import { decodeRevert, decodeRevertData } from "../chain/errors.js";
import { ConfigError } from "../chain/config.js";
import { devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { ensureAllowance, exactApproveCall, readAllowance, type EnsureAllowanceReturnType } from "./allowance.js";
import type { CliContext } from "./context.js";
import { TxError, userSend, type UserCall } from "./tx.js";

/** The asset's ERC-7575 entry: it takes the tokens (approve it) and mints trETH. */
function entryOf(ctx: CliContext, asset: Address): { address: Address; name: string } {
  const a = ctx.deployment.assets.find((x) => x.token.toLowerCase() === asset.toLowerCase());
  if (!a?.entry) throw new ConfigError(`no entry for ${asset} in the deployment file`);
  return { address: a.entry, name: `the ${a.symbol} entry` };
}

/** Who takes the tokens in a deposit: the asset's entry. */
export const depositSpender = (ctx: CliContext, asset: Address): { address: Address; name: string } => entryOf(ctx, asset);

/** trETH a deposit of `amount` would mint now, from the entry's own preview. */
export async function previewDeposit(ctx: CliContext, asset: Address, amount: bigint): Promise<bigint> {
  return (await ctx.publicClient.readContract({ address: entryOf(ctx, asset).address, abi: trellisEntryAbi, functionName: "previewDeposit", args: [amount] })) as bigint;
}

/** The deposit call itself: `entry.deposit(assets, receiver, minShares)`. */
export const depositCall = (ctx: CliContext, p: { asset: Address; amount: bigint; minShares: bigint; receiver: Address }): UserCall => ({
  address: entryOf(ctx, p.asset).address,
  abi: trellisEntryAbi as Abi,
  functionName: "deposit",
  args: [p.amount, p.receiver, p.minShares],
});

export type DepositParameters = {
  key: `0x${string}`;
  asset: { token: Address; symbol: string; decimals: number };
  amount: bigint;
  receiver?: Address | undefined;
  minShares?: bigint | undefined;
  /** Devnet: mint the LST to the sender first, only if the deposit's simulation succeeds. */
  mint?: boolean | undefined;
};

export type DepositReturnType = {
  shares: bigint;
  preview: bigint;
  minShares: bigint;
  approval: EnsureAllowanceReturnType;
  hash: `0x${string}`;
  minted?: bigint | undefined;
};

export async function deposit(ctx: CliContext, p: DepositParameters): Promise<DepositReturnType> {
  const user = accountFromKey(p.key).address;
  const receiver = p.receiver ?? user;
  const spender = depositSpender(ctx, p.asset.token);
  let minted: bigint | undefined;
  if (p.mint) {
    if (!ctx.network.devnet) throw new ConfigError("--mint is devnet only");
    const mints = await devnetMintCalls(ctx, p.asset.symbol, user, p.amount);
    const needsApproval = (await readAllowance(ctx, { owner: user, token: p.asset.token, spender: spender.address })) < p.amount;
    const approve = needsApproval ? [{ ...exactApproveCall({ token: p.asset.token, spender: spender.address, amount: p.amount }), from: user }] : [];
    // The preview can only be read once the tokens exist (an LST with no supply has no price yet), so the
    // simulation checks the deposit without a minimum; the real deposit below has one.
    const probe = depositCall(ctx, { asset: p.asset.token, amount: p.amount, minShares: p.minShares ?? 0n, receiver });
    await simulateFlow(ctx, [...mints, ...approve, { ...probe, from: user }]);
    for (const m of mints) await userSend(ctx, m.key, m, `devnet mint: ${m.functionName} ${p.asset.symbol}`);
    minted = p.amount;
  }
  const preview = await previewDeposit(ctx, p.asset.token, p.amount);
  const minShares = p.minShares ?? (preview * 995n) / 1000n;
  const call = depositCall(ctx, { asset: p.asset.token, amount: p.amount, minShares, receiver });
  const approval = await ensureAllowance(ctx, p.key, { owner: user, token: p.asset.token, symbol: p.asset.symbol, decimals: p.asset.decimals, spender: spender.address, spenderName: spender.name, amount: p.amount });
  const before = (await ctx.publicClient.readContract({ address: ctx.deployment.trellis.trETH, abi: trETHAbi, functionName: "balanceOf", args: [receiver] })) as bigint;
  const sent = await userSend(ctx, p.key, call, `deposit ${ctx.units.amount(p.amount, p.asset.symbol, p.asset.decimals)}`);
  const after = (await ctx.publicClient.readContract({ address: ctx.deployment.trellis.trETH, abi: trETHAbi, functionName: "balanceOf", args: [receiver], blockNumber: sent.receipt.blockNumber })) as bigint;
  return { shares: after - before, preview, minShares, approval, hash: sent.hash, minted };
}

type FlowCall = UserCall & { from: Address };

/**
 * Simulates calls in order in one block (eth_simulateV1), each from its own sender; throws the first
 * failure as a TxError (nothing sent).
 */
async function simulateFlow(ctx: CliContext, calls: FlowCall[]): Promise<void> {
  let blocks;
  try {
    blocks = await ctx.publicClient.simulateBlocks({
      blocks: [{ calls: calls.map((c) => ({ account: c.from, to: c.address, abi: c.abi, functionName: c.functionName, args: c.args })) as never }],
    });
  } catch (e) {
    const revert = decodeRevert(e);
    if (revert) throw new TxError(calls.at(-1)!.functionName, "rejected", revert);
    throw e;
  }
  const results = blocks[0]!.calls as readonly { status: string; data: `0x${string}`; error?: Error }[];
  results.forEach((r, i) => {
    if (r.status === "success") return;
    const c = calls[i]!;
    const revert = (r.error && decodeRevert(r.error)) || (r.data && r.data !== "0x" ? decodeRevertData(r.data) : undefined);
    throw new TxError(c.functionName, "rejected", revert, undefined, revert ? undefined : `${c.functionName} would fail (simulated; nothing sent)`);
  });
  // The deposit's simulated result, for the debug log.
  const last = calls.at(-1)!;
  const out = results.at(-1)!;
  ctx.log.debug("simulated", { fn: last.functionName, result: decodeFunctionResult({ abi: last.abi, functionName: last.functionName, data: out.data } as never) });
}

type KeyedCall = FlowCall & { key: `0x${string}` };

/** The devnet token calls that give `to` exactly `amount` (at least, for wstETH) of `symbol`. */
async function devnetMintCalls(ctx: CliContext, symbol: string, to: Address, amount: bigint): Promise<KeyedCall[]> {
  const token = (s: string) => ctx.deployment.assets.find((a) => a.symbol === s)!.token;
  const deployerKey = devnetPrivateKey(DEVNET_KEY_INDEX.deployer);
  const deployer = accountFromKey(deployerKey).address;
  const mint = (s: string, abi: Abi, units: bigint): KeyedCall => ({ key: deployerKey, from: deployer, address: token(s), abi, functionName: "mint", args: [to, units] });
  if (symbol === "stETH") return [mint("stETH", devnetStETHAbi as Abi, amount)];
  if (symbol === "rETH") return [mint("rETH", devnetRETHAbi as Abi, amount)];
  if (symbol === "osETH") return [mint("osETH", devnetOsETHAbi as Abi, amount)];
  if (symbol === "wstETH") {
    const userKey = userKeyFor(to);
    const perToken = (await ctx.publicClient.readContract({ address: token("wstETH"), abi: devnetWstETHAbi, functionName: "stEthPerToken" })) as bigint;
    // wrap rounds down and stETH moves by shares (1-2 wei short): a few wei more stETH than the exact price.
    const stEth = (amount * perToken + 10n ** 18n - 1n) / 10n ** 18n + 10n;
    return [
      mint("stETH", devnetStETHAbi as Abi, stEth),
      { key: userKey, from: to, ...exactApproveCall({ token: token("stETH"), spender: token("wstETH"), amount: stEth }) },
      { key: userKey, from: to, address: token("wstETH"), abi: devnetWstETHAbi as Abi, functionName: "wrap", args: [stEth] },
    ];
  }
  throw new ConfigError(`--mint: no devnet mint for ${symbol}`);
}

function userKeyFor(address: Address): `0x${string}` {
  for (const i of DEVNET_KEY_INDEX.users) {
    const key = devnetPrivateKey(i);
    if (accountFromKey(key).address === address) return key;
  }
  throw new ConfigError("--mint with wstETH works with a devnet user key (index 8 or 9)");
}
