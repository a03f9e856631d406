import type { LocalAccount, PublicClient } from "viem";
import { safeAbi } from "./abi.js";
import { MissingEnvError, ProposalError } from "./errors.js";
import type { OwnerSignature } from "./files.js";
import type { Proposal } from "./proposal.js";
import { safeTxTypedData } from "./safeTx.js";
import { privateKeyToAccount } from "viem/accounts";

/** The environment variable `gov sign` and `gov execute` read the signer's private key from. */
export const SIGNER_KEY_ENV = "TRELLIS_SIGNER_KEY";

export type SignProposalParameters = { proposal: Proposal; account: LocalAccount };
export type SignProposalReturnType = OwnerSignature;

/**
 * An owner's EIP-712 signature of the proposal's SafeTx. Refuses a signer that is not an owner, another chain,
 * or a nonce the Safe has already used.
 */
export async function signProposal(client: PublicClient, { proposal, account }: SignProposalParameters): Promise<SignProposalReturnType> {
  const [chainId, isOwner, nonce] = await Promise.all([
    client.getChainId(),
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "isOwner", args: [account.address] }),
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "nonce" }),
  ]);
  if (chainId !== proposal.chainId) throw new ProposalError(`The proposal is for chain ${proposal.chainId}, the RPC is chain ${chainId}`);
  if (!isOwner) throw new ProposalError(`${account.address} is not an owner of the Safe ${proposal.safe}`);
  if (proposal.safeTx.nonce < nonce) {
    throw new ProposalError(`The Safe already used nonce ${proposal.safeTx.nonce} (now at ${nonce}): propose again`);
  }
  const signature = await account.signTypedData(safeTxTypedData({ chainId: proposal.chainId, safe: proposal.safe, safeTx: proposal.safeTx }));
  return { signer: account.address, signature };
}

/** The signer's account from `TRELLIS_SIGNER_KEY` (or `name`), checked at start-up with a clear message. */
export function accountFromEnv(name = SIGNER_KEY_ENV, env: NodeJS.ProcessEnv = process.env): LocalAccount {
  const key = env[name];
  if (!key) throw new MissingEnvError(name);
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new MissingEnvError(name, "is not a 0x-prefixed 32-byte private key");
  return privateKeyToAccount(key as `0x${string}`);
}
