// My position and withdrawals: request in a chosen asset, list of requests with their state, claim.
import { useState } from "react";
import { type Address } from "viem";
import { useConfig } from "wagmi";
import { useAppConfig, useSymbolOf } from "../context.js";
import { amountInput, formatAmount, formatEth, formatRate, formatShare, formatTime, parseAmount } from "../format.js";
import { useExitValue, usePosition, useRealisedPositionApr, useTrEthAllowance, useWithdrawalRequests } from "../hooks/account.js";
import { useTx } from "../hooks/tx.js";
import { approveTrEthForExit, claimExit, requestExit } from "../hooks/writes.js";
import { Card, Empty, Loading, Stat, Table, TxStatus } from "../components/ui.js";

export function PositionPage({ account }: { account: Address | undefined }) {
  if (!account) return <Empty>Connect a wallet to see your position.</Empty>;
  return (
    <div className="page" data-testid="position-page">
      <Position account={account} />
      <RequestForm account={account} />
      <Requests account={account} />
    </div>
  );
}

function Position({ account }: { account: Address }) {
  const { data, isLoading } = usePosition(account);
  const apr = useRealisedPositionApr(account);
  return (
    <Card title="My position" testId="position">
      {isLoading ? <Loading what="position" /> : null}
      {data ? (
        <div className="stats">
          <Stat label="trETH" value={formatAmount(data.shares)} testId="position-shares" />
          <Stat label="Worth" value={formatEth(data.ethValue)} hint={`at ${formatRate(data.rate)} per trETH`} testId="position-value" />
          <Stat label="Share of trETH" value={formatShare(data.shares, data.supply)} />
          <Stat
            label="Realised APR"
            value={apr.data?.apr === undefined ? "–" : `${(apr.data.apr * 100).toFixed(2)}%`}
            hint={apr.data ? (apr.data.deposits ? `since your ${apr.data.deposits} deposit${apr.data.deposits === 1 ? "" : "s"}` : "no deposits yet") : undefined}
          />
        </div>
      ) : null}
    </Card>
  );
}

function RequestForm({ account }: { account: Address }) {
  const { deployment } = useAppConfig();
  const config = useConfig();
  const position = usePosition(account);
  const [symbol, setSymbol] = useState(deployment.assets[0]!.symbol);
  const [text, setText] = useState("");
  const tx = useTx();
  const shares = parseAmount(text);
  const value = useExitValue(shares);
  const allowance = useTrEthAllowance(account);
  const asset = deployment.assets.find((a) => a.symbol === symbol)!;
  const needsApproval = shares !== undefined && allowance.data !== undefined && allowance.data < shares;
  const tooMuch = shares !== undefined && position.data !== undefined && shares > position.data.shares;
  const busy = tx.state.status === "signing" || tx.state.status === "pending";
  const ctx = { config, deployment, account };
  return (
    <Card title="Withdraw" testId="withdraw-form">
      <p className="muted">
        Your trETH is escrowed now; the keeper frees liquidity and finalizes requests in order. You are paid the lower of the value now and the value at
        finalization, in the asset you choose.
      </p>
      <label>
        Paid in
        <select value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="withdraw-asset">
          {deployment.assets.map((a) => (
            <option key={a.symbol}>{a.symbol}</option>
          ))}
        </select>
      </label>
      <label>
        trETH to withdraw
        <div className="row">
          <input inputMode="decimal" placeholder="0.0" value={text} onChange={(e) => setText(e.target.value)} data-testid="withdraw-amount" />
          <button className="secondary" onClick={() => position.data && setText(amountInput(position.data.shares))}>
            Max
          </button>
        </div>
      </label>
      {tooMuch ? <p className="warn">More than your {formatAmount(position.data!.shares, "trETH")}</p> : null}
      <div className="preview" data-testid="withdraw-preview">
        {value.data !== undefined ? (
          <>
            Worth <strong>{formatEth(value.data)}</strong> now, paid in {symbol} once finalized (at most this value)
          </>
        ) : (
          <span className="muted">Enter an amount to see what it is worth.</span>
        )}
      </div>
      <ol className="steps">
        <li className={shares !== undefined && !needsApproval ? "done" : ""}>
          <button
            data-testid="approve-exit"
            disabled={busy || !needsApproval || tooMuch}
            onClick={() => shares !== undefined && tx.run(`Approve ${formatAmount(shares, "trETH")}`, () => approveTrEthForExit(ctx, { shares }))}
          >
            {needsApproval || shares === undefined ? "1. Approve trETH" : "1. trETH approved"}
          </button>
        </li>
        <li>
          <button
            data-testid="request-exit"
            disabled={busy || needsApproval || shares === undefined || shares === 0n}
            onClick={() =>
              shares !== undefined &&
              tx.run(`Request ${formatAmount(shares, "trETH")} in ${symbol}`, async () => {
                const hash = await requestExit(ctx, { shares, asset: asset.token });
                setText("");
                return hash;
              })
            }
          >
            2. Request withdrawal
          </button>
        </li>
      </ol>
      <TxStatus state={tx.state} />
    </Card>
  );
}

const STATE_WORDS = { waiting: "Waiting for the keeper", claimable: "Ready to claim", claimed: "Claimed" } as const;

function Requests({ account }: { account: Address }) {
  const { deployment } = useAppConfig();
  const config = useConfig();
  const symbolOf = useSymbolOf();
  const { data, isLoading } = useWithdrawalRequests(account);
  const tx = useTx();
  const busy = tx.state.status === "signing" || tx.state.status === "pending";
  return (
    <Card title="My withdrawal requests" testId="requests">
      {isLoading ? <Loading what="requests" /> : null}
      {data && data.length === 0 ? <Empty>No withdrawal requests yet.</Empty> : null}
      {data && data.length > 0 ? (
        <Table
          head={["Request", "trETH", "Value at request", "Requested", "State", ""]}
          rows={data.map((r) => {
            const sym = symbolOf(r.asset) ?? "";
            return {
              key: r.id.toString(),
              testId: "request-row",
              state: r.state,
              cells: [
                `#${r.id}`,
                formatAmount(r.shares),
                formatEth(r.valueAtRequest),
                formatTime(r.requestedAt),
                `${STATE_WORDS[r.state]}${r.state === "claimable" ? `: ${formatAmount(r.claimable, sym)}` : r.state === "claimed" ? `: ${formatAmount(r.payout, sym)}` : ""}`,
                r.state === "claimable" ? (
                  <button data-testid="claim" disabled={busy} onClick={() => tx.run(`Claim #${r.id}`, () => claimExit({ config, deployment, account }, { requestId: r.id }))}>
                    Claim
                  </button>
                ) : null,
              ],
            };
          })}
        />
      ) : null}
      <TxStatus state={tx.state} />
    </Card>
  );
}
