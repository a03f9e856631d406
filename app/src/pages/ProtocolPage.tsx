// Protocol dashboard for risk managers and curious depositors: it only renders what the hooks read.
import { useMemo } from "react";
import { describeError } from "../../../src/chain/errors.js";
import { useAppConfig } from "../context.js";
import { formatBps, formatEta, formatEth, formatRate, formatShare, formatTime, shortAddress } from "../format.js";
import { useRateHistory } from "../hooks/history.js";
import { useProtocol } from "../hooks/protocol.js";
import { useTimelockOperations } from "../hooks/governance.js";
import { Chart } from "../components/Chart.js";
import { Address, Card, Empty, ErrorBanner, Loading, Meter, Stat, Table } from "../components/ui.js";

export function ProtocolPage() {
  const protocol = useProtocol();
  return (
    <div className="page" data-testid="protocol-page">
      {protocol.error ? <ErrorBanner>Could not read the protocol: {describeError(protocol.error)}</ErrorBanner> : null}
      <Overview />
      <HistoryCharts />
      {protocol.data ? <ProtocolTables state={protocol.data} /> : protocol.isLoading ? <Loading what="protocol state" /> : null}
      <PendingGovernance />
    </div>
  );
}

function Overview() {
  const { data } = useProtocol();
  const history = useRateHistory();
  const s = data?.status;
  const apr = history.data?.realisedApr;
  return (
    <div className="stats" data-testid="overview">
      <Stat label="TVL" value={s ? formatEth(s.totalAssets, 2) : "…"} testId="tvl" />
      <Stat label="Rate" value={s ? `${formatRate(s.rate)} / trETH` : "…"} testId="rate" />
      <Stat label="trETH supply" value={s ? formatEth(s.trEthSupply, 2).replace("ETH", "trETH") : "…"} />
      <Stat
        label="Realised APR"
        value={apr === undefined ? "–" : `${(apr * 100).toFixed(2)}%`}
        hint={history.data ? `rate growth over the chart, ${history.data.syncs} sync${history.data.syncs === 1 ? "" : "s"}` : undefined}
      />
    </div>
  );
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function AprBreakdownLine() {
  const data = useRateHistory().data;
  const b = data?.breakdown;
  if (!data) return null;
  if (!b) return <Empty>APR breakdown: needs an hour of history.</Empty>;
  // Losses (slashes, falls of an LST's price) show only when there were some. Gains stream into the rate at a
  // bounded speed after the sync that found them, so the realised APR trails the net while some are pending.
  return (
    <p className="breakdown" data-testid="apr-breakdown">
      Gains the syncs found over the window, per year of TVL: LST yield and other {pct(b.lstYieldAndOther)} + restaked AVS rewards {pct(b.avsRewards)}
      {b.losses > 0 ? ` − losses ${pct(b.losses)}` : ""} − protocol fee {pct(b.fee)} = {pct(b.net)} to holders
      {data.streaming > 0n ? `; ${formatEth(data.streaming, 4)} of it still streaming into the rate` : ""}.
    </p>
  );
}

function HistoryCharts() {
  const { data, isLoading, error } = useRateHistory();
  const series = useMemo(() => {
    if (!data) return undefined;
    const x = data.points.map((p) => p.timestamp);
    return {
      x,
      rate: data.points.map((p) => Number(p.rate) / 1e18),
      tvl: data.points.map((p) => Number(p.totalAssets / 10n ** 14n) / 1e4),
    };
  }, [data]);
  return (
    <Card title="Rate and TVL over time" testId="history">
      {error ? <ErrorBanner>History unavailable: {error.message.split("\n")[0]}</ErrorBanner> : null}
      {isLoading ? <Loading what="history" /> : null}
      {series && series.x.length < 2 ? <Empty>No deposits or syncs yet: the charts start with the first one.</Empty> : null}
      {series && series.x.length >= 2 ? (
        <div className="charts">
          <Chart title="Rate" unit="ETH per trETH" x={series.x} y={series.rate} digits={5} />
          <Chart title="TVL" unit="ETH" x={series.x} y={series.tvl} digits={3} />
        </div>
      ) : null}
      {data ? <AprBreakdownLine /> : null}
    </Card>
  );
}

function ProtocolTables({ state }: { state: NonNullable<ReturnType<typeof useProtocol>["data"]> }) {
  const { avsNames, deployment } = useAppConfig();
  const { status: s, limits } = state;
  const tvl = s.totalAssets;
  const capOf = (bps: number) => (tvl * BigInt(bps)) / 10_000n;
  const operatorCap = capOf(limits.operatorCapBps);
  const minBuffer = capOf(limits.minBufferBps);
  const opName = (a: string) => {
    const i = deployment.operators.findIndex((o) => o.address.toLowerCase() === a.toLowerCase());
    return i >= 0 ? `Operator ${i + 1}` : undefined;
  };
  return (
    <>
      <Card title="Stake per operator" testId="operators">
        {s.operators.length === 0 ? (
          <Empty>No operator delegators yet.</Empty>
        ) : (
          <Table
            head={["Operator", "Restaked", "Queued out", "Share of TVL", `Against operator cap (${formatBps(limits.operatorCapBps)})`]}
            rows={s.operators.map((o) => ({
              key: o.delegator,
              testId: "operator-row",
              cells: [
                <>
                  <Address a={o.operator} name={opName(o.operator)} /> <span className="muted">{shortAddress(o.operator)}</span>
                </>,
                formatEth(o.active),
                formatEth(o.queued),
                formatShare(o.active + o.queued, tvl),
                <Meter used={o.active + o.queued} cap={operatorCap} />,
              ],
            }))}
          />
        )}
      </Card>
      <Card title="Exposure per AVS against its cap" testId="avs">
        <Table
          head={["AVS", "Exposure", "Cap", "Used"]}
          rows={s.avs.map((a) => ({
            key: a.key,
            testId: "avs-row",
            cells: [
              <Address a={a.avs} name={avsNames[a.key]} />,
              formatEth(a.exposure),
              <>
                {formatEth(a.cap)} <span className="muted">({formatBps(a.capBps)})</span>
              </>,
              <Meter used={a.exposure} cap={a.cap} />,
            ],
          }))}
        />
        <p className="total">
          Total slashable: {formatEth(s.totalSlashable.exposure)} of {formatEth(s.totalSlashable.cap)} ({formatBps(limits.totalSlashableCapBps)} of TVL)
        </p>
        <Meter used={s.totalSlashable.exposure} cap={s.totalSlashable.cap} />
      </Card>
      <Card title="Exposure per operator set" testId="operator-sets">
        <Table
          head={["Operator set", "Exposure", "Cap", "Used"]}
          rows={s.operatorSets.map((o) => ({
            key: o.key,
            testId: "set-row",
            cells: [
              <>
                <Address a={o.avs} name={avsNames[o.avs.toLowerCase()]} /> #{o.operatorSetId}
              </>,
              formatEth(o.exposure),
              <>
                {formatEth(o.cap)} <span className="muted">({formatBps(o.capBps)})</span>
              </>,
              <Meter used={o.exposure} cap={o.cap} />,
            ],
          }))}
        />
      </Card>
      <div className="grid2">
        <Card title="Liquid buffer" testId="buffer">
          <p>
            {formatEth(state.liquidBuffer)} idle, minimum {formatEth(minBuffer)} ({formatBps(limits.minBufferBps)} of TVL)
          </p>
          <ul className="plain">
            {s.idle.map((i) => (
              <li key={i.symbol}>
                {i.symbol}: {formatEth(i.ethValue)}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Withdrawal queue" testId="queue">
          <p data-testid="queue-backlog">
            {s.queue.pending === 0 ? "No requests waiting." : `${s.queue.pending} request${s.queue.pending === 1 ? "" : "s"} waiting, worth ${formatEth(s.queue.pendingValue)}`}
          </p>
          <p className="muted">
            {s.queuedWithdrawals} EigenLayer withdrawal{s.queuedWithdrawals === 1 ? "" : "s"} in flight; EigenLayer delay {state.withdrawalDelayBlocks.toString()} blocks
          </p>
        </Card>
      </div>
      <Card title="Limits in force" testId="limits">
        <ul className="limits">
          <li>Operator cap: {formatBps(limits.operatorCapBps)} of TVL</li>
          <li>Default AVS cap: {formatBps(limits.defaultAvsCapBps)}</li>
          <li>Default operator-set cap: {formatBps(limits.defaultOperatorSetCapBps)}</li>
          <li>Total slashable cap: {formatBps(limits.totalSlashableCapBps)}</li>
          <li>Minimum liquid buffer: {formatBps(limits.minBufferBps)}</li>
          <li>Allowlisted operators: {limits.operatorAllowlist.length}</li>
          {limits.avsCapBps.map((c) => (
            <li key={c.avs}>
              AVS {avsNames[c.avs.toLowerCase()] ?? shortAddress(c.avs)}: {formatBps(c.capBps)}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}

function PendingGovernance() {
  const { data, isLoading, error } = useTimelockOperations();
  const { deployment } = useAppConfig();
  const contractName = (a: string) => Object.entries(deployment.trellis).find(([, v]) => v.toLowerCase() === a.toLowerCase())?.[0] ?? shortAddress(a);
  return (
    <Card title="Pending governance (timelock)" testId="timelock">
      {error ? <ErrorBanner>Timelock unavailable: {error.message.split("\n")[0]}</ErrorBanner> : null}
      {isLoading ? <Loading what="timelock operations" /> : null}
      {data && data.pending.length === 0 ? <Empty>No changes waiting in the timelock.</Empty> : null}
      {data && data.pending.length > 0 ? (
        <ul className="plain">
          {data.pending.map((op) => (
            <li key={op.id} data-testid="timelock-op">
              <strong>{op.state === "ready" ? "Ready to execute" : `ETA ${formatTime(op.eta)} (${formatEta(op.eta, data.now)})`}</strong>
              {op.calls.map((c, i) => (
                <div key={i} className="call">
                  {contractName(c.target)}.{c.call}
                </div>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
