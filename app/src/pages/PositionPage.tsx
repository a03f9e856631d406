// My position and withdrawals (ERC-7540 through each asset's entry): request in a chosen asset with its value and
// payable-from date, the instant lane with its quote, my requests with their state, cancel and claim.
import { useState } from "react";
import { type Address } from "viem";
import { useConfig } from "wagmi";
import { useAppConfig, useEntryAssets, useSymbolOf } from "../context.js";
import { amountInput, formatAmount, formatEta, formatEth, formatRate, formatShare, formatTime, parseAmount } from "../format.js";
import { useExitPreview, useInstantQuote, usePosition, useRealisedPositionApr, useWithdrawalRequests } from "../hooks/account.js";
import { useTx } from "../hooks/tx.js";
import { cancelRedeem, claimRedeemed, instantRedeem, requestRedeem } from "../hooks/writes.js";
import { revertInWords } from "../revertWords.js";
import { decodeRevert } from "../../../src/chain/errors.js";

const quoteError = (e: unknown, symbolOf: (a: string) => string | undefined) => {
  const r = decodeRevert(e);
  return r ? revertInWords(r, symbolOf) : String((e as Error)?.message ?? e).split("\n")[0];
};
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
  const { redeemable } = useEntryAssets();
  const symbolOf = useSymbolOf();
  const config = useConfig();
  const position = usePosition(account);
  const [symbol, setSymbol] = useState(redeemable[0]!.symbol);
  const [text, setText] = useState("");
  const [instant, setInstant] = useState(false);
  const tx = useTx();
  const shares = parseAmount(text);
  const asset = redeemable.find((a) => a.symbol === symbol)!;
  const preview = useExitPreview(shares);
  const quote = useInstantQuote(instant ? asset.entry : undefined, shares);
  const tooMuch = shares !== undefined && position.data !== undefined && shares > position.data.shares;
  const busy = tx.state.status === "signing" || tx.state.status === "pending";
  const ctx = { config, deployment, account };
  const none = shares === undefined || shares === 0n;
  // The quote is what is signed for: at least the quoted assets less 0.5% (the lane's fee can rise before it lands).
  const minAssets = quote.data ? (quote.data.assets * 995n) / 1000n : undefined;
  return (
    <Card title="Withdraw" testId="withdraw-form">
      <p className="muted">
        A request escrows your trETH now and is paid in the asset you choose once it has waited the minimum delay and the keeper (or anyone) finalizes it: the
        lower of its value now and its value then. You can cancel it while it waits. The instant lane pays at once, for a fee.
      </p>
      <label>
        Paid in
        <select value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="withdraw-asset">
          {redeemable.map((a) => (
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
      <div className="row">
        <button className={instant ? "chip" : "chip on"} onClick={() => setInstant(false)} data-testid="lane-request">
          Request (no fee)
        </button>
        <button className={instant ? "chip on" : "chip"} onClick={() => setInstant(true)} data-testid="lane-instant">
          Instant (fee)
        </button>
      </div>
      {!instant ? (
        <>
          <div className="preview" data-testid="withdraw-preview">
            {preview.data !== undefined ? (
              <>
                Worth <strong>{formatEth(preview.data.value)}</strong> now, paid in {symbol} (at most this value), payable from{" "}
                <strong data-testid="withdraw-payable-from">{formatTime(preview.data.payableFrom)}</strong> ({formatEta(BigInt(preview.data.payableFrom), BigInt(preview.data.now))})
              </>
            ) : (
              <span className="muted">Enter an amount to see what it is worth and when it can be paid.</span>
            )}
          </div>
          <button
            data-testid="request-exit"
            disabled={busy || none || tooMuch}
            onClick={() =>
              shares !== undefined &&
              tx.run(`Request ${formatAmount(shares, "trETH")} in ${symbol}`, async () => {
                const hash = await requestRedeem(ctx, { entry: asset.entry, shares });
                setText("");
                return hash;
              })
            }
          >
            Request withdrawal
          </button>
        </>
      ) : (
        <>
          <div className="preview" data-testid="instant-quote">
            {none ? (
              <span className="muted">Enter an amount to get a quote.</span>
            ) : quote.isLoading ? (
              <span className="muted">Asking the queue…</span>
            ) : quote.error ? (
              <span className="warn">The instant lane would not pay this now: {quoteError(quote.error, symbolOf)}</span>
            ) : quote.data ? (
              <>
                You receive <strong>{formatAmount(quote.data.assets, symbol)}</strong> now; fee <strong>{formatEth(quote.data.feeValue)}</strong>
                {preview.data && preview.data.value > 0n ? ` (${formatShare(quote.data.feeValue, preview.data.value)} of its value)` : ""}; at least{" "}
                {formatAmount(minAssets!, symbol)}
              </>
            ) : null}
          </div>
          <button
            data-testid="instant-exit"
            disabled={busy || none || tooMuch || minAssets === undefined}
            onClick={() =>
              shares !== undefined &&
              minAssets !== undefined &&
              tx.run(`Withdraw ${formatAmount(shares, "trETH")} instantly in ${symbol}`, async () => {
                const hash = await instantRedeem(ctx, { entry: asset.entry, shares, minAssets });
                setText("");
                return hash;
              })
            }
          >
            Withdraw now for the fee
          </button>
        </>
      )}
      <TxStatus state={tx.state} />
    </Card>
  );
}

const STATE_WORDS = { waiting: "Waiting", claimable: "Ready to claim", claimed: "Claimed", cancelled: "Cancelled" } as const;

function Requests({ account }: { account: Address }) {
  const { deployment } = useAppConfig();
  const config = useConfig();
  const symbolOf = useSymbolOf();
  const { data, isLoading } = useWithdrawalRequests(account);
  const tx = useTx();
  const busy = tx.state.status === "signing" || tx.state.status === "pending";
  const ctx = { config, deployment, account };
  const now = Date.now() / 1000;
  return (
    <Card title="My withdrawal requests" testId="requests">
      {isLoading ? <Loading what="requests" /> : null}
      {data && data.length === 0 ? <Empty>No withdrawal requests yet.</Empty> : null}
      {data && data.length > 0 ? (
        <Table
          head={["Request", "trETH", "Value at request", "Requested", "Payable from", "State", ""]}
          rows={data.map((r) => {
            const sym = symbolOf(r.asset) ?? "";
            const detail =
              r.state === "claimable"
                ? `: ${formatAmount(r.claimable, sym)}`
                : r.state === "waiting"
                  ? r.payableFrom > now
                    ? ` (in ${sym}, for the delay)`
                    : ` (in ${sym}, for the keeper)`
                  : "";
            return {
              key: r.id.toString(),
              testId: "request-row",
              state: r.state,
              cells: [
                `#${r.id}`,
                formatAmount(r.shares),
                formatEth(r.valueAtRequest),
                formatTime(r.requestedAt),
                formatTime(r.payableFrom),
                `${STATE_WORDS[r.state]}${detail}`,
                r.state === "claimable" && r.entry ? (
                  <button data-testid="claim" disabled={busy} onClick={() => tx.run(`Claim ${sym}`, () => claimRedeemed(ctx, { entry: r.entry! }))}>
                    Claim
                  </button>
                ) : r.state === "waiting" && r.entry ? (
                  <button className="secondary" data-testid="cancel" disabled={busy} onClick={() => tx.run(`Cancel #${r.id}`, () => cancelRedeem(ctx, { entry: r.entry!, requestId: r.id }))}>
                    Cancel
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
