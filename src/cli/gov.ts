// `trellis gov ...`: turn a reviewed parameter file into a Safe transaction, sign it, execute it, and run its
// timelocked part after the delay. Mount with `registerGovCommands(program)`.
import { join, resolve } from "node:path";
import { Command } from "commander";
import { createPublicClient, createWalletClient, defineChain, http, type Chain, type PublicClient } from "viem";
import { loadDotenv, loadNetwork } from "../chain/config.js";
import { readDeployment, type Deployment } from "../devnet/deployment.js";
import { formatAmount } from "../chain/format.js";
import { describeError } from "../chain/errors.js";
import { formatDate } from "../chain/format.js";
import { resolveRpcUrl } from "./context.js";
import { describeSafeTx, describeTimelock, readSafeTxState, readTimelockState } from "./govState.js";
import {
  accountFromEnv,
  addSignature,
  BATCH_FILE,
  collectSignatures,
  executeProposal,
  executeTimelock,
  GovernanceError,
  loadParamsFile,
  proposeParams,
  readProposalDir,
  readSignatures,
  SIGNER_KEY_ENV,
  signProposal,
  simulateProposal,
  writeProposalDir,
  type ParamChange,
  type Proposal,
  type SimulateProposalReturnType,
} from "../governance/index.js";

/** Options read with `optsWithGlobals()`: the main program's own --network/--rpc-url/--deployment/--json win. */
type NetworkOptions = { network: string; rpc?: string; rpcUrl?: string; deployment?: string; json?: boolean };

