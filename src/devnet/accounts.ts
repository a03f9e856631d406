import { mnemonicToAccount, type HDAccount } from "viem/accounts";

/** The public devnet mnemonic (anvil's default). Devnet only: never hold value with these keys. */
export const DEVNET_MNEMONIC = "test test test test test test test test test test test junk";

/** Key indices used by script/DeployDevnet.s.sol. */
export const DEVNET_KEY_INDEX = {
  deployer: 0,
  keeper: 1,
  guardian: 2,
  treasury: 3,
  safeOwners: [5, 6, 7],
  users: [8, 9],
  firstOperator: 10,
  firstAvs: 30,
} as const;

export function devnetAccount(index: number): HDAccount {
  return mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: index });
}

export function devnetPrivateKey(index: number): `0x${string}` {
  const key = devnetAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for devnet index ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}
