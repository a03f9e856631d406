// The keeper as the devnet suites run it: the devnet's keeper key, silent logs, a gas price cap no devnet
// block reaches, the devnet's AVS data, quick retries; plus the matching context for one-off sends.
import { join } from "node:path";
import { parseEther } from "viem";
import { silentLogger } from "../../src/chain/log.js";
import type { SendContext } from "../../src/chain/send.js";
import { devnetAccount, DEVNET_KEY_INDEX } from "../../src/devnet/accounts.js";
import { projectRoot } from "../../src/devnet/anvil.js";
import type { Deployment } from "../../src/devnet/deployment.js";
import type { KeeperOptions } from "../../src/keeper/keeper.js";

export const DEVNET_AVS_DATA = join(projectRoot, "config", "avs-data", "devnet.json");
/** The engine without tail-risk, uncertainty, worst-case and glide terms, free to move: plans the keeper suites can predict. */
export const FREE_ENGINE = { cvarWeight: 0, uncertaintyMultiple: 0, worstCaseAllocations: false, glideBps: 0, turnoverBps: 10_000 };

export function devnetKeeperOptions(publicClient: KeeperOptions["publicClient"], deployment: Deployment, more: Partial<KeeperOptions> = {}): KeeperOptions {
  return {
    publicClient,
    account: devnetAccount(DEVNET_KEY_INDEX.keeper) as never,
    deployment,
    log: silentLogger,
    gasPriceCap: parseEther("0.000001"),
    avsDataFile: DEVNET_AVS_DATA,
    rebalance: true,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50 },
    ...more,
  };
}

/** What `simulateCall`/`sendTx` need to send as the keeper of `opts`. */
export const keeperSendContext = (opts: KeeperOptions): SendContext => ({
  publicClient: opts.publicClient as SendContext["publicClient"],
  account: opts.account as never,
  log: opts.log,
  gasPriceCap: opts.gasPriceCap,
});
