// wagmi config for one network: the injected wallet (EIP-1193) everywhere; on a devnet, one connector
// per public devnet test key as well.
import { createConfig, http, injected } from "wagmi";
import { defineChain, type Chain } from "viem";
import type { AppConfig } from "./appConfig.js";
import { devnetKeyConnector } from "./devnetConnector.js";

export function chainOf(c: AppConfig): Chain {
  return defineChain({
    id: c.chainId,
    name: c.devnet ? `Trellis ${c.network}` : c.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [c.rpcUrl] } },
    testnet: c.devnet,
  });
}

export function makeWagmiConfig(c: AppConfig) {
  const chain = chainOf(c);
  const devnet = c.devnet ? c.devnetKeys.map((k) => devnetKeyConnector(k, chain)) : [];
  return createConfig({
    chains: [chain],
    connectors: [...devnet, injected()],
    transports: { [chain.id]: http(c.rpcUrl, { batch: true, retryCount: 1 }) },
    pollingInterval: c.devnet ? 1_000 : 4_000,
    multiInjectedProviderDiscovery: false,
  });
}
