// Loads /config.json (served by `trellis app`), then renders the app with wagmi and react-query.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider } from "wagmi";
import type { AppConfig } from "./appConfig.js";
import { App } from "./App.js";
import { AppConfigContext } from "./context.js";
import { makeWagmiConfig } from "./wagmi.js";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

async function boot() {
  let config: AppConfig;
  try {
    const res = await fetch("./config.json", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    config = (await res.json()) as AppConfig;
  } catch (e) {
    root.render(
      <div className="banner error" role="alert">
        Could not load config.json ({(e as Error).message}): serve the app with <code>trellis app</code>.
      </div>,
    );
    return;
  }
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
  root.render(
    <StrictMode>
      <AppConfigContext.Provider value={config}>
        <WagmiProvider config={makeWagmiConfig(config)}>
          <QueryClientProvider client={queryClient}>
            <App />
          </QueryClientProvider>
        </WagmiProvider>
      </AppConfigContext.Provider>
    </StrictMode>,
  );
}

void boot();
