// Wallet choice: on a devnet, the public devnet test keys (marked devnet-only) or a browser wallet;
// elsewhere only the browser wallet (EIP-1193).
import { useAccount, useConnect, useDisconnect } from "wagmi";
import { useAppConfig } from "../context.js";
import { shortAddress } from "../format.js";

export function AccountPicker() {
  const { devnet } = useAppConfig();
  const { address, connector, status } = useAccount();
  const { connectors, connect, error, isPending } = useConnect();
  const { disconnect } = useDisconnect();
  const devnetConnectors = connectors.filter((c) => c.type === "devnet");
  const injected = connectors.find((c) => c.type === "injected");
  return (
    <div className="picker" data-testid="account-picker">
      {devnet ? (
        <label className="devnet-pick">
          <span className="badge devnet" title="These keys come from a public mnemonic: anyone can spend from them. Devnet only.">
            Devnet test keys (public, devnet only)
          </span>
          <select
            data-testid="devnet-account"
            value={connector?.type === "devnet" ? connector.id : ""}
            onChange={(e) => {
              const c = devnetConnectors.find((x) => x.id === e.target.value);
              if (c?.id === connector?.id) return;
              if (c) connect({ connector: c });
              else disconnect();
            }}
          >
            <option value="">Choose a devnet account…</option>
            {devnetConnectors.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {address && connector?.type !== "devnet" ? (
        <button className="secondary" onClick={() => disconnect()}>
          Disconnect
        </button>
      ) : injected && connector?.type !== "devnet" ? (
        <button disabled={isPending} onClick={() => connect({ connector: injected })}>
          Connect browser wallet
        </button>
      ) : null}
      {address ? (
        <span className="addr" data-testid="connected-address" title={address}>
          {shortAddress(address)}
        </span>
      ) : status === "connecting" ? (
        <span className="muted">connecting…</span>
      ) : null}
      {error ? <span className="warn">{error.message.includes("Provider not found") ? "No browser wallet found" : error.message.split("\n")[0]}</span> : null}
    </div>
  );
}
