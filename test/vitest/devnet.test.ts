import { createPublicClient, http, zeroAddress } from "viem";
import { foundry } from "viem/chains";
import { describe, expect, it } from "vitest";
import { assetRegistryAbi, riskRegistryAbi, vaultAbi } from "../../src/abi/generated/index.js";
import { useDevnet } from "../helpers/devnet.js";

const devnet = useDevnet();

describe("devnet deployment", () => {
  it("is wired as the deployment file says, read back through viem", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl) });
    const { trellis, assets, operators } = devnet.deployment;
    expect(await client.readContract({ address: trellis.vault, abi: vaultAbi, functionName: "trETH" })).toBe(trellis.trETH);
    const listed = await client.readContract({ address: trellis.assetRegistry, abi: assetRegistryAbi, functionName: "getAssets" });
    // Held assets only: wstETH is a wrapper, held as stETH (no strategy of its own, as on mainnet).
    expect(listed).toEqual(assets.filter((a) => a.strategy !== zeroAddress).map((a) => a.token));
    const delegators = await client.readContract({ address: trellis.vault, abi: vaultAbi, functionName: "getDelegators" });
    expect(delegators).toEqual(operators.map((o) => o.delegator));
    for (const o of operators) {
      expect(await client.readContract({ address: trellis.riskRegistry, abi: riskRegistryAbi, functionName: "isOperatorAllowed", args: [o.address] })).toBe(true);
    }
    expect(operators).toHaveLength(8);
    expect(devnet.deployment.avss.flatMap((a) => a.operatorSetIds)).toHaveLength(9);
    expect(await client.readContract({ address: trellis.vault, abi: vaultAbi, functionName: "rate" })).toBe(10n ** 18n);
  });
});