/** Adds `gov propose | sign | execute | execute-timelock | status` to the `trellis` program. */
export function registerGovCommands(program: Command): Command {
  const gov = program.command("gov").description("governance: parameter files to Safe transactions, through the timelock");

  withNetwork(
    gov
      .command("propose")
      .description("diff a parameter file with the chain, write the Safe batch, its SafeTx hash, and simulate it")
      .requiredOption("--params <file>", "parameter file (JSON)")
      .option("--out <dir>", "where to write proposal.json, batch.json and signatures.json")
      .option("--nonce <n>", "Safe nonce to use (default: the Safe's current nonce)")
      .option("--no-simulate", "do not simulate on the node"),
  ).action(
    action<{ params: string; out?: string; nonce?: string; simulate: boolean }>((opts) =>
      run(opts, async (out) => {
      const params = loadParamsFile(opts.params);
      const { deployment, client } = await connect(opts);
      const { proposal } = await proposeParams(client, { deployment, params, nonce: opts.nonce ? BigInt(opts.nonce) : undefined });
      // A batch that reverts in simulation is refused before any file is written.
      const simulation = opts.simulate ? await simulateProposal(client, { deployment, proposal, params }) : undefined;
      const dir = resolve(opts.out ?? join("proposals", `${deployment.network}-safe-nonce-${proposal.safeTx.nonce}`));
      const files = writeProposalDir(dir, proposal);
      out.result({ dir, files, proposal, simulation });
      out.text(formatProposal(proposal, addressNames(deployment)));
      out.text(`\nWrote ${files.proposalFile}\n      ${files.batchFile} (Safe Transaction Builder)\n      ${files.signaturesFile}`);
      if (simulation) out.text(formatSimulation(simulation, addressNames(deployment)));
      out.text(`\nNext: each signer runs \`trellis gov sign --proposal ${dir}\` with ${SIGNER_KEY_ENV} set.`);
    })),
  );

  withNetwork(
    gov
      .command("sign")
      .description(`sign a proposal's SafeTx as an owner (key from ${SIGNER_KEY_ENV}); adds to signatures.json`)
      .requiredOption("--proposal <dir>", "proposal directory written by `gov propose`"),
  ).action(
    action<{ proposal: string }>((opts) =>
      run(opts, async (out) => {
      const account = accountFromEnv();
      const proposal = readProposalDir(opts.proposal);
      const { client, deployment } = await connect(opts);
      out.text(formatProposal(proposal, addressNames(deployment)));
      const sig = await signProposal(client, { proposal, account });
      const all = addSignature(opts.proposal, proposal, sig);
      out.result({ safeTxHash: proposal.safeTxHash, signer: sig.signer, signatures: all.length });
      out.text(`\nSigned SafeTx ${proposal.safeTxHash} as ${sig.signer} (${all.length} signature(s) collected)`);
    })),
  );

  withNetwork(
    gov
      .command("execute")
      .description(`execute a proposal's SafeTx with the collected signatures (sender key from ${SIGNER_KEY_ENV})`)
      .requiredOption("--proposal <dir>", "proposal directory"),
  ).action(
    action<{ proposal: string }>((opts) =>
      run(opts, async (out) => {
      const account = accountFromEnv();
      const proposal = readProposalDir(opts.proposal);
      const { client, chain } = await connect(opts);
      const done = await readSafeTxState(client, proposal);
      if (done.state === "executed") throw new GovernanceError(`already executed: SafeTx ${proposal.safeTxHash} ran in ${done.hash} (block ${done.blockNumber}, ${formatDate(done.timestamp)}); see trellis gov status --proposal ${opts.proposal}`);
      if (done.state === "superseded") throw new GovernanceError(`not executable: the Safe's nonce is now ${done.safeNonce}, past this proposal's ${proposal.safeTx.nonce}; propose again`);
      const signatures = readSignatures(opts.proposal, proposal);
      const wallet = createWalletClient({ chain, transport: http(chain.rpcUrls.default.http[0]), account });
      const res = await executeProposal(client, { proposal, signatures, wallet });
      out.result({ hash: res.hash, signers: res.signers, block: res.receipt.blockNumber });
      out.text(`Executed SafeTx ${proposal.safeTxHash} in ${res.hash} (block ${res.receipt.blockNumber}), signed by ${res.signers.join(", ")}`);
      if (proposal.timelock) {
        const t = await readTimelockState(client, proposal);
        if (t) out.text(`${describeTimelock(t, proposal.timelock.operationId, { state: "executed", hash: res.hash, blockNumber: res.receipt.blockNumber, timestamp: 0n })}; then \`trellis gov execute-timelock --proposal ${opts.proposal}\``);
      }
    })),
  );

  withNetwork(
    gov
      .command("execute-timelock")
      .description("after the delay, run the scheduled batch (directly when anyone may execute, else as a new Safe proposal)")
      .requiredOption("--proposal <dir>", "proposal directory whose timelocked part to run")
      .option("--out <dir>", "where to write the executeBatch proposal (default: <proposal>/execute)"),
  ).action(
    action<{ proposal: string; out?: string }>((opts) =>
      run(opts, async (out) => {
      const proposal = readProposalDir(opts.proposal);
      const { client, chain, deployment } = await connect(opts);
      const key = process.env[SIGNER_KEY_ENV];
      const wallet = key ? createWalletClient({ chain, transport: http(chain.rpcUrls.default.http[0]), account: accountFromEnv() }) : undefined;
      const res = await executeTimelock(client, { deployment, proposal, wallet });
      if (res.kind === "executed") {
        out.result(res);
        out.text(`Executed timelock operation ${proposal.timelock?.operationId} in ${res.hash}`);
        return;
      }
      const dir = resolve(opts.out ?? join(opts.proposal, "execute"));
      const files = writeProposalDir(dir, res.proposal);
      out.result({ dir, files, proposal: res.proposal });
      out.text(formatProposal(res.proposal, addressNames(deployment)));
      out.text(`\nThe timelock's executor is the Safe: wrote ${files.proposalFile} and ${files.batchFile}.`);
      out.text(`Next: \`trellis gov sign --proposal ${dir}\` by the signers, then \`trellis gov execute --proposal ${dir}\`.`);
    })),
  );

  withNetwork(
    gov.command("status").description("signatures collected and timelock state of a proposal").requiredOption("--proposal <dir>", "proposal directory"),
  ).action(
    action<{ proposal: string }>((opts) =>
      run(opts, async (out) => {
      const proposal = readProposalDir(opts.proposal);
      const { client } = await connect(opts);
      const signatures = readSignatures(opts.proposal, proposal);
      let enough = true;
      let detail = "";
      try {
        await collectSignatures(client, { proposal, signatures });
      } catch (e) {
        enough = false;
        detail = e instanceof GovernanceError ? e.shortMessage : String(e);
      }
      const safeTx = await readSafeTxState(client, proposal);
      const timelock = await readTimelockState(client, proposal);
      out.result({ safeTxHash: proposal.safeTxHash, signatures: signatures.map((s) => s.signer), enough: safeTx.state === "pending" && enough, safeTx, timelock });
      out.text(`SafeTx ${proposal.safeTxHash}: ${describeSafeTx(safeTx, signatures.length, enough, detail)}`);
      if (timelock) out.text(describeTimelock(timelock, proposal.timelock!.operationId, safeTx));
    })),
  );
  return gov;
}

