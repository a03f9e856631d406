import type { ReactNode } from "react";
import type { TxState } from "../hooks/tx.js";
import { shortAddress } from "../format.js";

export function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export const Loading = ({ what }: { what: string }) => <p className="muted loading">Loading {what}…</p>;
export const Empty = ({ children }: { children: ReactNode }) => <p className="muted empty">{children}</p>;

export function ErrorBanner({ children }: { children: ReactNode }) {
  return (
    <div className="banner error" role="alert">
      {children}
    </div>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

/** Used against a cap: a bar that turns amber past 80% and red past 100%. */
export function Meter({ used, cap }: { used: bigint; cap: bigint }) {
  const pct = cap === 0n ? (used === 0n ? 0 : 100) : Number((used * 10_000n) / cap) / 100;
  const level = pct > 100 ? "over" : pct > 80 ? "high" : "ok";
  return (
    <div className={`meter ${level}`} title={`${pct.toFixed(1)}% of cap`}>
      <div style={{ width: `${Math.min(100, pct)}%` }} />
      <span>{pct.toFixed(1)}%</span>
    </div>
  );
}

export function TxStatus({ state }: { state: TxState }) {
  if (state.status === "idle") return null;
  const text =
    state.status === "signing"
      ? `${state.label}: waiting for the wallet…`
      : state.status === "pending"
        ? `${state.label}: pending (${shortAddress(state.hash)})`
        : state.status === "confirmed"
          ? `${state.label}: confirmed (${shortAddress(state.hash)})`
          : `${state.label} failed: ${state.message}`;
  return (
    <p className={`tx tx-${state.status}`} data-testid="tx-status" role={state.status === "failed" ? "alert" : "status"}>
      {text}
    </p>
  );
}

export const Address = ({ a, name }: { a: string; name?: string | undefined }) => (
  <span className="addr" title={a}>
    {name ?? shortAddress(a)}
  </span>
);

export type TableRow = { key: string; testId?: string; state?: string; cells: ReactNode[] };

/** A table that becomes one card per row on a phone (each cell labelled with its column). */
export function Table({ head, rows }: { head: string[]; rows: TableRow[] }) {
  return (
    <div className="table-wrap">
      <table className="stack">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid={r.testId} data-state={r.state}>
              {r.cells.map((c, i) => (
                <td key={i} data-label={head[i]}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
