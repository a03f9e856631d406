// The lifecycle scenario (test/scenarios/lifecycle.ts) on the project's EigenLayer devnet. The same scenario
// runs on the real EigenLayer core in real-eigenlayer.test.ts.
import { parseEther } from "viem";
import { devnetRETHAbi } from "../../src/abi/generated/index.js";
import type { Abi } from "viem";
import { DEVNET_DEPLOYMENT_FILE } from "../helpers/devnetSnapshot.js";
import { useDevnet } from "../helpers/devnet.js";
import { lifecycleScenario } from "../scenarios/lifecycle.js";

const devnet = useDevnet();

lifecycleScenario({
  name: "devnet",
  network: "devnet",
  rpcUrl: () => devnet.rpcUrl,
  deployment: () => devnet.deployment,
  deploymentFile: () => DEVNET_DEPLOYMENT_FILE,
  // The devnet RewardsCoordinator has no rewards submissions: the rewards updater funds it directly.
  fundRewards: async (sim, { token, amount }) => {
    if (amount <= 0n || amount > parseEther("1000")) throw new Error(`implausible reward amount ${amount}`);
    await sim.tx(sim.deployer, token, devnetRETHAbi as Abi, "mint", [devnet.deployment.eigenlayer.rewardsCoordinator, amount]);
  },
});
