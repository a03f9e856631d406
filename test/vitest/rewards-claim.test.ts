// End to end: a reward distribution built in TypeScript is submitted to the devnet RewardsCoordinator on a real
// anvil chain and claimed with processClaim, exactly as the keeper will claim against mainnet's coordinator.

import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  type Address,
  type Hash,
  type Hex,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { beforeAll, describe, expect, it } from "vitest";
import {
  devnetRETHAbi,
  devnetRETHBytecode,
  rewardsCoordinatorAbi,
  rewardsCoordinatorBytecode,
} from "../../src/abi/generated/index.js";
import { ANVIL_DEFAULT_KEYS } from "../../src/devnet/anvil.js";
import { buildRewardsClaims, type RewardsDistribution, type RewardsMerkleClaim } from "../../src/devnet/rewards.js";
import { useAnvil } from "../helpers/anvil.js";

const chain = useAnvil();
const ACTIVATION_DELAY = 3_600;
const deployer = privateKeyToAccount(ANVIL_DEFAULT_KEYS[0]);
const earnerA = privateKeyToAccount(ANVIL_DEFAULT_KEYS[1]);
const earnerB = privateKeyToAccount(ANVIL_DEFAULT_KEYS[2]);
const keeper = privateKeyToAccount(ANVIL_DEFAULT_KEYS[3]);

/** The Solidity error name a call reverts with, read through the contract's ABI. */
async function revertName(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (error instanceof BaseError) {
      const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName ?? reverted.signature;
    }
    throw error;
  }
  return undefined;
}

