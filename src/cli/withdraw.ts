// `trellis deposit` and `trellis withdraw ...`: a user's deposits and exits through the LSTs' entries
// (ERC-7575 deposits, ERC-7540 redemption requests, claims, cancels and the instant lane).
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { getAbiItem, zeroAddress, type Abi, type AbiEvent, type Address } from "viem";
import { trellisEntryAbi, trETHAbi, vaultAbi, withdrawalQueueAbi } from "../abi/generated/index.js";
import { accountFromKey } from "../chain/clients.js";
import { ConfigError, requirePrivateKey } from "../chain/config.js";
import { decodeRevert, type DecodedRevert } from "../chain/errors.js";
import { sendCall, type SendResult } from "../chain/send.js";
import { eth } from "../chain/status.js";
import type { Deployment } from "../devnet/deployment.js";
import { formatWhen } from "../chain/format.js";
import { makeContext, type CliContext, type GlobalOptions } from "./context.js";
import { printTx } from "./tx.js";
import { InputError, parseAddressArg, parseAmountArg, parseIntegerArg, parseWeiArg } from "../chain/validate.js";

type Asset = Deployment["assets"][number];
type Call = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] };

/** A refused or failed user transaction, with the contract's error in words. */
export class UserTxError extends Error {
  override readonly name = "UserTxError";
}

/** What a named revert means to the person who ran the command. */
export function explainRevert(r: DecodedRevert, assets: readonly Asset[]): string {
  const sym = (a: unknown) => assets.find((x) => typeof a === "string" && x.token.toLowerCase() === a.toLowerCase())?.symbol ?? String(a);
  const amt = (v: unknown) => (typeof v === "bigint" ? eth(v) : String(v));
  const a = r.args;
  const words: Record<string, () => string> = {
    InsufficientAssetLiquidity: () => `Trellis holds only ${amt(a[1])} ${sym(a[0])} not yet promised to other requests (you asked for ${amt(a[2])}); choose another --asset`,
    WithdrawalBelowMinimum: () => `a request must be worth at least ${amt(a[1])} ${sym(a[0])} (this one is ${amt(a[2])})`,
    RequestNotPending: () => `request #${a[0]} is not pending (already finalized, cancelled, not yours, or in another asset)`,
    ExceedsClaimable: () => `only ${amt(a[1])} is claimable now (asked ${amt(a[2])})`,
    NotAuthorized: () => `${a[0]} may not act for ${a[1]}`,
    InstantLimitExceeded: () => `the instant lane has ${amt(a[0])} ETH left this period (asked ${amt(a[1])} ETH); request a normal redemption`,
    InstantLaneClosed: () => `the instant lane is closed for ${sym(a[0])}: it would leave ${amt(a[1])} ETH idle, below the ${amt(a[2])} ETH watermark`,
    InstantSlippage: () => `the instant lane would pay ${amt(a[1])}, less than the ${amt(a[0])} you accepted (its fee rose meanwhile)`,
    WithdrawalsPaused: () => "withdrawals are paused by the guardian",
    RedeemNotSupported: () => `${sym(a[0])} pays no redemptions (wstETH is held as stETH: exit with --asset stETH)`,
    MarketPriceDiverged: () => `${sym(a[0])}'s market price ${amt(a[2])} is too far from its protocol price ${amt(a[1])}: deposits of it are refused until it recovers`,
    MarketPriceStale: () => `${sym(a[0])}'s market price feed is stale: deposits of it are refused`,
    MeasurementStale: () => "the delegators' holdings were not refreshed recently enough; anyone may run `vault.refresh(n)` (the keeper does each cycle)",
    PriceOutOfBounds: () => `${sym(a[0])}'s price ${amt(a[1])} is outside its bounds [${amt(a[2])}, ${amt(a[3])}]: deposits stop until it is back`,
    DepositBelowMinimum: () => `the minimum deposit of ${sym(a[0])} is ${amt(a[1])}`,
    DepositCapExceeded: () => `the deposit cap of ${sym(a[0])} (${amt(a[1])}) would be exceeded`,
    SlippageExceeded: () => `the deposit would mint ${amt(a[1])} trETH, less than your minimum ${amt(a[0])}`,
    ERC20InsufficientBalance: () => `balance ${amt(a[1])} is below the ${amt(a[2])} needed`,
  };
  const say = words[r.errorName];
  return say ? `${say()} [${r.text}]` : r.text;
}

