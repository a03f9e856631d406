import { concat, getAddress, recoverTypedDataAddress, type Address, type Hex, type PublicClient } from "viem";
import { safeAbi } from "./abi.js";
import { NotEnoughSignaturesError } from "./errors.js";
import type { OwnerSignature } from "./files.js";
import type { Proposal } from "./proposal.js";
import { safeTxTypedData } from "./safeTx.js";

export type CollectSignaturesParameters = { proposal: Proposal; signatures: OwnerSignature[] };
export type CollectSignaturesReturnType = {
  /** Valid owner signatures, sorted by owner address as the Safe requires. */
  valid: OwnerSignature[];
  /** Their concatenation, ready for `execTransaction`. */
  packed: Hex;
  threshold: number;
};

/**
 * Keeps the signatures that recover to a current owner (one each), sorts them by owner address and checks
 * there are at least the Safe's threshold. Throws `NotEnoughSignaturesError` naming what was refused.
 */
export async function collectSignatures(
  client: PublicClient,
  { proposal, signatures }: CollectSignaturesParameters,
): Promise<CollectSignaturesReturnType> {
  const [owners, threshold] = await Promise.all([
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "getOwners" }),
    client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "getThreshold" }),
  ]);
  const isOwner = new Set(owners.map((o) => o.toLowerCase()));
  const typed = safeTxTypedData({ chainId: proposal.chainId, safe: proposal.safe, safeTx: proposal.safeTx });
  const refused: string[] = [];
  const bySigner = new Map<string, OwnerSignature>();
  for (const s of signatures) {
    let signer: Address;
    try {
      signer = await recoverTypedDataAddress({ ...typed, signature: s.signature });
    } catch {
      refused.push(`${s.signer}: not a valid signature`);
      continue;
    }
    if (signer.toLowerCase() !== s.signer.toLowerCase()) refused.push(`${s.signer}: signature is by ${signer}, for another SafeTx or signer`);
    else if (!isOwner.has(signer.toLowerCase())) refused.push(`${signer}: not an owner of the Safe`);
    else bySigner.set(signer.toLowerCase(), { signer: getAddress(signer), signature: s.signature });
  }
  const valid = [...bySigner.values()].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  if (valid.length < Number(threshold)) throw new NotEnoughSignaturesError(valid.length, Number(threshold), refused);
  return { valid, packed: concat(valid.map((s) => s.signature)), threshold: Number(threshold) };
}
