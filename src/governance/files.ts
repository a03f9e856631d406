import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { toTransactionBuilderBatch } from "./batchFile.js";
import { ProposalError } from "./errors.js";
import { parseProposal, serializeProposal, type Proposal } from "./proposal.js";

/** A proposal directory: what `gov propose` writes and `gov sign` / `gov execute` read. */
export const PROPOSAL_FILE = "proposal.json";
export const BATCH_FILE = "batch.json";
export const SIGNATURES_FILE = "signatures.json";

export type OwnerSignature = { signer: Address; signature: Hex };
export type SignaturesFile = { safeTxHash: Hex; signatures: OwnerSignature[] };

const signaturesSchema = z.object({
  safeTxHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  signatures: z.array(z.object({ signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/), signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/) })),
});

/** Writes proposal.json, the Transaction Builder batch.json and an empty signatures.json. */
export function writeProposalDir(dir: string, proposal: Proposal): { proposalFile: string; batchFile: string; signaturesFile: string } {
  mkdirSync(dir, { recursive: true });
  const proposalFile = join(dir, PROPOSAL_FILE);
  const batchFile = join(dir, BATCH_FILE);
  const signaturesFile = join(dir, SIGNATURES_FILE);
  writeFileSync(proposalFile, serializeProposal(proposal));
  writeFileSync(batchFile, JSON.stringify(toTransactionBuilderBatch(proposal), null, 2) + "\n");
  writeSignatures(dir, { safeTxHash: proposal.safeTxHash, signatures: [] });
  return { proposalFile, batchFile, signaturesFile };
}

export function readProposalDir(dir: string): Proposal {
  const file = join(dir, PROPOSAL_FILE);
  if (!existsSync(file)) throw new ProposalError(`No ${PROPOSAL_FILE} in ${dir}`, ["run `trellis gov propose --params FILE --out DIR` first"]);
  return parseProposal(readFileSync(file, "utf8"), file);
}

/** The signatures collected so far; refused if they belong to another SafeTx. */
export function readSignatures(dir: string, proposal: Proposal): OwnerSignature[] {
  const file = join(dir, SIGNATURES_FILE);
  if (!existsSync(file)) return [];
  const r = signaturesSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!r.success) throw new ProposalError(`Invalid ${file}`, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  if (r.data.safeTxHash.toLowerCase() !== proposal.safeTxHash.toLowerCase()) {
    throw new ProposalError(`${file} is for SafeTx ${r.data.safeTxHash}, not ${proposal.safeTxHash}`);
  }
  return r.data.signatures as OwnerSignature[];
}

export function writeSignatures(dir: string, file: SignaturesFile): void {
  writeFileSync(join(dir, SIGNATURES_FILE), JSON.stringify(file, null, 2) + "\n");
}

/** Adds or replaces `sig` (one per signer). */
export function addSignature(dir: string, proposal: Proposal, sig: OwnerSignature): OwnerSignature[] {
  const list = readSignatures(dir, proposal).filter((s) => s.signer.toLowerCase() !== sig.signer.toLowerCase());
  list.push(sig);
  writeSignatures(dir, { safeTxHash: proposal.safeTxHash, signatures: list });
  return list;
}
