// A wagmi connector over one public devnet test key: an EIP-1193 provider that signs locally and
// forwards reads to the devnet node. DEVNET ONLY: anyone can spend from these keys.
import { createConnector } from "wagmi";
import { createWalletClient, getAddress, http, numberToHex, type Chain, type EIP1193RequestFn, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DevnetKey } from "./appConfig.js";

type TxParams = { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };

export function devnetKeyConnector(key: DevnetKey, chain: Chain) {
  const account = privateKeyToAccount(key.privateKey);
  const wallet = createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0]) });
  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    const p = (params ?? []) as unknown[];
    switch (method) {
      case "eth_accounts":
      case "eth_requestAccounts":
        return [account.address];
      case "eth_chainId":
        return numberToHex(chain.id);
      case "wallet_switchEthereumChain":
        return null;
      case "eth_sendTransaction": {
        const tx = p[0] as TxParams;
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        } as Parameters<typeof wallet.sendTransaction>[0]);
      }
      case "personal_sign":
        return account.signMessage({ message: { raw: p[0] as Hex } });
      case "eth_signTypedData_v4":
        return account.signTypedData(JSON.parse(p[1] as string));
      default:
        return wallet.request({ method, params } as never);
    }
  }) as EIP1193RequestFn;
  const provider = { request, on() {}, removeListener() {} };

  return createConnector((config) => ({
    id: `devnet-${key.index}`,
    name: `${key.label} (devnet key #${key.index})`,
    type: "devnet",
    async setup() {},
    async connect(parameters?: { withCapabilities?: boolean }) {
      const accounts = parameters?.withCapabilities ? [{ address: account.address, capabilities: {} }] : [account.address];
      return { accounts, chainId: chain.id } as never;
    },
    async disconnect() {},
    async getAccounts() {
      return [getAddress(account.address)];
    },
    async getChainId() {
      return chain.id;
    },
    async getProvider() {
      return provider;
    },
    async isAuthorized() {
      // Reconnect after a reload only to the devnet account the user last chose, never unasked.
      return (await config.storage?.getItem("recentConnectorId")) === `devnet-${key.index}`;
    },
    async switchChain() {
      return chain;
    },
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
  }));
}
