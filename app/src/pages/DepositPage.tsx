// Deposit through the asset's ERC-7575 entry: asset, amount in token units, the trETH the entry would mint
// (`previewDeposit`), a minimum, approval of the entry as its own step.
import { useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";
import { useAppConfig, useEntryAssets } from "../context.js";
import { amountInput, formatAmount, parseAmount } from "../format.js";
import { useBalances, useDepositPreview } from "../hooks/account.js";
import { useTx } from "../hooks/tx.js";
import { approveAsset, depositAsset, stakeEthForStEth } from "../hooks/writes.js";
import { Card, Empty, Loading, TxStatus } from "../components/ui.js";

const SLIPPAGE_CHOICES = [10, 50, 100] as const;

export function DepositPage({ account }: { account: Address | undefined }) {
  const { deployment, devnet } = useAppConfig();
  const config = useConfig();
  const { all } = useEntryAssets();
  const balances = useBalances(account);
  const [symbol, setSymbol] = useState(deployment.assets[0]!.symbol);
  const [text, setText] = useState("");
  const [slippageBps, setSlippageBps] = useState<number>(50);
  const tx = useTx();
  const asset = all.find((a) => a.symbol === symbol)!;
  const amount = parseAmount(text);
  const preview = useDepositPreview(asset.entry, amount);
  const held = balances.data?.assets.find((a) => a.symbol === symbol);
  const minShares = preview.data !== undefined ? (preview.data * BigInt(10_000 - slippageBps)) / 10_000n : undefined;
  const needsApproval = !!held && amount !== undefined && held.allowance < amount;
  const tooMuch = !!held && amount !== undefined && amount > held.balance;
  const busy = tx.state.status === "signing" || tx.state.status === "pending";

  if (!account) return <Empty>Connect a wallet to deposit.</Empty>;
  const ctx = { config, deployment, account };
  return (
    <div className="page" data-testid="deposit-page">
      <Card title="Your balances" testId="balances">
        {balances.isLoading ? <Loading what="balances" /> : null}
        {balances.data ? (
          <ul className="balances">
            {balances.data.assets.map((a) => (
              <li key={a.symbol} data-testid={`balance-${a.symbol}`}>
                <span>{a.symbol}</span> <strong>{formatAmount(a.balance)}</strong>
              </li>
            ))}
            <li data-testid="balance-trETH">
              <span>trETH</span> <strong>{formatAmount(balances.data.trEth)}</strong>
            </li>
            <li>
              <span>ETH (gas)</span> <strong>{formatAmount(balances.data.eth, undefined, { digits: 3 })}</strong>
            </li>
          </ul>
        ) : null}
        {devnet ? (
          <p className="devnet-note">
            Devnet only:{" "}
            <button
              className="link"
              disabled={busy}
              onClick={() => tx.run("Stake 10 ETH for devnet stETH", () => stakeEthForStEth(ctx, { stEth: deployment.assets.find((a) => a.symbol === "stETH")!.token, value: 10n ** 19n }))}
            >
              stake 10 ETH for devnet stETH
            </button>
          </p>
        ) : null}
      </Card>
      <Card title="Deposit" testId="deposit-form">
        <label>
          Asset
          <select value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="deposit-asset">
            {all.map((a) => (
              <option key={a.symbol} value={a.symbol}>
                {a.wraps ? `${a.symbol} (held as ${a.wraps})` : a.symbol}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount ({symbol})
          <div className="row">
            <input inputMode="decimal" placeholder="0.0" value={text} onChange={(e) => setText(e.target.value)} data-testid="deposit-amount" />
            <button className="secondary" onClick={() => held && setText(amountInput(held.balance))}>
              Max
            </button>
          </div>
        </label>
        {text && amount === undefined ? <p className="warn">Enter an amount like 1.5</p> : null}
        {tooMuch ? <p className="warn">More than your {formatAmount(held!.balance, symbol)}</p> : null}
        <div className="preview" data-testid="deposit-preview">
          {amount === undefined || amount === 0n ? (
            <span className="muted">Enter an amount to see the trETH you get.</span>
          ) : preview.isLoading ? (
            <span className="muted">Asking the vault…</span>
          ) : preview.error ? (
            <span className="warn">The vault would not take this deposit: {preview.error.message.split("\n")[0]}</span>
          ) : preview.data !== undefined ? (
            <>
              You receive about <strong>{formatAmount(preview.data, "trETH")}</strong>; at least {formatAmount(minShares!, "trETH")}
            </>
          ) : null}
        </div>
        <label>
          Minimum received: preview less
          <div className="row">
            {SLIPPAGE_CHOICES.map((b) => (
              <button key={b} className={b === slippageBps ? "chip on" : "chip"} onClick={() => setSlippageBps(b)}>
                {b / 100}%
              </button>
            ))}
          </div>
        </label>
        <ol className="steps">
          <li className={amount !== undefined && !needsApproval ? "done" : ""}>
            <button
              data-testid="approve"
              disabled={busy || !needsApproval || tooMuch || amount === undefined}
              onClick={() => amount !== undefined && tx.run(`Approve ${formatAmount(amount, symbol)}`, () => approveAsset(ctx, { token: asset.token, entry: asset.entry, amount }))}
            >
              {needsApproval || amount === undefined ? `1. Approve ${symbol}` : `1. ${symbol} approved`}
            </button>
          </li>
          <li>
            <button
              data-testid="deposit"
              disabled={busy || needsApproval || amount === undefined || amount === 0n || minShares === undefined}
              onClick={() =>
                amount !== undefined &&
                minShares !== undefined &&
                tx.run(`Deposit ${formatAmount(amount, symbol)}`, async () => {
                  const hash = await depositAsset(ctx, { entry: asset.entry, amount, minShares });
                  setText("");
                  return hash;
                })
              }
            >
              2. Deposit
            </button>
          </li>
        </ol>
        <TxStatus state={tx.state} />
      </Card>
    </div>
  );
}
