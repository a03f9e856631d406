// What `trellis app` serves at /config.json: the network, its deployment and, on a devnet only, the
// public devnet test keys the account picker offers. Types only: shared by the server and the app.
import type { Deployment } from "../../src/devnet/deployment.js";

export type DevnetKey = { index: number; label: string; privateKey: `0x${string}`; address: `0x${string}` };

export type AppConfig = {
  network: string;
  chainId: number;
  rpcUrl: string;
  /** Devnet: the picker offers `devnetKeys`. Never true on a network holding value. */
  devnet: boolean;
  deployment: Deployment;
  /** AVS names by lower-case address (from the network's AVS data file), when it has them. */
  avsNames: Record<string, string>;
  /** Public devnet test keys (anvil's mnemonic); empty elsewhere. */
  devnetKeys: DevnetKey[];
  /** First block the charts read events from. */
  fromBlock: string;
};
