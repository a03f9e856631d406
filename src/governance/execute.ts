import type { Account, Chain, Hash, PublicClient, TransactionReceipt, Transport, WalletClient } from "viem";
import { safeAbi } from "./abi.js";
import { ProposalError, SimulationError } from "./errors.js";
import type { OwnerSignature } from "./files.js";
import type { Proposal } from "./proposal.js";
import { describeRevert } from "./revert.js";
import { collectSignatures } from "./signatures.js";

export type ExecuteProposalParameters = {
  proposal: Proposal;
  signatures: OwnerSignature[];
  /** Sends `execTransaction` (any account: the signatures authorize, not the sender). */
  wallet: WalletClient<Transport, Chain | undefined, Account>;
};
export type ExecuteProposalReturnType = { hash: Hash; receipt: TransactionReceipt; signers: string[] };

/**
 * Executes the proposal's SafeTx with enough owner signatures, sorted by owner address. Fewer than the
 * threshold are refused here (`NotEnoughSignaturesError`) before anything is sent; the call is simulated
 * first so a revert is reported by its Solidity error name.
 */
export async function executeProposal(
  client: PublicClient,
  { proposal, signatures, wallet }: ExecuteProposalParameters,
): Promise<ExecuteProposalReturnType> {
  const nonce = await client.readContract({ address: proposal.safe, abi: safeAbi, functionName: "nonce" });
  if (nonce !== proposal.safeTx.nonce) {
    throw new ProposalError(`The Safe is at nonce ${nonce}, the proposal was built for nonce ${proposal.safeTx.nonce}: propose again`);
  }
  const { valid, packed } = await collectSignatures(client, { proposal, signatures });
  const t = proposal.safeTx;
  const args = [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, packed] as const;
  try {
    await client.simulateContract({ account: wallet.account, address: proposal.safe, abi: safeAbi, functionName: "execTransaction", args });
  } catch (e) {
    throw new SimulationError(`execTransaction would revert: ${describeRevert(e)}`);
  }
  const hash = await wallet.writeContract({
    account: wallet.account,
    chain: wallet.chain,
    address: proposal.safe,
    abi: safeAbi,
    functionName: "execTransaction",
    args,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new SimulationError(`execTransaction ${hash} reverted`);
  return { hash, receipt, signers: valid.map((s) => s.signer) };
}