/** Adds the network options the main program does not already define (it may define them globally). */
function withNetwork(cmd: Command): Command {
  const has = (flag: string) => {
    for (let c = cmd.parent; c; c = c.parent) if (c.options.some((o) => o.long === flag)) return true;
    return false;
  };
  if (!has("--network")) cmd.option("--network <name>", "network config (config/networks/<name>.json) or a path to one", "devnet");
  if (!has("--deployment")) cmd.option("--deployment <file>", "deployment file (default: the network's)");
  if (!has("--rpc-url")) cmd.option("--rpc-url <url>", "RPC URL (default: TRELLIS_RPC_URL, then the network's)");
  if (!has("--json")) cmd.option("--json", "print one JSON object instead of text");
  return cmd.option("--rpc <url>", "same as --rpc-url");
}

/** Runs `fn` with the command's options merged with the main program's. */
function action<T extends object>(fn: (opts: NetworkOptions & T) => Promise<void>) {
  return (_: unknown, cmd: Command) => fn(cmd.optsWithGlobals<NetworkOptions & T>());
}

async function connect(opts: NetworkOptions): Promise<{ deployment: Deployment; client: PublicClient; chain: Chain }> {
  const network = loadNetwork({ network: opts.network, rpcUrl: opts.rpc ?? opts.rpcUrl, deploymentFile: opts.deployment });
  const deployment = readDeployment(network.deploymentPath);
  const rpc = resolveRpcUrl(network, deployment, opts.rpc ?? opts.rpcUrl);
  const chain = defineChain({
    id: deployment.chainId,
    name: deployment.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const client = createPublicClient({ chain, transport: http(rpc) }) as PublicClient;
  const chainId = await client.getChainId().catch((e: Error) => {
    throw new GovernanceError(`Cannot reach ${rpc}: ${e.message.split("\n")[0]}${network.devnet ? " (is `trellis devnet` running?)" : ""}`);
  });
  if (chainId !== deployment.chainId) throw new GovernanceError(`The RPC is chain ${chainId}, the deployment is for chain ${deployment.chainId}`);
  return { deployment, client, chain };
}

type Output = { text: (s: string) => void; result: (v: unknown) => void };

async function run(opts: { json?: boolean }, fn: (out: Output) => Promise<void>): Promise<void> {
  let result: unknown;
  const out: Output = { text: (s) => (opts.json ? undefined : console.log(s)), result: (v) => (result = v) };
  try {
    await loadDotenv();
    await fn(out);
    if (opts.json) console.log(toJson({ ok: true, ...(result as object) }));
  } catch (e) {
    process.exitCode = 1;
    if (opts.json) {
      const err = e as GovernanceError;
      console.log(toJson({ ok: false, error: { name: err.name, message: err.shortMessage ?? err.message, details: err.details ?? [], issues: (err as { issues?: unknown }).issues } }));
    } else {
      console.error(`error: ${e instanceof GovernanceError ? `${e.name}: ${e.message}` : describeError(e)}`);
    }
  }
}

const toJson = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2);

/** Names for a deployment's addresses in the changes table: `AVS 1`, `operator 2`, asset symbols, its contracts. */
export function addressNames(d: Deployment): Map<string, string> {
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(d.trellis)) names.set(v.toLowerCase(), k);
  d.operators.forEach((o, i) => names.set(o.address.toLowerCase(), `operator ${i + 1}`));
  d.avss.forEach((a, i) => names.set(a.address.toLowerCase(), `AVS ${i + 1}`));
  for (const a of d.assets) names.set(a.token.toLowerCase(), a.symbol);
  return names;
}

