import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  getAbiItem,
  keccak256,
  zeroHash,
  type Abi,
  type AbiFunction,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { z } from "zod";
import { assetRegistryAbi, riskRegistryAbi, vaultAbi } from "../abi/generated/index.js";
import { safeAbi, timelockControllerAbi } from "./abi.js";
import type { GovernanceDeployment } from "./deployment.js";
import type { GovAction, ParamChange, ParamsDiff } from "./diffParams.js";
import { ProposalError } from "./errors.js";
import { buildSafeTx, encodeMultiSend, hashSafeTx, type SafeTx } from "./safeTx.js";

const abis: Record<GovAction["contract"], Abi> = { riskRegistry: riskRegistryAbi, vault: vaultAbi, assetRegistry: assetRegistryAbi };

/** A call the Safe makes, with what a reviewer needs to read it. */
export type ProposalCall = {
  to: Address;
  value: bigint;
  data: Hex;
  /** The called function, e.g. `setOperatorCap(uint16)`, and its arguments as strings. */
  method: AbiFunction;
  inputs: Record<string, string>;
  description: string;
};

/** A timelocked batch: `scheduleBatch` now, `executeBatch` with the same fields after `delay`. */
export type TimelockOperation = {
  timelock: Address;
  targets: Address[];
  values: bigint[];
  payloads: Hex[];
  predecessor: Hex;
  salt: Hex;
  delay: bigint;
  /** `hashOperationBatch(targets, values, payloads, predecessor, salt)`. */
  operationId: Hex;
  calls: ProposalCall[];
};

/** Everything signers review, sign and execute; written as proposal.json beside the Transaction Builder batch. */
export type Proposal = {
  chainId: number;
  safe: Address;
  createdAt: number;
  description: string;
  changes: ParamChange[];
  /** The Safe's own calls: Safe-route changes, then `scheduleBatch` when anything is timelocked. */
  calls: ProposalCall[];
  timelock: TimelockOperation | null;
  safeTx: SafeTx;
  safeTxHash: Hex;
};

export type BuildProposalParameters = {
  deployment: GovernanceDeployment;
  diff: ParamsDiff;
  description?: string;
  /** Defaults to the Safe's current nonce. */
  nonce?: bigint;
  createdAt?: number;
};
export type BuildProposalReturnType = Proposal;

/**
 * Turns a diff into one Safe transaction: Safe-route calls straight to their contracts, timelock-route calls
 * as one `TimelockController.scheduleBatch` (at the timelock's min delay), all batched with MultiSendCallOnly.
 */
export async function buildProposal(
  client: PublicClient,
  { deployment, diff, description = "", nonce, createdAt = Date.now() }: BuildProposalParameters,
): Promise<BuildProposalReturnType> {
  if (diff.actions.length === 0) throw new ProposalError("Nothing to change: the chain already has these parameters");
  const { safe, timelock, multiSend } = deployment.trellis;
  const [safeNonce, delay, chainId] = await Promise.all([
    nonce ?? client.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }),
    client.readContract({ address: timelock, abi: timelockControllerAbi, functionName: "getMinDelay" }),
    client.getChainId(),
  ]);
  const toCall = (a: GovAction): ProposalCall =>
    encodeProposalCall(deployment.trellis[a.contract], abis[a.contract], a.functionName, a.args, a.parameters.join(", "));

  const calls = diff.actions.filter((a) => a.route === "safe").map(toCall);
  const timelocked = diff.actions.filter((a) => a.route === "timelock").map(toCall);
  let op: TimelockOperation | null = null;
  if (timelocked.length) {
    const targets = timelocked.map((c) => c.to);
    const values = timelocked.map((c) => c.value);
    const payloads = timelocked.map((c) => c.data);
    // Unique per Safe nonce and content, so the same change proposed twice gets two operations.
    const salt = keccak256(
      encodeAbiParameters([{ type: "address" }, { type: "uint256" }, { type: "bytes[]" }], [safe, safeNonce, payloads]),
    );
    const predecessor = zeroHash;
    const operationId = await client.readContract({
      address: timelock,
      abi: timelockControllerAbi,
      functionName: "hashOperationBatch",
      args: [targets, values, payloads, predecessor, salt],
    });
    op = { timelock, targets, values, payloads, predecessor, salt, delay, operationId, calls: timelocked };
    calls.push(
      encodeProposalCall(
        timelock,
        timelockControllerAbi,
        "scheduleBatch",
        [targets, values, payloads, predecessor, salt, delay],
        `schedule ${timelocked.length} timelocked call(s), executable after ${delay} s`,
      ),
    );
  }
  const safeTx = buildSafeTx({ calls, multiSend, nonce: safeNonce });
  return {
    chainId,
    safe,
    createdAt,
    description,
    changes: diff.changes,
    calls,
    timelock: op,
    safeTx,
    safeTxHash: hashSafeTx({ chainId, safe, safeTx }),
  };
}

