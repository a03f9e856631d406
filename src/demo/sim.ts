// Devnet actors for the demo and the tests: the deployer mints LSTs, accrues their yield and posts reward
// roots (it owns the devnet LSTs and is the RewardsCoordinator's rewards updater), users deposit and withdraw,
// an AVS slashes. Devnet only: every key here comes from the public mnemonic.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  createTestClient,
  createWalletClient,
  erc20Abi,
  http,
  maxUint256,
  parseEventLogs,
  zeroAddress,
  type Abi,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
} from "viem";
import type { HDAccount } from "viem/accounts";
import {
  allocationManagerAbi,
  delegationManagerAbi,
  devnetOsETHAbi,
  devnetOsTokenVaultControllerAbi,
  devnetPriceFeedAbi,
  devnetRETHAbi,
  devnetStETHAbi,
  devnetWstETHAbi,
  rewardsCoordinatorAbi,
  strategyManagerAbi,
  trellisEntryAbi,
  trETHAbi,
  vaultAbi,
  withdrawalQueueAbi,
} from "../abi/generated/index.js";
import { decodeRevert } from "../chain/errors.js";
import { silentLogger } from "../chain/log.js";
import { waitForReceipt } from "../chain/send.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import type { Deployment } from "../devnet/deployment.js";
import { buildRewardsMerkleTree, type RewardsDistribution } from "../devnet/rewards.js";
import { writeRewardsDistributionFile } from "../devnet/rewardsFile.js";

export type Sim = ReturnType<typeof createSim>;

/** Mnemonic index of the first outside staker (one per operator). */
export const OUTSIDE_STAKER_INDEX = 40;

export class SimTxError extends Error {
  override readonly name = "SimTxError";
}