describe("RewardsCoordinator claims built in TypeScript", () => {
  const clients = () => {
    const transport = http(chain.rpcUrl);
    return {
      pub: createPublicClient({ chain: foundry, transport }),
      test: createTestClient({ chain: foundry, transport, mode: "anvil" }),
      wallet: (account: PrivateKeyAccount) => createWalletClient({ chain: foundry, transport, account }),
    };
  };
  let coordinator: Address;
  let tokenA: Address;
  let tokenB: Address;

  /** Waits for a transaction, checks it succeeded, and returns the address it deployed, if any. */
  async function mined(hash: Promise<Hash>): Promise<Address | null | undefined> {
    const receipt = await clients().pub.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status).toBe("success");
    return receipt.contractAddress;
  }

  /** Submits the distribution's root as the rewards updater and returns its claims. */
  async function submit(distribution: RewardsDistribution): Promise<{ root: Hex; claims: RewardsMerkleClaim[] }> {
    const { pub } = clients();
    const rootIndex = Number(
      await pub.readContract({ address: coordinator, abi: rewardsCoordinatorAbi, functionName: "getDistributionRootsLength" }),
    );
    const { root, claims } = buildRewardsClaims({ distribution, rootIndex });
    const { timestamp } = await pub.getBlock();
    await mined(
      clients()
        .wallet(deployer)
        .writeContract({
          address: coordinator,
          abi: rewardsCoordinatorAbi,
          functionName: "submitRoot",
          args: [root, Number(timestamp) - 1],
        }),
    );
    return { root, claims };
  }

  async function passActivationDelay() {
    const { test } = clients();
    await test.increaseTime({ seconds: ACTIVATION_DELAY });
    await test.mine({ blocks: 1 });
  }

  const balance = (token: Address, account: Address) =>
    clients().pub.readContract({ address: token, abi: devnetRETHAbi, functionName: "balanceOf", args: [account] });

  const simulateClaim = (account: PrivateKeyAccount, claim: RewardsMerkleClaim, recipient: Address) =>
    clients().pub.simulateContract({
      account,
      address: coordinator,
      abi: rewardsCoordinatorAbi,
      functionName: "processClaim",
      args: [claim, recipient],
    });

  beforeAll(async () => {
    const wallet = clients().wallet(deployer);
    // The deployer is the owner and the rewards updater; calculation interval one day.
    coordinator = (await mined(
      wallet.deployContract({
        abi: rewardsCoordinatorAbi,
        bytecode: rewardsCoordinatorBytecode,
        args: [deployer.address, deployer.address, ACTIVATION_DELAY, 86_400],
      }),
    ))!;
    const deployToken = () =>
      mined(wallet.deployContract({ abi: devnetRETHAbi, bytecode: devnetRETHBytecode, args: [deployer.address, parseEther("1")] }));
    tokenA = (await deployToken())!;
    tokenB = (await deployToken())!;
    for (const token of [tokenA, tokenB]) {
      await mined(
        wallet.writeContract({ address: token, abi: devnetRETHAbi, functionName: "mint", args: [coordinator, parseEther("1000")] }),
      );
    }
  });

  it("pays a claim once, refuses it twice, refuses a wrong proof, and pays only the increase of a later root", async () => {
    const others = Array.from({ length: 5 }, (_, i) => ({
      earner: `0x${(0x1000 + i).toString(16).padStart(40, "0")}` as Address,
      tokens: [{ token: tokenA, cumulativeEarnings: BigInt(i + 1) }],
    }));
    const { root, claims } = await submit([
      ...others,
      {
        earner: earnerA.address,
        tokens: [
          { token: tokenA, cumulativeEarnings: parseEther("1.5") },
          { token: tokenB, cumulativeEarnings: parseEther("0.25") },
        ],
      },
      { earner: earnerB.address, tokens: [{ token: tokenB, cumulativeEarnings: parseEther("2") }] },
    ]);
    const { pub } = clients();
    const claimA = claims.find((c) => c.earnerLeaf.earner === earnerA.address)!;
    expect(claimA.earnerTreeProof.length).toBe(2 + 3 * 64); // 7 earners pad to 8: three levels

    expect(await revertName(simulateClaim(earnerA, claimA, keeper.address))).toBe("RootNotActivated");
    await passActivationDelay();
    expect(
      await pub.readContract({ address: coordinator, abi: rewardsCoordinatorAbi, functionName: "checkClaim", args: [claimA] }),
    ).toBe(true);

    // Only the earner (or its claimer) may claim.
    expect(await revertName(simulateClaim(keeper, claimA, keeper.address))).toBe("UnauthorizedCaller");

    const { request } = await simulateClaim(earnerA, claimA, keeper.address);
    await mined(clients().wallet(earnerA).writeContract(request));
    expect(await balance(tokenA, keeper.address)).toBe(parseEther("1.5"));
    expect(await balance(tokenB, keeper.address)).toBe(parseEther("0.25"));
    expect(
      await pub.readContract({
        address: coordinator,
        abi: rewardsCoordinatorAbi,
        functionName: "cumulativeClaimed",
        args: [earnerA.address, tokenA],
      }),
    ).toBe(parseEther("1.5"));

    expect(await revertName(simulateClaim(earnerA, claimA, keeper.address))).toBe("EarningsNotGreaterThanClaimed");

    const claimB = claims.find((c) => c.earnerLeaf.earner === earnerB.address)!;
    const inflated = { ...claimB, tokenLeaves: [{ ...claimB.tokenLeaves[0]!, cumulativeEarnings: parseEther("20") }] };
    expect(await revertName(simulateClaim(earnerB, inflated, earnerB.address))).toBe("InvalidClaimProof");
    const wrongSibling = { ...claimB, earnerTreeProof: claimA.earnerTreeProof };
    expect(await revertName(simulateClaim(earnerB, wrongSibling, earnerB.address))).toBe("InvalidClaimProof");

    expect(
      await pub.readContract({ address: coordinator, abi: rewardsCoordinatorAbi, functionName: "getRootIndexFromHash", args: [root] }),
    ).toBe(0);

    // A later root carries higher cumulative earnings; claiming it pays the difference only.
    await mined(
      clients()
        .wallet(earnerA)
        .writeContract({ address: coordinator, abi: rewardsCoordinatorAbi, functionName: "setClaimerFor", args: [keeper.address] }),
    );
    const later = await submit([
      { earner: earnerA.address, tokens: [{ token: tokenA, cumulativeEarnings: parseEther("2") }] },
      { earner: earnerB.address, tokens: [{ token: tokenB, cumulativeEarnings: parseEther("2") }] },
    ]);
    await passActivationDelay();
    const laterA = later.claims.find((c) => c.earnerLeaf.earner === earnerA.address)!;
    expect(laterA.rootIndex).toBe(1);
    expect(await revertName(simulateClaim(earnerA, laterA, earnerA.address))).toBe("UnauthorizedCaller");
    const { request: viaKeeper } = await simulateClaim(keeper, laterA, earnerA.address);
    await mined(clients().wallet(keeper).writeContract(viaKeeper));
    expect(await balance(tokenA, earnerA.address)).toBe(parseEther("0.5"));
  });
});
