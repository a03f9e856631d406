// How deposit, refresh and finalize gas scale with the number of delegators: on the devnet, grown to
// n = 10, 100, 1000 operator delegators that each hold all 3 held assets (stETH, rETH, osETH), receipt gasUsed
// on anvil of a warm wstETH deposit, of refreshing the vault's cached holdings, and of finalizing requests.
// New operators are impersonated accounts registered in the EigenLayer devnet; the timelock allowlists them, adds
// their delegators and the keeper allocates to them (anvil impersonation stands in for signatures).
// Run: npx tsx bench/exits-scale.bench.ts [maxN, default 10]  (one JSON line per figure; progress on stderr)
import { createTestClient, createWalletClient, erc20Abi, http, parseEther, parseEventLogs, type Abi, type Address, type Hash, type TransactionReceipt } from "viem";
import type { HDAccount } from "viem/accounts";
import { delegationManagerAbi, riskRegistryAbi, trellisEntryAbi, vaultAbi, withdrawalQueueAbi } from "../src/abi/generated/index.js";
import { createChainClients } from "../src/chain/clients.js";
import { decodeRevert } from "../src/chain/errors.js";
import { startAnvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import { createSim } from "../src/demo/sim.js";

// Default 10: growing the devnet to 100 stalled once on this machine (a receipt never came; see the closing note).
const SIZES = [10, 100, 1000].filter((n) => n <= Number(process.argv[2] ?? 10));
const TX_GAS_LIMIT = 10_000_000n;
const emit = (name: string, value: number, unit = "gas") => console.log(JSON.stringify({ name, value, unit }));
const note = (s: string) => process.stderr.write(`exits-scale.bench: ${s}\n`);
const median = (xs: bigint[]) => Number([...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor(xs.length / 2)]!);

const anvil = await startAnvil();
try {
  const d = await deployDevnet({ rpcUrl: anvil.rpcUrl });
  const { publicClient } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: d.chainId, pollingIntervalMs: 5 });
  const chain = publicClient.chain;
  const test = createTestClient({ chain, transport: http(anvil.rpcUrl), mode: "anvil" });
  await test.request({ method: "anvil_autoImpersonateAccount" as never, params: [true] as never });
  const sim = createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment: d });
  for (const address of [d.trellis.safe, d.trellis.timelock, d.actors.keeper]) await test.setBalance({ address, value: parseEther("100") });
  const [alice] = sim.users as [HDAccount];
  const held = ["stETH", "rETH", "osETH"] as const;

  /** Sends as any address (anvil impersonates it) and returns the receipt; a revert throws. */
  const sendR = async (from: Address, address: Address, abi: Abi, functionName: string, args: readonly unknown[], gas?: bigint): Promise<TransactionReceipt> => {
    await publicClient.simulateContract({ account: from, address, abi, functionName, args } as never).catch((e: unknown) => {
      throw new Error(`${functionName} from ${from} refused: ${decodeRevert(e)?.text ?? String(e)}`);
    });
    const wallet = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: from });
    const hash: Hash = await wallet.writeContract({ address, abi, functionName, args, ...(gas ? { gas } : {}) } as never);
    const r = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 5, timeout: 600_000 });
    if (r.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    return r;
  };
  const send = async (...a: Parameters<typeof sendR>): Promise<bigint> => (await sendR(...a)).gasUsed;
  const refresh = (batch: bigint) => sendR(alice.address, d.trellis.vault, vaultAbi as Abi, "refresh", [batch], TX_GAS_LIMIT);
  const roundCompleted = (r: TransactionReceipt) => parseEventLogs({ abi: vaultAbi, logs: r.logs, eventName: "RefreshRoundCompleted" }).length > 0;

  // Enough idle of each held asset to give every delegator some, above the buffer.
  for (const s of held) await sim.deposit(alice, s, await sim.mintLst(s, alice, parseEther("5000")));
  let delegators = [...(await sim.read<readonly Address[]>(d.trellis.vault, vaultAbi as Abi, "getDelegators"))];
  const allocateAll = async (list: readonly Address[]) => {
    for (const delegator of list) for (const s of held) await send(d.actors.keeper, d.trellis.vault, vaultAbi as Abi, "allocate", [delegator, sim.token(s), parseEther("1")]);
  };
  await allocateAll(delegators);

  for (const n of SIZES) {
    note(`growing to ${n} delegators`);
    for (let i = delegators.length; i < n; i++) {
      const operator = `0x${(0xbe00_0000 + i).toString(16).padStart(40, "0")}` as Address;
      await test.setBalance({ address: operator, value: parseEther("1") });
      await send(operator, d.eigenlayer.delegationManager, delegationManagerAbi as Abi, "registerAsOperator", ["0x0000000000000000000000000000000000000000", 1, `bench-${i}`]);
      await send(d.trellis.timelock, d.trellis.riskRegistry, riskRegistryAbi as Abi, "setOperatorAllowed", [operator, true]); // a loosening: ADMIN
      await send(d.trellis.timelock, d.trellis.vault, vaultAbi as Abi, "addOperatorDelegator", [operator]);
    }
    const all = await sim.read<readonly Address[]>(d.trellis.vault, vaultAbi as Abi, "getDelegators");
    await allocateAll(all.slice(delegators.length));
    delegators = [...all];

    // Refresh: a probe batch sizes the batches so every transaction stays under 10M gas, then one full round.
    const probe = await refresh(10n);
    for (let r = probe; !roundCompleted(r); ) r = await refresh(10n);
    const batch = BigInt(Math.max(1, Math.floor((Number(TX_GAS_LIMIT) * 0.9) / (Number(probe.gasUsed) / 10))));
    const round: bigint[] = [];
    for (let r: TransactionReceipt | undefined; !r || !roundCompleted(r); round.push(r.gasUsed)) r = await refresh(batch);
    const rest = round.reduce((s, g) => s + g, 0n);
    emit(`gas.refresh.perDelegator.${n}`, Math.round(Number(rest) / n));
    emit(`gas.refresh.batch.max.${n}`, Number(round.reduce((m, g) => (g > m ? g : m), 0n)));
    note(`refresh: batches of ${batch}, ${round.length} transaction(s), ${rest} gas for the round`);

    // A warm wstETH deposit through its entry (cold first call left out).
    const entry = sim.entry("wstETH");
    const minted = await sim.mintLst("wstETH", alice, parseEther("4"));
    const deposits: bigint[] = [];
    for (let k = 0; k < 4; k++) {
      await send(alice.address, sim.token("wstETH"), erc20Abi as Abi, "approve", [entry, minted / 4n]);
      deposits.push(await send(alice.address, entry, trellisEntryAbi as Abi, "deposit", [minted / 4n, alice.address], 2_000_000n));
    }
    emit(`gas.deposit.wstETH.receipt.${n}`, median(deposits.slice(1)));

    // finalize: 1 request, then 11; per request is the marginal cost of one more id.
    const ids: bigint[] = [];
    for (let k = 0; k < 12; k++) ids.push(await sim.requestRedeem(alice, parseEther("0.1"), "rETH"));
    const delay = (await sim.read<{ minRedeemDelay: number }>(d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "exitParams")).minRedeemDelay;
    await sim.advance(delay + 1, 1);
    const one = await send(alice.address, d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [ids.slice(0, 1)], 5_000_000n);
    const many = await send(alice.address, d.trellis.withdrawalQueue, withdrawalQueueAbi as Abi, "finalize", [ids.slice(1)], 5_000_000n);
    emit(`gas.finalize.perRequest.${n}`, Math.round(Number(many - one) / 10));
  }
} finally {
  await anvil.stop();
}
