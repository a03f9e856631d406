// viem clients for a network: one public client (reads, simulation, receipts) and, with a key, a signer.
import { createPublicClient, defineChain, http, type Chain, type PublicClient, type Transport } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

export type ChainClients = { publicClient: PublicClient<Transport, Chain>; chain: Chain };

export type CreateChainClientsParameters = {
  rpcUrl: string;
  chainId: number;
  name?: string;
  /** Wraps the HTTP transport (fault injection in tests, metrics). */
  wrapTransport?: (transport: Transport) => Transport;
  /** viem's own HTTP retries; the keeper retries itself, so 0 by default. */
  httpRetryCount?: number;
  pollingIntervalMs?: number;
};

export function createChainClients(params: CreateChainClientsParameters): ChainClients {
  const chain = defineChain({
    id: params.chainId,
    name: params.name ?? `chain ${params.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  });
  const base = http(params.rpcUrl, { retryCount: params.httpRetryCount ?? 0, timeout: 30_000 });
  const transport = params.wrapTransport ? params.wrapTransport(base) : base;
  const publicClient = createPublicClient({ chain, transport, pollingInterval: params.pollingIntervalMs ?? 250 });
  return { publicClient, chain };
}

export const accountFromKey = (key: `0x${string}`): PrivateKeyAccount => privateKeyToAccount(key);
