import { createContext, useContext } from "react";
import type { AppConfig } from "./appConfig.js";

export const AppConfigContext = createContext<AppConfig | null>(null);

/** The network config loaded from /config.json before the app renders. */
export function useAppConfig(): AppConfig {
  const c = useContext(AppConfigContext);
  if (!c) throw new Error("useAppConfig outside AppConfigContext");
  return c;
}

/** Token symbol by address (the deployment's assets, trETH). */
export function useSymbolOf(): (address: string) => string | undefined {
  const { deployment } = useAppConfig();
  return (address) => {
    const a = address.toLowerCase();
    if (a === deployment.trellis.trETH.toLowerCase()) return "trETH";
    return deployment.assets.find((x) => x.token.toLowerCase() === a)?.symbol;
  };
}

/** A deployment asset with its entry (ERC-7575/7540); `wraps` marks a deposit-only entry (wstETH, held as stETH). */
export type EntryAsset = { symbol: string; token: `0x${string}`; entry: `0x${string}`; wraps?: string };

/** The deployment's assets with their entries (deployments/<network>.json `assets[].entry`). */
export function useEntryAssets(): { all: EntryAsset[]; redeemable: EntryAsset[] } {
  const { deployment } = useAppConfig();
  const all = deployment.assets as unknown as EntryAsset[];
  return { all, redeemable: all.filter((a) => !a.wraps) };
}
