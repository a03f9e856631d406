// Prometheus metrics of the keeper (prom-client), served on /metrics: the protocol's state as the keeper
// last read it (rate, TVL, buffer, queue backlog and its oldest request's age, exposure against caps per AVS
// and operator set, time since the last sync), what the keeper did (actions and errors by kind), and how
// the RPC endpoints answer (latency and errors per endpoint and method). Updating them from chain reads is
// metricsRecord.ts, which does not load prom-client (the CLI loads this file only with --metrics-port).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Transport } from "viem";

export type KeeperMetrics = ReturnType<typeof createKeeperMetrics>;

export function createKeeperMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "trellis_keeper_process_" });
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const m = {
    registry,
    rate: g("trellis_rate_eth_per_treth", "ETH per trETH (the vault's rate)"),
    tvl: g("trellis_tvl_eth", "Total assets booked by the vault, ETH"),
    measured: g("trellis_measured_tvl_eth", "Total assets as measured now (applied at the next sync), ETH"),
    supply: g("trellis_treth_supply", "trETH total supply"),
    buffer: g("trellis_buffer_eth", "Idle assets held by the vault (the liquid buffer), ETH"),
    idle: g("trellis_idle_units", "Idle units per asset", ["asset"]),
    queuePending: g("trellis_queue_pending_requests", "Withdrawal requests not finalized yet"),
    queuePendingValue: g("trellis_queue_pending_value_eth", "ETH value of the withdrawal requests not finalized yet"),
    queueOldestAge: g("trellis_queue_oldest_request_age_seconds", "Age of the oldest unfinalized withdrawal request (0 when none)"),
    inFlight: g("trellis_eigenlayer_withdrawals_in_flight", "Queued EigenLayer withdrawals of Trellis' delegators"),
    avsExposure: g("trellis_avs_exposure_eth", "Trellis' exposure to an AVS (all its operator sets), ETH", ["avs", "name"]),
    avsCap: g("trellis_avs_exposure_cap_eth", "The AVS's exposure cap, ETH", ["avs", "name"]),
    setExposure: g("trellis_operator_set_exposure_eth", "Trellis' exposure to an operator set, ETH", ["avs", "operator_set", "name"]),
    setCap: g("trellis_operator_set_exposure_cap_eth", "The operator set's exposure cap, ETH", ["avs", "operator_set", "name"]),
    slashable: g("trellis_total_slashable_eth", "Total slashable exposure, ETH"),
    slashableCap: g("trellis_total_slashable_cap_eth", "Total slashable cap, ETH"),
    sinceSync: g("trellis_seconds_since_last_sync", "Chain time since the vault's last sync"),
    block: g("trellis_keeper_block_number", "Block of the keeper's last read"),
    lastCycle: g("trellis_keeper_last_cycle_timestamp_seconds", "Wall-clock time of the last completed cycle"),
    cycles: new Counter({ name: "trellis_keeper_cycles_total", help: "Keeper cycles by outcome", labelNames: ["outcome"], registers: [registry] }),
    actions: new Counter({ name: "trellis_keeper_actions_total", help: "Keeper actions by kind and status", labelNames: ["kind", "status"], registers: [registry] }),
    errors: new Counter({ name: "trellis_keeper_errors_total", help: "Keeper errors by kind (rejected or reverted actions, failed cycles)", labelNames: ["kind"], registers: [registry] }),
    rpcLatency: new Histogram({
      name: "trellis_rpc_request_duration_seconds",
      help: "JSON-RPC request latency per endpoint and method",
      labelNames: ["endpoint", "method"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rpcErrors: new Counter({ name: "trellis_rpc_errors_total", help: "JSON-RPC requests that failed, per endpoint and method", labelNames: ["endpoint", "method"], registers: [registry] }),
  };
  return m;
}

/** Times every JSON-RPC request of `base` into the latency histogram, labelled with `endpoint`. */
export function instrumentTransport(base: Transport, m: KeeperMetrics, endpoint: string): Transport {
  return (config) => {
    const inner = base(config);
    const request = (async (args: { method: string }, options?: unknown) => {
      const end = m.rpcLatency.startTimer({ endpoint, method: args.method });
      try {
        return await inner.request(args as never, options as never);
      } catch (e) {
        m.rpcErrors.inc({ endpoint, method: args.method });
        throw e;
      } finally {
        end();
      }
    }) as typeof inner.request;
    return { ...inner, request };
  };
}

/** Serves the registry on http://host:port/metrics (port 0: any free port). */
export async function serveMetrics(m: KeeperMetrics, p: { port: number; host?: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
      return;
    }
    m.registry
      .metrics()
      .then((body) => res.writeHead(200, { "content-type": m.registry.contentType }).end(body))
      .catch((e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(e.message));
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(p.port, p.host ?? "127.0.0.1", () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  return { url: `http://${address}:${port}/metrics`, close: () => new Promise((ok) => server.close(() => ok())) };
}