export function createSim(params: { publicClient: PublicClient<Transport, Chain>; rpcUrl: string; deployment: Deployment }) {
  const { publicClient, deployment: d } = params;
  const chain = publicClient.chain;
  const transport = http(params.rpcUrl);
  const testClient = createTestClient({ chain, transport, mode: "anvil" });
  const deployer = devnetAccount(DEVNET_KEY_INDEX.deployer);
  const users = DEVNET_KEY_INDEX.users.map((i) => devnetAccount(i));
  const token = (symbol: string): Address => {
    const a = d.assets.find((x) => x.symbol === symbol);
    if (!a) throw new Error(`no asset ${symbol} in the deployment`);
    return a.token;
  };
  const entry = (symbol: string): Address => {
    const a = d.assets.find((x) => x.symbol === symbol);
    if (!a?.entry) throw new Error(`no entry for ${symbol} in the deployment`);
    return a.entry;
  };

  /** Sends as `account` and waits; a revert throws with the decoded error name. */
  async function tx(account: HDAccount, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<Hash> {
    const wallet = createWalletClient({ chain, transport, account });
    let hash: Hash;
    try {
      const call = { account, address, abi, functionName, args } as never;
      const { request } = await publicClient.simulateContract(call);
      // A 20% margin, as the keeper's sends: the block is mined a second after the estimate, and what the
      // rate's stream releases in between can make the call a little dearer.
      const gas = ((await publicClient.estimateContractGas(call)) * 12n) / 10n;
      hash = await wallet.writeContract({ ...(request as object), gas } as never);
    } catch (e) {
      const r = decodeRevert(e);
      throw new SimTxError(`${functionName} by ${account.address} ${r ? `reverted: ${r.text}` : (e as Error).message}`);
    }
    const receipt = await waitForReceipt({ publicClient, log: silentLogger }, hash);
    if (receipt.status !== "success") throw new SimTxError(`${functionName} reverted on chain (${hash})`);
    return hash;
  }

  const read = <T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;

  return {
    deployer,
    users,
    testClient,
    token,
    entry,
    tx,
    read,

    /** Mints `amount` of an LST to `to` (wstETH by wrapping minted stETH). Returns the units minted. */
    async mintLst(symbol: string, to: HDAccount, amount: bigint): Promise<bigint> {
      if (symbol === "stETH") await tx(deployer, token("stETH"), devnetStETHAbi as Abi, "mint", [to.address, amount]);
      else if (symbol === "rETH") await tx(deployer, token("rETH"), devnetRETHAbi as Abi, "mint", [to.address, amount]);
      else if (symbol === "osETH") await tx(deployer, token("osETH"), devnetOsETHAbi as Abi, "mint", [to.address, amount]);
      else if (symbol === "wstETH") {
        const before = await read<bigint>(token("wstETH"), devnetWstETHAbi as Abi, "balanceOf", [to.address]);
        await tx(deployer, token("stETH"), devnetStETHAbi as Abi, "mint", [to.address, amount + amount / 5n]);
        await tx(to, token("stETH"), devnetStETHAbi as Abi, "approve", [token("wstETH"), maxUint256]);
        await tx(to, token("wstETH"), devnetWstETHAbi as Abi, "wrap", [amount]);
        return (await read<bigint>(token("wstETH"), devnetWstETHAbi as Abi, "balanceOf", [to.address])) - before;
      } else throw new Error(`unknown LST ${symbol}`);
      return amount;
    },

    /** Deposits through the asset's entry (an exact-amount approval); returns trETH minted. */
    async deposit(user: HDAccount, symbol: string, amount: bigint): Promise<bigint> {
      const e = entry(symbol);
      await tx(user, token(symbol), erc20Abi as Abi, "approve", [e, amount]);
      const before = await read<bigint>(d.trellis.trETH, trETHAbi as Abi, "balanceOf", [user.address]);
      const preview = await read<bigint>(e, trellisEntryAbi as Abi, "previewDeposit", [amount]);
      await tx(user, e, trellisEntryAbi as Abi, "deposit", [amount, user.address, (preview * 999n) / 1000n]);
      return (await read<bigint>(d.trellis.trETH, trETHAbi as Abi, "balanceOf", [user.address])) - before;
    },

    /** Requests a redemption of `shares` trETH paid in `symbol` (ERC-7540 `requestRedeem`); returns the request id. */
    async requestRedeem(user: HDAccount, shares: bigint, symbol: string): Promise<bigint> {
      const hash = await tx(user, entry(symbol), trellisEntryAbi as Abi, "requestRedeem", [shares, user.address, user.address]);
      const receipt = await publicClient.getTransactionReceipt({ hash });
      const [ev] = parseEventLogs({ abi: withdrawalQueueAbi, logs: receipt.logs, eventName: "RedeemRequested" });
      if (!ev) throw new SimTxError(`requestRedeem ${hash} emitted no RedeemRequested`);
      return ev.args.requestId;
    },

    /** Claims everything `user` can claim in `symbol` (`redeem` of the whole claimable pool); returns assets paid. */
    async claimRedeem(user: HDAccount, symbol: string): Promise<bigint> {
      const [shares] = await read<readonly [bigint, bigint]>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "claimableOf", [token(symbol), user.address]);
      if (shares === 0n) return 0n;
      const before = await read<bigint>(token(symbol), erc20Abi as Abi, "balanceOf", [user.address]);
      await tx(user, entry(symbol), trellisEntryAbi as Abi, "redeem", [shares, user.address, user.address]);
      return (await read<bigint>(token(symbol), erc20Abi as Abi, "balanceOf", [user.address])) - before;
    },

    /** Cancels a pending request: its escrowed trETH comes back. */
    async cancelRedeem(user: HDAccount, id: bigint, symbol: string): Promise<Hash> {
      return tx(user, entry(symbol), trellisEntryAbi as Abi, "cancelRedeemRequest", [id, user.address]);
    },

    /** The instant lane: quotes, then redeems at once for at least the quote; returns (assets paid, fee in ETH). */
    async instantRedeem(user: HDAccount, shares: bigint, symbol: string): Promise<{ assets: bigint; fee: bigint }> {
      // The lane pays only within an hour of a full refresh of the holdings: run one first (anyone may).
      await this.refresh();
      const [assets, fee] = await read<readonly [bigint, bigint]>(entry(symbol), trellisEntryAbi as Abi, "previewInstantRedeem", [shares]);
      const before = await read<bigint>(token(symbol), erc20Abi as Abi, "balanceOf", [user.address]);
      await tx(user, entry(symbol), trellisEntryAbi as Abi, "instantRedeem", [shares, user.address, user.address, assets]);
      return { assets: (await read<bigint>(token(symbol), erc20Abi as Abi, "balanceOf", [user.address])) - before, fee };
    },

    /** A full refresh of the delegators' holdings (anyone may call it), so deposits are accepted again. */
    async refresh(batch = 50n): Promise<void> {
      for (let i = 0; i < 1000; i++) {
        const [, done] = await read<readonly [bigint, boolean]>(d.trellis.vault, vaultAbi as Abi, "refresh", [batch]).catch(() => [0n, true] as const);
        await tx(deployer, d.trellis.vault, vaultAbi as Abi, "refresh", [batch]);
        if (done) return;
      }
    },

    /** Devnet: moves the stETH/ETH market feed (its owner is the deployer); 1e18 is the peg. */
    async setStEthMarketPrice(answer: bigint): Promise<void> {
      const feed = d.trellis.stEthMarketFeed;
      if (!feed) throw new Error("the deployment has no stETH market feed");
      await tx(deployer, feed, devnetPriceFeedAbi as Abi, "setAnswer", [answer]);
    },

    /** LST yield: stETH (and so wstETH) and rETH by `bps`, osETH's rate by as much. */
    async accrueYield(bps: bigint): Promise<void> {
      await tx(deployer, token("stETH"), devnetStETHAbi as Abi, "accrue", [bps]);
      await tx(deployer, token("rETH"), devnetRETHAbi as Abi, "accrue", [bps]);
      const ctl = d.tokens.osTokenVaultController;
      const rate = await read<bigint>(ctl, devnetOsTokenVaultControllerAbi as Abi, "rate");
      await tx(deployer, ctl, devnetOsTokenVaultControllerAbi as Abi, "setRate", [rate + (rate * bps) / 10_000n]);
    },

    /**
     * Publishes a reward root: mints the new rewards (rETH) to the coordinator, writes the cumulative
     * distribution file to `dir` and submits its root. Returns the root's file.
     */
    async publishRewards(p: { dir: string; distribution: RewardsDistribution; newRewards: bigint; rewardToken: Address; label: string }): Promise<string> {
      mkdirSync(p.dir, { recursive: true });
      const file = join(p.dir, `${p.label}.json`);
      await writeRewardsDistributionFile(file, p.distribution);
      const tree = buildRewardsMerkleTree(p.distribution);
      if (p.newRewards > 0n) await tx(deployer, p.rewardToken, devnetRETHAbi as Abi, "mint", [d.eigenlayer.rewardsCoordinator, p.newRewards]);
      const { timestamp } = await publicClient.getBlock();
      await tx(deployer, d.eigenlayer.rewardsCoordinator, rewardsCoordinatorAbi as Abi, "submitRoot", [tree.root, Number(timestamp) - 1]);
      return file;
    },

    async activationDelay(): Promise<number> {
      return Number(await read<number>(d.eigenlayer.rewardsCoordinator, rewardsCoordinatorAbi as Abi, "activationDelay"));
    },

    /** Moves the clock by `seconds` and mines `blocks` blocks (at least one). */
    async advance(seconds: number, blocks = 1): Promise<void> {
      // An explicit timestamp (rather than evm_increaseTime) also works when anvil derives block time from a
      // fixed interval per block, as the keeper test sets it.
      if (seconds > 0) {
        const { timestamp } = await publicClient.getBlock({ blockTag: "latest" });
        await testClient.setNextBlockTimestamp({ timestamp: timestamp + BigInt(seconds) });
      }
      await testClient.mine({ blocks: Math.max(1, blocks) });
    },

    /**
     * Stake from outside Trellis, as on mainnet where operators have other stakers: one staker per operator
     * (mnemonic index 40+) restakes `amount` stETH and delegates to it. Without it, no operator set would
     * meet the strategy engine's robustness bound (stake at least (1+gamma) x profit from corruption).
     */
    async seedOutsideStake(amount: bigint): Promise<void> {
      for (const [i, op] of d.operators.entries()) {
        const staker = devnetAccount(OUTSIDE_STAKER_INDEX + i);
        await testClient.setBalance({ address: staker.address, value: 10n ** 20n });
        await tx(deployer, token("stETH"), devnetStETHAbi as Abi, "mint", [staker.address, amount]);
        await tx(staker, token("stETH"), devnetStETHAbi as Abi, "approve", [d.eigenlayer.strategyManager, maxUint256]);
        const strategy = d.assets.find((a) => a.symbol === "stETH")!.strategy;
        await tx(staker, d.eigenlayer.strategyManager, strategyManagerAbi as Abi, "depositIntoStrategy", [strategy, token("stETH"), amount]);
        await tx(staker, d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "delegateTo", [
          op.address,
          { signature: "0x", expiry: 0n },
          "0x0000000000000000000000000000000000000000000000000000000000000000",
        ]);
      }
    },

    /** AVS `avsIndex` slashes `operator` in operator set `operatorSetId` by `wad` (1e18 = all) of every strategy. */
    async slash(p: { avsIndex: number; operatorSetId: number; operator: Address; wad: bigint; description: string }): Promise<Hash> {
      const avs = d.avss[p.avsIndex]!;
      if (avs.keyIndex === undefined) throw new Error(`AVS ${avs.address} has no devnet key in this deployment`);
      const account = devnetAccount(avs.keyIndex);
      // EigenLayer wants strategies in ascending address order.
      const strategies = d.assets.map((a) => a.strategy).filter((a) => a !== zeroAddress).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      return tx(account, d.eigenlayer.allocationManager, allocationManagerAbi as Abi, "slashOperator", [
        avs.address,
        { operator: p.operator, operatorSetId: p.operatorSetId, strategies, wadsToSlash: strategies.map(() => p.wad), description: p.description },
      ]);
    },
  };
}
