// Layout and routing (#/protocol, #/deposit, #/position) and the RPC-down banner.
import { useEffect, useState } from "react";
import { useAccount, useBlockNumber } from "wagmi";
import { useAppConfig } from "./context.js";
import { AccountPicker } from "./components/AccountPicker.js";
import { ErrorBanner } from "./components/ui.js";
import { DepositPage } from "./pages/DepositPage.js";
import { PositionPage } from "./pages/PositionPage.js";
import { ProtocolPage } from "./pages/ProtocolPage.js";

const ROUTES = { protocol: "Protocol", deposit: "Deposit", position: "Position & withdraw" } as const;
type Route = keyof typeof ROUTES;

function useRoute(): Route {
  const read = (): Route => {
    const r = window.location.hash.replace(/^#\/?/, "");
    return r in ROUTES ? (r as Route) : "protocol";
  };
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function App() {
  const { network, devnet, rpcUrl } = useAppConfig();
  const route = useRoute();
  const { address } = useAccount();
  const block = useBlockNumber({ watch: true });
  return (
    <div className="app">
      <header>
        <div className="brand">
          <strong>Trellis</strong>
          <span className={devnet ? "badge devnet" : "badge"}>{network}</span>
          {block.data !== undefined ? <span className="muted block">block {block.data.toString()}</span> : null}
        </div>
        <nav>
          {(Object.keys(ROUTES) as Route[]).map((r) => (
            <a key={r} href={`#/${r}`} className={r === route ? "on" : ""} data-testid={`nav-${r}`}>
              {ROUTES[r]}
            </a>
          ))}
        </nav>
        <AccountPicker />
      </header>
      {block.error ? (
        <ErrorBanner>
          The node at {rpcUrl} is not answering ({block.error.message.split("\n")[0]}). Figures below may be stale; the app retries on its own.
        </ErrorBanner>
      ) : null}
      <main>
        {route === "protocol" ? <ProtocolPage /> : null}
        {route === "deposit" ? <DepositPage account={address} /> : null}
        {route === "position" ? <PositionPage account={address} /> : null}
      </main>
    </div>
  );
}