const named = (text: string, names: Map<string, string> | undefined) => (names ? text.replace(/0x[0-9a-fA-F]{40}/g, (a) => names.get(a.toLowerCase()) ?? a) : text);

function formatValue(parameter: string, v: string, names?: Map<string, string>): string {
  if (!/^\d+$/.test(v)) return named(v, names);
  if (/Bps$|Caps\[/.test(parameter)) return `${(Number(v) / 100).toFixed(2).replace(/\.?0+$/, "")}% (${v} bps)`;
  // Asset amounts (in the asset's units) and prices (ETH per unit): 18 decimals, written "<n> ether" in the file.
  const asset = /^assets\[(0x[0-9a-fA-F]{40})\]\.(depositCap|minDeposit|minPrice|maxPrice)$/.exec(parameter);
  if (asset) {
    const symbol = names?.get(asset[1]!.toLowerCase()) ?? "units";
    return /Price$/.test(asset[2]!) ? `${formatAmount(BigInt(v), 18, undefined, { digits: 6 })} ETH per ${symbol}` : formatAmount(BigInt(v), 18, symbol);
  }
  return v;
}

/** Long arguments (calldata arrays) shortened for reading; the files keep them whole. */
const short = (v: string) => (v.length > 96 ? `${v.slice(0, 60)}…(${v.length} chars)` : v);
const formatCall = (c: Proposal["calls"][number], i: number) =>
  `  ${i + 1}. ${c.to} ${c.method.name}(${Object.values(c.inputs).map(short).join(", ")})  -- ${c.description}`;

/**
 * The diff as a table: parameter, current, new, direction, route. With `names`, the deployment's addresses read as
 * names (the calls below the table keep every address whole: that is what the signers check).
 */
export function formatChanges(changes: ParamChange[], names?: Map<string, string>): string {
  const rows = changes.map((c) => [named(c.parameter, names), formatValue(c.parameter, c.current, names), formatValue(c.parameter, c.new, names), c.direction, c.route === "safe" ? "Safe, at once" : "timelock"]);
  const head = ["parameter", "current", "new", "direction", "route"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatProposal(p: Proposal, names?: Map<string, string>): string {
  const lines = [p.description ? `Proposal: ${p.description}` : "Proposal", "", formatChanges(p.changes, names), "", `Safe ${p.safe} calls (chain ${p.chainId}):`];
  p.calls.forEach((c, i) => lines.push(formatCall(c, i)));
  if (p.timelock) {
    lines.push(`Timelocked (after ${p.timelock.delay} s, operation ${p.timelock.operationId}, salt ${p.timelock.salt}):`);
    p.timelock.calls.forEach((c, i) => lines.push(formatCall(c, i)));
  }
  lines.push(
    "",
    `SafeTx: to ${p.safeTx.to}, operation ${p.safeTx.operation === 1 ? "1 (delegatecall MultiSendCallOnly)" : "0 (call)"}, nonce ${p.safeTx.nonce}`,
    `SafeTx hash (what owners sign; check it on the signing device): ${p.safeTxHash}`,
  );
  return lines.join("\n");
}

export function formatSimulation(s: SimulateProposalReturnType, names?: Map<string, string>): string {
  if (!s.simulated) return `\nNot simulated: ${s.reason}`;
  const lines = [`\nSimulated on the node${s.timelockSkippedSeconds ? ` (skipping the ${s.timelockSkippedSeconds} s delay)` : ""}, then rolled back:`];
  for (const c of s.changes) {
    lines.push(`  ${c.ok ? "ok " : "MISMATCH"} ${named(c.parameter, names)}: ${formatValue(c.parameter, c.before, names)} -> ${formatValue(c.parameter, c.simulated, names)}`);
  }
  return lines.join("\n");
}

export { BATCH_FILE };
