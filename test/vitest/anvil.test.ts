import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { describe, expect, it } from "vitest";
import { ANVIL_DEFAULT_KEYS } from "../../src/devnet/anvil.js";
import { useAnvil } from "../helpers/anvil.js";

const chain = useAnvil();

describe("anvil started by the test setup", () => {
  it("answers RPC and mines a real transfer", async () => {
    const transport = http(chain.rpcUrl);
    const pub = createPublicClient({ chain: foundry, transport });
    const wallet = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(ANVIL_DEFAULT_KEYS[0]) });
    expect(await pub.getChainId()).toBe(31337);
    const to = "0x000000000000000000000000000000000000bEEF";
    const hash = await wallet.sendTransaction({ to, value: parseEther("1.5") });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(await pub.getBalance({ address: to })).toBe(parseEther("1.5"));
  });
});