/**
 * Sends a user transaction (simulate, then send), printing `tx <hash>  <label> confirmed in block N` like every
 * command that sends; a revert becomes a `UserTxError` in words.
 */
export async function userSend(ctx: CliContext, key: `0x${string}`, call: Call, label: string = call.functionName): Promise<Extract<SendResult, { status: "confirmed" }>> {
  const res = await sendCall({ publicClient: ctx.publicClient, account: accountFromKey(key), log: ctx.log, gasPriceCap: ctx.network.gasPriceCap }, call);
  if (res.status === "confirmed") {
    printTx(ctx, res.hash, `${label} confirmed in block ${res.receipt.blockNumber}`);
    return res;
  }
  if (res.status === "reverted") printTx(ctx, res.hash, `${label} reverted`);
  const revert = res.status === "rejected" ? res.revert : res.status === "reverted" ? res.revert : undefined;
  const why = revert ? explainRevert(revert, ctx.deployment.assets) : res.status === "skipped" ? res.reason : res.status;
  throw new UserTxError(`${call.functionName} ${res.status === "rejected" ? "refused" : res.status}: ${why}`);
}

export function assetOf(deployment: Deployment, symbolOrAddress: string): Asset {
  const key = symbolOrAddress.toLowerCase();
  const a = deployment.assets.find((x) => x.symbol.toLowerCase() === key || x.token.toLowerCase() === key);
  if (!a) throw new ConfigError(`unknown asset "${symbolOrAddress}": one of ${deployment.assets.map((x) => x.symbol).join(", ")}`);
  if (!a.entry || a.entry === zeroAddress) throw new ConfigError(`${a.symbol} has no entry in this deployment`);
  return a;
}

/** Assets that pay redemptions: those held as themselves (a wrapper such as wstETH is held as its underlying). */
const redeemable = (d: Deployment) => d.assets.filter((a) => a.entry && a.entry !== zeroAddress && a.strategy !== zeroAddress);

async function user(globals: GlobalOptions) {
  const ctx = await makeContext(globals);
  const { key, source } = requirePrivateKey(ctx.network, "TRELLIS_USER_KEY");
  const account = accountFromKey(key);
  ctx.log.debug("user key", { source, address: account.address });
  return { ctx, key, address: account.address };
}