/** The Safe transaction that runs a scheduled operation once its delay has passed. */
export async function buildExecuteTimelockProposal(
  client: PublicClient,
  { deployment, proposal, nonce, createdAt = Date.now() }: { deployment: GovernanceDeployment; proposal: Proposal; nonce?: bigint; createdAt?: number },
): Promise<Proposal> {
  const op = proposal.timelock;
  if (!op) throw new ProposalError("The proposal has no timelocked calls");
  const { safe, multiSend } = deployment.trellis;
  const [safeNonce, chainId] = await Promise.all([
    nonce ?? client.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }),
    client.getChainId(),
  ]);
  const call = encodeProposalCall(
    op.timelock,
    timelockControllerAbi,
    "executeBatch",
    [op.targets, op.values, op.payloads, op.predecessor, op.salt],
    `execute timelock operation ${op.operationId}`,
  );
  const safeTx = buildSafeTx({ calls: [call], multiSend, nonce: safeNonce });
  return {
    chainId,
    safe,
    createdAt,
    description: `Execute the timelocked part of: ${proposal.description || proposal.safeTxHash}`,
    changes: proposal.changes.filter((c) => c.route === "timelock"),
    calls: [call],
    timelock: null,
    safeTx,
    safeTxHash: hashSafeTx({ chainId, safe, safeTx }),
  };
}

/** What a reviewer reads (function and arguments) must decode from the calldata that is signed. */
function checkCallReadsAsEncoded(c: ProposalCall, file: string): void {
  let args: readonly unknown[] | undefined;
  try {
    ({ args } = decodeFunctionData({ abi: [c.method], data: c.data }));
  } catch {
    throw new ProposalError(`${file}: call to ${c.to} is not ${c.method.name}(…) as listed`);
  }
  const inputs = Object.fromEntries(c.method.inputs.map((m, i) => [m.name ?? `arg${i}`, stringifyArg(args?.[i])]));
  if (JSON.stringify(inputs) !== JSON.stringify(c.inputs)) {
    throw new ProposalError(`${file}: the arguments listed for ${c.method.name} are not the ones encoded in its calldata`);
  }
}

