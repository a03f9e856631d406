// Receipt gas of Vault.allocate on anvil (proxies included, cold storage: each figure is one real transaction)
// with 10, 100 and 1,000 delegators, every delegator holding all 4 assets. The devnet is deployed as usual, then
// test/bench/BenchFleet.sol (holding ADMIN, RISK_MANAGER and KEEPER, granted by the impersonated timelock) adds
// operators in batches. Prints gas.allocate.<n> (the largest of one allocation of each asset to one delegator)
// and gas.riskRegistry.refresh.<n> (RiskRegistry.refresh of one delegator).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, http, parseEther, type Abi, type Address, type Hex } from "viem";
import { iRiskRegistryAbi, vaultAbi } from "../src/abi/generated/index.js";
import { accessManagerAbi } from "../src/governance/abi.js";
import { createChainClients } from "../src/chain/clients.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../src/devnet/accounts.js";
import { projectRoot, startAnvil } from "../src/devnet/anvil.js";
import { deployDevnet } from "../src/devnet/deploy.js";
import { createSim } from "../src/demo/sim.js";

const SIZES = [10, 100, 1000];
const BATCH = 20;
const ROLES = [0n, 1n, 2n]; // ADMIN, RISK_MANAGER, KEEPER (contracts/libraries/Roles.sol)

const print = (name: string, value: number | bigint, unit = "gas") => console.log(JSON.stringify({ name, value: Number(value), unit }));

const anvil = await startAnvil();
try {
  const deployment = await deployDevnet({ rpcUrl: anvil.rpcUrl });
  const { publicClient, chain } = createChainClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, pollingIntervalMs: 20 });
  const sim = createSim({ publicClient, rpcUrl: anvil.rpcUrl, deployment });
  const transport = http(anvil.rpcUrl);
  const wallet = (account: ReturnType<typeof devnetAccount> | Address) => createWalletClient({ chain, transport, account });
  const send = async (account: ReturnType<typeof devnetAccount> | Address, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) => {
    const hash = await wallet(account).writeContract({ address, abi, functionName, args, chain, account } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    return receipt;
  };

  const user = sim.users[0]!;
  const symbols = deployment.assets.map((a) => a.symbol);
  for (const symbol of symbols) await sim.deposit(user, symbol, await sim.mintLst(symbol, user, parseEther("400")));

  const artifact = JSON.parse(readFileSync(join(projectRoot, "out", "BenchFleet.sol", "BenchFleet.json"), "utf8")) as { abi: Abi; bytecode: { object: Hex } };
  const deployer = devnetAccount(DEVNET_KEY_INDEX.deployer);
  const hash = await wallet(deployer).deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode.object,
    args: [deployment.trellis.vault, deployment.eigenlayer.delegationManager, deployment.eigenlayer.allocationManager],
    account: deployer,
    chain,
  });
  const fleet = (await publicClient.waitForTransactionReceipt({ hash })).contractAddress!;

  const timelock = deployment.trellis.timelock;
  await sim.testClient.impersonateAccount({ address: timelock });
  await sim.testClient.setBalance({ address: timelock, value: parseEther("10") });
  for (const role of ROLES) await send(timelock, deployment.trellis.accessManager, accessManagerAbi as Abi, "grantRole", [role, fleet, 0]);

  const keeper = devnetAccount(DEVNET_KEY_INDEX.keeper);
  const amount = parseEther("0.01");
  for (const n of SIZES) {
    for (;;) {
      const have = (await publicClient.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "getDelegators" })).length;
      if (have >= n) break;
      await send(deployer, fleet, artifact.abi, "grow", [BigInt(Math.min(BATCH, n - have)), amount]);
    }
    const delegators = await publicClient.readContract({ address: deployment.trellis.vault, abi: vaultAbi, functionName: "getDelegators" });
    // The latest bench delegator: at every size one in the same state (two operator sets, all 4 assets held).
    const target = delegators[delegators.length - 1]!;
    let max = 0n;
    for (const a of deployment.assets) {
      const r = await send(keeper, deployment.trellis.vault, vaultAbi as Abi, "allocate", [target, a.token, amount]);
      if (r.gasUsed > max) max = r.gasUsed;
    }
    print(`gas.allocate.${n}`, max);
    const refresh = await send(keeper, deployment.trellis.riskRegistry, iRiskRegistryAbi as Abi, "refresh", [target]);
    print(`gas.riskRegistry.refresh.${n}`, refresh.gasUsed);
  }
} finally {
  await anvil.stop();
}