const read = <T>(ctx: CliContext, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
  ctx.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;


/** A trETH amount argument (or `all`), checked before anything touches the node. */
function parseSharesArg(arg: string, raw: boolean): bigint | "all" {
  if (arg === "all") return "all";
  return raw ? parseWeiArg(arg, "trETH") : parseAmountArg(arg, 18, "trETH", { symbol: "trETH" });
}

/** The parsed amount checked against what `owner` holds before anything is sent. */
async function sharesHeld(ctx: CliContext, owner: Address, wanted: bigint | "all"): Promise<bigint> {
  const balance = await read<bigint>(ctx, ctx.deployment.trellis.trETH, trETHAbi as Abi, "balanceOf", [owner]);
  if (wanted === "all") {
    if (balance === 0n) throw new InputError(`trETH: ${owner} holds none`);
    return balance;
  }
  if (wanted > balance) throw new InputError(`trETH: ${ctx.units.trEth(wanted)} is more than the ${ctx.units.trEth(balance)} ${owner} holds`);
  return wanted;
}

/** The global --wei flag, read from the process arguments before a context (and its RPC) exists. */
const rawArg = (globals: () => GlobalOptions) => globals().wei ?? false;

type RequestRow = { id: bigint; asset: string; state: string; shares: bigint; value: bigint; payableFrom: bigint };
const STATES = ["none", "pending", "claimable", "cancelled"] as const;

/**
 * Every request of `controller`, found by the `RedeemRequested` logs naming it (as `trellis position` finds its
 * open ones), so the reads grow with this controller's requests, not with every request ever made; pending ones
 * valued as finalization would value them now.
 */
async function requestsOf(ctx: CliContext, controller: Address): Promise<RequestRow[]> {
  const { withdrawalQueue: wq, vault } = ctx.deployment.trellis;
  const delay = BigInt((await read<{ minRedeemDelay: number }>(ctx, wq, withdrawalQueueAbi as Abi, "exitParams")).minRedeemDelay);
  const logs = (await ctx.publicClient.getLogs({
    address: wq,
    event: getAbiItem({ abi: withdrawalQueueAbi, name: "RedeemRequested" }) as AbiEvent,
    args: { controller } as never,
    fromBlock: 0n,
  })) as unknown as { args: { requestId: bigint } }[];
  const ids = logs.map((l) => l.args.requestId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // The requests read together, not one round trip after another.
  const rows = await Promise.all(
    ids.map(async (id): Promise<RequestRow> => {
      const r = await read<{ shares: bigint; asset: Address; requestedAt: number; status: number; valueAtRequest: bigint }>(ctx, wq, withdrawalQueueAbi as Abi, "getRequest", [id]);
      let value = r.valueAtRequest;
      if (r.status === 1) {
        const now = await read<bigint>(ctx, vault, vaultAbi as Abi, "convertToAssets", [r.shares]);
        if (now < value) value = now;
      }
      const symbol = ctx.deployment.assets.find((a) => a.token.toLowerCase() === r.asset.toLowerCase())?.symbol ?? r.asset;
      return { id, asset: symbol, state: STATES[r.status] ?? String(r.status), shares: r.shares, value, payableFrom: BigInt(r.requestedAt) + delay };
    }),
  );
  return rows;
}

/** A plain-text table, amounts (the `right` columns) aligned right, text left. */
function textTable(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function registerWithdrawCommands(program: Command, globals: () => GlobalOptions): void {
  const withdraw = program.command("withdraw").description("exits: ERC-7540 redemption requests through the LSTs' entries, claims, cancels, the instant lane");

  withdraw
    .command("request")
    .description("escrow trETH in a redemption request, payable in the LST after the minimum wait (minRedeemDelay)")
    .argument("<trETH>", "trETH to redeem, e.g. 2.5, or 'all'")
    .requiredOption("--asset <asset>", "LST to be paid in")
    .option("--controller <address>", "who may claim or cancel it (default: the sender)")
    .action(async (amount: string, o: { asset: string; controller?: Address }) => {
      if (o.controller !== undefined) o.controller = parseAddressArg(o.controller, "--controller");
      const wanted = parseSharesArg(amount, rawArg(globals));
      const { ctx, key, address } = await user(globals());
      const asset = assetOf(ctx.deployment, o.asset);
      const shares = await sharesHeld(ctx, address, wanted);
      const u = ctx.units;
      const res = await userSend(ctx, key, { address: asset.entry, abi: trellisEntryAbi as Abi, functionName: "requestRedeem", args: [shares, o.controller ?? address, address] }, `request to redeem ${u.trEth(shares)} in ${asset.symbol}`);
      const id = res.result as bigint;
      const payableFrom = await read<bigint>(ctx, ctx.deployment.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "payableFrom", [id]);
      const now = (await ctx.publicClient.getBlock({ blockNumber: res.receipt.blockNumber })).timestamp;
      ctx.out(
        `redemption request #${id}: ${u.trEth(shares)} escrowed, paid in ${asset.symbol} from ${formatWhen(payableFrom, now)} once finalized (the keeper does it; anyone may)`,
        { requestId: id, shares, asset: asset.token, payableFrom, hash: res.hash },
      );
    });

  withdraw
    .command("list")
    .description("redemption requests of an address (default: yours): id, state, value, payable from; and what is claimable")
    .argument("[address]", "controller to list")
    .action(async (who?: string) => {
      const given = who === undefined ? undefined : parseAddressArg(who, "address");
      const ctx = await makeContext(globals());
      const controller = given ?? accountFromKey(requirePrivateKey(ctx.network, "TRELLIS_USER_KEY").key).address;
      const rows = await requestsOf(ctx, controller);
      const claimable = await Promise.all(
        redeemable(ctx.deployment).map(async (a) => {
          const [shares, assets] = await read<readonly [bigint, bigint]>(ctx, ctx.deployment.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "claimableOf", [a.token, controller]);
          return { asset: a.symbol, shares, assets };
        }),
      );
      const u = ctx.units;
      const now = (await ctx.publicClient.getBlock()).timestamp;
      // Claims are pooled per controller and asset: once a pool is empty its finalized requests are claimed.
      const pooled = new Map(claimable.map((c) => [c.asset, c.shares]));
      const state = (r: RequestRow) => (r.state === "claimable" && (pooled.get(r.asset) ?? 0n) === 0n ? "claimed" : r.state);
      const when = (r: RequestRow) => (r.state === "pending" ? (r.payableFrom <= now ? "payable now, once finalized" : `payable from ${formatWhen(r.payableFrom, now)}`) : "");
      for (const r of rows) r.state = state(r);
      const listed = textTable(
        ["id", "state", "trETH", "value", "paid in", "when"],
        rows.map((r) => [`#${r.id}`, r.state, u.trEth(r.shares), u.eth(r.value), r.asset, when(r)]),
        [2, 3],
      );
      const lines = [listed];
      const pools = claimable.filter((c) => c.shares > 0n).map((c) => `claimable: ${u.amount(c.assets, c.asset)} (for ${u.trEth(c.shares)}): \`trellis withdraw claim\``);
      ctx.out([rows.length ? lines.join("\n") : `no requests for ${controller}`, ...pools].join("\n"), { controller, requests: rows, claimable });
    });

  withdraw
    .command("cancel")
    .description("cancel a pending request: its escrowed trETH comes back, exactly")
    .argument("<requestId>")
    .action(async (idArg: string) => {
      const id = parseIntegerArg(idArg, "requestId");
      const { ctx, key, address } = await user(globals());
      const r = await read<{ asset: Address; shares: bigint; requestedAt: number }>(ctx, ctx.deployment.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "getRequest", [id]);
      if (Number(r.requestedAt) === 0) {
        const next = await read<bigint>(ctx, ctx.deployment.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "nextRequestId", []);
        throw new InputError(`requestId: no request #${id} (${next > 1n ? `requests so far: #1 to #${next - 1n}` : "no requests yet"})`);
      }
      const asset = ctx.deployment.assets.find((a) => a.token.toLowerCase() === r.asset.toLowerCase());
      if (!asset) throw new UserTxError(`request #${id} does not exist`);
      const res = await userSend(ctx, key, { address: asset.entry, abi: trellisEntryAbi as Abi, functionName: "cancelRedeemRequest", args: [id, address] }, `cancel request #${id}`);
      ctx.out(`request #${id} cancelled: ${ctx.units.trEth(r.shares)} back to ${address}`, { requestId: id, shares: r.shares, hash: res.hash });
    });

  withdraw
    .command("claim")
    .description("redeem everything claimable (finalized requests), in every asset or one")
    .option("--asset <asset>", "only this LST")
    .option("--receiver <address>", "who gets the assets (default: the sender)")
    .action(async (o: { asset?: string; receiver?: Address }) => {
      if (o.receiver !== undefined) o.receiver = parseAddressArg(o.receiver, "--receiver");
      const { ctx, key, address } = await user(globals());
      const assets = o.asset ? [assetOf(ctx.deployment, o.asset)] : redeemable(ctx.deployment);
      const paid: { asset: string; shares: bigint; assets: bigint; hash: string }[] = [];
      for (const a of assets) {
        const [shares] = await read<readonly [bigint, bigint]>(ctx, ctx.deployment.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "claimableOf", [a.token, address]);
        if (shares === 0n) continue;
        const res = await userSend(ctx, key, { address: a.entry, abi: trellisEntryAbi as Abi, functionName: "redeem", args: [shares, o.receiver ?? address, address] }, `claim ${a.symbol}`);
        paid.push({ asset: a.symbol, shares, assets: res.result as bigint, hash: res.hash });
      }
      const text = paid.length ? paid.map((p) => `claimed ${ctx.units.amount(p.assets, p.asset)} for ${ctx.units.trEth(p.shares)} (tx ${p.hash})`).join("\n") : "nothing claimable yet (`trellis withdraw list` shows when requests become payable)";
      ctx.out(text, { claimed: paid });
    });

  withdraw
    .command("instant")
    .description("redeem at once from the instant lane, for a fee that rises with the lane's use (quoted first)")
    .argument("<trETH>", "trETH to redeem, or 'all'")
    .requiredOption("--asset <asset>", "LST to be paid in")
    .option("--max-fee <bps>", "accept the quote without asking if its fee is at most this many basis points")
    .option("--yes", "accept the quoted fee without asking")
    .action(async (amount: string, o: { asset: string; maxFee?: string; yes?: boolean }) => {
      const wanted = parseSharesArg(amount, rawArg(globals));
      const maxFee = o.maxFee === undefined ? undefined : parseIntegerArg(o.maxFee, "--max-fee", { max: 10_000n });
      const { ctx, key, address } = await user(globals());
      const asset = assetOf(ctx.deployment, o.asset);
      const shares = await sharesHeld(ctx, address, wanted);
      const u = ctx.units;
      // The lane pays only within an hour of a full refresh of the holdings (anyone may run one): do it if needed.
      const refreshedAt = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi as Abi, "lastFullRefresh", []);
      const now = (await ctx.publicClient.getBlock()).timestamp;
      if (now > refreshedAt + 3_000n) {
        await userSend(ctx, key, { address: ctx.deployment.trellis.vault, abi: vaultAbi as Abi, functionName: "refresh", args: [2n ** 32n] }, "refresh of the holdings (the instant lane pays within an hour of one)");
      }
      const quote = await ctx.publicClient
        .readContract({ address: asset.entry, abi: trellisEntryAbi, functionName: "previewInstantRedeem", args: [shares] })
        .catch((e: unknown) => {
          const r = decodeRevert(e);
          throw r ? new UserTxError(`instant redemption unavailable: ${explainRevert(r, ctx.deployment.assets)}`) : e;
        });
      const [assets, fee] = quote as readonly [bigint, bigint];
      const value = await read<bigint>(ctx, ctx.deployment.trellis.vault, vaultAbi as Abi, "convertToAssets", [shares]);
      const feeBps = value === 0n ? 0n : (fee * 10_000n + value - 1n) / value;
      const text = `instant: ${u.trEth(shares)} (${u.eth(value)}) -> ${u.amount(assets, asset.symbol)} now, fee ${u.eth(fee)} (${Number(feeBps) / 100}%)`;
      let ok = o.yes ?? false;
      if (maxFee !== undefined) {
        const max = maxFee;
        if (feeBps > max) throw new UserTxError(`${text}: fee above --max-fee ${max} bps, nothing sent`);
        ok = true;
      }
      if (!ok) {
        if (ctx.json) throw new ConfigError("--json needs --yes or --max-fee to accept the fee");
        ok = await confirm(`${text}. Redeem? [y/N] `);
      }
      if (!ok) {
        ctx.out(`${text}: not accepted, nothing sent`, { accepted: false, shares, assets, fee, feeBps });
        return;
      }
      const res = await userSend(ctx, key, { address: asset.entry, abi: trellisEntryAbi as Abi, functionName: "instantRedeem", args: [shares, address, address, assets] }, `instant redemption of ${u.trEth(shares)} in ${asset.symbol}`);
      const paid = res.result as bigint;
      ctx.out(`redeemed ${u.trEth(shares)}: ${u.amount(paid, asset.symbol)} paid, fee ${u.eth(fee)} (tx ${res.hash})`, { accepted: true, shares, assets: paid, fee, feeBps, hash: res.hash });
    });
}
