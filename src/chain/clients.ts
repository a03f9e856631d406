// viem clients for a network: one public client (reads, simulation, receipts) and, with a key, a signer.
import { createPublicClient, defineChain, fallback, http, type Chain, type PublicClient, type Transport } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { withRetry, type RetryOptions } from "./retry.js";

/** Methods that must not be retried blindly at the transport level (the sender retries them knowingly). */
const NOT_RETRIED = new Set(["eth_sendRawTransaction", "eth_sendTransaction"]);

/**
 * Retries every read-only JSON-RPC request with backoff on RPC and network errors (never on a revert), so any
 * code reading through the client, the strategy engine's snapshot included, survives a flaky node.
 */
export function retryingTransport(base: Transport, options: RetryOptions = {}): Transport {
  return (config) => {
    const inner = base(config);
    const request = (async (args: { method: string; params?: unknown }, opts?: unknown) =>
      NOT_RETRIED.has(args.method)
        ? inner.request(args as never, opts as never)
        : withRetry(() => inner.request(args as never, opts as never), { retries: 8, baseDelayMs: 20, maxDelayMs: 1_000, ...options })) as typeof inner.request;
    return { ...inner, request };
  };
}

export type ChainClients = { publicClient: PublicClient<Transport, Chain>; chain: Chain };

export type CreateChainClientsParameters = {
  rpcUrl: string;
  /** Several endpoints for the same chain: requests fail over from one to the next in order (viem `fallback`). */
  rpcUrls?: readonly string[] | undefined;
  chainId: number;
  name?: string;
  /** Wraps each endpoint's HTTP transport (fault injection in tests, metrics); gets the endpoint's URL. */
  wrapTransport?: (transport: Transport, url: string) => Transport;
  /** viem's own HTTP retries; the keeper retries itself, so 0 by default. */
  httpRetryCount?: number;
  /** Read retries at the transport (see `retryingTransport`); `false` turns them off. */
  retry?: RetryOptions | false;
  pollingIntervalMs?: number;
};

export function createChainClients(params: CreateChainClientsParameters): ChainClients {
  const urls = params.rpcUrls?.length ? params.rpcUrls : [params.rpcUrl];
  const chain = defineChain({
    id: params.chainId,
    name: params.name ?? `chain ${params.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [...urls] } },
  });
  const endpoint = (url: string) => {
    const base = http(url, { retryCount: params.httpRetryCount ?? 0, timeout: 30_000 });
    return params.wrapTransport ? params.wrapTransport(base, url) : base;
  };
  // In order, no ranking: the first endpoint serves while it answers; the next ones take over when it fails.
  const wrapped = urls.length === 1 ? endpoint(urls[0]!) : fallback(urls.map(endpoint), { rank: false, retryCount: 0 });
  const transport = params.retry === false ? wrapped : retryingTransport(wrapped, params.retry);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: params.pollingIntervalMs ?? 250 });
  return { publicClient, chain };
}

export const accountFromKey = (key: `0x${string}`): PrivateKeyAccount => privateKeyToAccount(key);