export function encodeProposalCall(to: Address, abi: Abi, functionName: string, args: readonly unknown[], description: string): ProposalCall {
  const method = getAbiItem({ abi, name: functionName }) as AbiFunction | undefined;
  if (!method || method.type !== "function") throw new ProposalError(`No function ${functionName} in the ABI of ${to}`);
  const data = encodeFunctionData({ abi: [method], functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  // Listed as decoded back from the calldata, so what reviewers read is what is signed.
  const decoded = decodeFunctionData({ abi: [method], data }).args ?? [];
  const inputs = Object.fromEntries(method.inputs.map((p, i) => [p.name ?? `arg${i}`, stringifyArg(decoded[i])]));
  return { to, value: 0n, data, method, inputs, description };
}

/**
 * Transaction Builder's convention: scalars as strings; arrays and tuples as JSON arrays (a tuple's fields in
 * ABI order) with numbers quoted.
 */
export function stringifyArg(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  const plain = (x: unknown): unknown =>
    typeof x === "bigint" || typeof x === "number"
      ? String(x)
      : Array.isArray(x)
        ? x.map(plain)
        : x !== null && typeof x === "object"
          ? Object.values(x).map(plain)
          : x;
  return JSON.stringify(plain(v));
}

// ------------------------------------------------------------------ proposal.json

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>;
const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<Address>;
const big = z.string().regex(/^\d+$/).transform((s) => BigInt(s));
const callSchema = z.object({
  to: addr,
  value: big,
  data: hex,
  method: z.custom<AbiFunction>((m) => typeof m === "object" && m !== null && (m as { type?: string }).type === "function"),
  inputs: z.record(z.string()),
  description: z.string(),
});
const proposalSchema = z.object({
  kind: z.literal("trellis-gov-proposal"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  safe: addr,
  createdAt: z.number(),
  description: z.string(),
  changes: z.array(
    z.object({
      parameter: z.string(),
      current: z.string(),
      new: z.string(),
      direction: z.enum(["tighten", "loosen", "change"]),
      route: z.enum(["safe", "timelock"]),
    }),
  ),
  calls: z.array(callSchema),
  timelock: z
    .object({
      timelock: addr,
      targets: z.array(addr),
      values: z.array(big),
      payloads: z.array(hex),
      predecessor: hex,
      salt: hex,
      delay: big,
      operationId: hex,
      calls: z.array(callSchema),
    })
    .nullable(),
  safeTx: z.object({
    to: addr,
    value: big,
    data: hex,
    operation: z.union([z.literal(0), z.literal(1)]),
    safeTxGas: big,
    baseGas: big,
    gasPrice: big,
    gasToken: addr,
    refundReceiver: addr,
    nonce: big,
  }),
  safeTxHash: hex,
});

/** proposal.json: bigints as decimal strings. */
export function serializeProposal(p: Proposal): string {
  return JSON.stringify({ kind: "trellis-gov-proposal", version: 1, ...p }, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

/** Parses proposal.json and checks its SafeTx hash against its own fields (a hand-edited file is refused). */
export function parseProposal(text: string, file = "proposal.json"): Proposal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProposalError(`${file} is not valid JSON`, [(e as Error).message]);
  }
  const r = proposalSchema.safeParse(raw);
  if (!r.success) throw new ProposalError(`Invalid ${file}`, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const { kind: _k, version: _v, ...p } = r.data;
  const hash = hashSafeTx({ chainId: p.chainId, safe: p.safe, safeTx: p.safeTx });
  if (hash !== p.safeTxHash) throw new ProposalError(`${file}: safeTxHash does not match its safeTx`, [`file ${p.safeTxHash}`, `computed ${hash}`]);
  // What reviewers read (calls) must be what owners sign (safeTx).
  const single = p.calls.length === 1 ? p.calls[0] : undefined;
  const matches =
    p.safeTx.operation === 0
      ? single !== undefined && single.to === p.safeTx.to && single.data === p.safeTx.data && single.value === p.safeTx.value
      : p.calls.length > 1 && encodeMultiSend(p.calls) === p.safeTx.data;
  if (!matches) throw new ProposalError(`${file}: calls do not match the signed safeTx`);
  for (const c of [...p.calls, ...(p.timelock?.calls ?? [])]) checkCallReadsAsEncoded(c, file);
  const op = p.timelock;
  if (op) {
    const schedule = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "scheduleBatch",
      args: [op.targets, op.values, op.payloads, op.predecessor, op.salt, op.delay],
    });
    const scheduled = p.calls.some((c) => c.to === op.timelock && c.data === schedule);
    const listed =
      op.calls.length === op.targets.length &&
      op.calls.every((c, i) => c.to === op.targets[i] && c.data === op.payloads[i] && c.value === op.values[i]);
    if (!scheduled || !listed) throw new ProposalError(`${file}: the timelocked calls do not match the scheduleBatch call the Safe signs`);
  }
  return p;
}
