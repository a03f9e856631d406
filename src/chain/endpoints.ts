// Before a keeper trusts several RPC endpoints, check that they serve the same chain and roughly the same
// head: a misconfigured URL (another chain, a stuck node) must not become the failover target unnoticed.
import { ConfigError } from "./config.js";

export type EndpointCheck = { url: string; ok: true; chainId: number; blockNumber: bigint; ms: number } | { url: string; ok: false; error: string };

export type CheckEndpointsParameters = {
  urls: readonly string[];
  chainId: number;
  /** Heads further apart than this many blocks are reported (default 10). */
  maxLagBlocks?: bigint;
  timeoutMs?: number;
};

export type CheckEndpointsReturnType = { checks: EndpointCheck[]; warnings: string[] };

async function rpc(url: string, method: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: string; error?: { message: string } };
  if (body.error || typeof body.result !== "string") throw new Error(body.error?.message ?? `no result for ${method}`);
  return body.result;
}

const hide = (url: string) => url.replace(/\/\/([^/@]*)@/, "//***@").replace(/([?&](?:key|apikey|token)=)[^&]+/i, "$1***");

/**
 * Asks each endpoint for its chain id and head. Throws a ConfigError when none answers or one answers for
 * another chain; returns warnings for endpoints that are down or whose head lags the best by too much.
 */
export async function checkEndpoints(p: CheckEndpointsParameters): Promise<CheckEndpointsReturnType> {
  const timeoutMs = p.timeoutMs ?? 5_000;
  const checks: EndpointCheck[] = await Promise.all(
    p.urls.map(async (url): Promise<EndpointCheck> => {
      const t0 = Date.now();
      try {
        const [chainId, head] = await Promise.all([rpc(url, "eth_chainId", timeoutMs), rpc(url, "eth_blockNumber", timeoutMs)]);
        return { url, ok: true, chainId: Number(BigInt(chainId)), blockNumber: BigInt(head), ms: Date.now() - t0 };
      } catch (e) {
        return { url, ok: false, error: (e as Error).message.split("\n")[0]! };
      }
    }),
  );
  const up = checks.filter((c): c is Extract<EndpointCheck, { ok: true }> => c.ok);
  if (up.length === 0) throw new ConfigError(`no RPC endpoint answers: ${checks.map((c) => `${hide(c.url)} (${c.ok ? "ok" : c.error})`).join(", ")}`);
  const wrong = up.filter((c) => c.chainId !== p.chainId);
  if (wrong.length) throw new ConfigError(`RPC endpoints disagree on the chain: ${wrong.map((c) => `${hide(c.url)} is chain ${c.chainId}`).join(", ")}; the deployment is chain ${p.chainId}`);
  const warnings: string[] = [];
  for (const c of checks) if (!c.ok) warnings.push(`RPC endpoint ${hide(c.url)} is down (${c.error}); failing over to the others`);
  const best = up.reduce((m, c) => (c.blockNumber > m ? c.blockNumber : m), 0n);
  const maxLag = p.maxLagBlocks ?? 10n;
  for (const c of up) if (best - c.blockNumber > maxLag) warnings.push(`RPC endpoint ${hide(c.url)} is ${best - c.blockNumber} blocks behind the others`);
  return { checks, warnings };
}

export { hide as redactRpcUrl };
