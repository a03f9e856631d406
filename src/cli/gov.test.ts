// The `trellis gov` commands against the devnet: propose writes a Transaction Builder batch and the SafeTx hash,
// sign and execute apply it; a bad file is refused with the field named and nothing written or sent.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { createPublicClient, http } from "viem";
import { foundry } from "viem/chains";
import { afterEach, describe, expect, it, vi } from "vitest";
import { riskRegistryAbi } from "../abi/generated/index.js";
import { devnetPrivateKey, DEVNET_KEY_INDEX } from "../devnet/accounts.js";
import { useDevnet } from "../../test/helpers/devnet.js";
import { registerGovCommands } from "./gov.js";

const devnet = useDevnet();

/** A root like the main `trellis` program's, with global --network/--rpc-url/--deployment/--json. */
const mainLikeRoot = () =>
  new Command().option("--json").option("-n, --network <name>", "network", "devnet").option("--rpc-url <url>").option("--deployment <file>");

async function gov(args: string[], env: Record<string, string> = {}, root = new Command()): Promise<{ out: unknown; code: number }> {
  const program = registerGovCommands(root.exitOverride()).parent!;
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  process.exitCode = 0;
  try {
    const dep = join(mkdtempSync(join(tmpdir(), "gov-dep-")), "devnet.json");
    writeFileSync(dep, JSON.stringify(devnet.deployment));
    await program.parseAsync(["node", "trellis", "gov", ...args, "--deployment", dep, "--rpc", devnet.rpcUrl, "--json"]);
  } finally {
    log.mockRestore();
    process.env = saved;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: JSON.parse(lines.join("\n")), code };
}

afterEach(() => vi.restoreAllMocks());

describe("trellis gov", () => {
  it("propose writes a Transaction Builder batch, sign and execute apply it", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl) });
    const rr = devnet.deployment.trellis.riskRegistry;
    const before = await client.readContract({ address: rr, abi: riskRegistryAbi, functionName: "limits" });
    const dir = mkdtempSync(join(tmpdir(), "gov-cli-"));
    const paramsFile = join(dir, "params.json");
    const avs = devnet.deployment.avss[0]!.address;
    writeFileSync(
      paramsFile,
      JSON.stringify({ description: "cut AVS 0", risk: { avsCaps: [{ avs, capBps: 1000 }], totalSlashableCapBps: before.totalSlashableCapBps - 1000 } }),
    );
    const out = join(dir, "proposal");
    const propose = await gov(["propose", "--params", paramsFile, "--out", out]);
    expect(propose.code).toBe(0);
    const p = propose.out as { simulation: { simulated: boolean; changes: { ok: boolean }[] }; proposal: { safeTxHash: string } };
    expect(p.simulation.simulated).toBe(true);
    expect(p.simulation.changes.every((c) => c.ok)).toBe(true);

    // The batch file has the fields Safe's Transaction Builder documents.
    const batch = JSON.parse(readFileSync(join(out, "batch.json"), "utf8"));
    expect(batch.version).toBe("1.0");
    expect(batch.chainId).toBe("31337");
    expect(typeof batch.createdAt).toBe("number");
    expect(Object.keys(batch.meta).sort()).toEqual(["checksum", "createdFromOwnerAddress", "createdFromSafeAddress", "description", "name", "txBuilderVersion"]);
    expect(batch.meta.createdFromSafeAddress).toBe(devnet.deployment.trellis.safe);
    expect(batch.meta.description).toContain(p.proposal.safeTxHash);
    expect(batch.transactions).toHaveLength(2);
    for (const t of batch.transactions) {
      expect(Object.keys(t).sort()).toEqual(["contractInputsValues", "contractMethod", "data", "to", "value"]);
      expect(t.to).toBe(rr);
      expect(t.value).toBe("0");
      expect(t.data).toMatch(/^0x[0-9a-f]+$/);
      expect(t.contractMethod.payable).toBe(false);
    }
    expect(batch.transactions[0].contractMethod.name).toBe("setAvsCap");
    expect(batch.transactions[0].contractInputsValues).toEqual({ avs, bps: "1000" });

    const [k1, k2] = DEVNET_KEY_INDEX.safeOwners.map((i) => devnetPrivateKey(i));
    expect((await gov(["sign", "--proposal", out], { TRELLIS_SIGNER_KEY: k1! })).code).toBe(0);
    const refused = await gov(["execute", "--proposal", out], { TRELLIS_SIGNER_KEY: k1! });
    expect(refused.code).toBe(1);
    expect((refused.out as { error: { name: string } }).error.name).toBe("NotEnoughSignaturesError");
    expect((await gov(["sign", "--proposal", out], { TRELLIS_SIGNER_KEY: k2! })).code).toBe(0);
    const executed = await gov(["execute", "--proposal", out], { TRELLIS_SIGNER_KEY: k1! });
    expect(executed.code).toBe(0);
    expect(await client.readContract({ address: rr, abi: riskRegistryAbi, functionName: "avsCap", args: [avs] })).toBe(1000n);
  });

  it("runs the example parameter file on the devnet as is; status tells waiting, executed, scheduled, ready and done apart", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl) });
    const dir = mkdtempSync(join(tmpdir(), "gov-example-"));
    const out = join(dir, "proposal");
    const example = join(import.meta.dirname, "..", "governance", "params.example.json");
    const propose = await gov(["propose", "--params", example, "--out", out]);
    expect(propose.code, JSON.stringify(propose.out)).toBe(0);
    expect((propose.out as { simulation: { changes: { ok: boolean }[] } }).simulation.changes.every((c) => c.ok)).toBe(true);
    type Status = { safeTx: { state: string; hash?: string }; timelock: { state: string; readyAt?: string } | null };
    const status = async (proposal = out) => (await gov(["status", "--proposal", proposal])).out as Status;
    expect(await status()).toMatchObject({ safeTx: { state: "pending" }, timelock: { state: "not scheduled" } });

    const keys = DEVNET_KEY_INDEX.safeOwners.map((i) => devnetPrivateKey(i));
    for (const k of keys.slice(0, 2)) expect((await gov(["sign", "--proposal", out], { TRELLIS_SIGNER_KEY: k! })).code).toBe(0);
    expect((await gov(["execute", "--proposal", out], { TRELLIS_SIGNER_KEY: keys[0]! })).code).toBe(0);
    const scheduled = await status();
    expect(scheduled.safeTx.state).toBe("executed");
    expect(scheduled.timelock!.state).toBe("scheduled");
    const now = (await client.getBlock()).timestamp;
    expect(BigInt(scheduled.timelock!.readyAt!)).toBeGreaterThan(now);

    // Executing twice says so and sends nothing.
    const again = await gov(["execute", "--proposal", out], { TRELLIS_SIGNER_KEY: keys[0]! });
    expect(again.code).toBe(1);
    expect((again.out as { error: { message: string } }).error.message).toMatch(/^already executed: SafeTx 0x[0-9a-f]{64} ran in 0x[0-9a-f]{64} \(block \d+, \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);

    await client.request({ method: "evm_increaseTime" as never, params: [`0x${(2 * 86_400).toString(16)}`] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
    expect((await status()).timelock!.state).toBe("ready");
    const exec = await gov(["execute-timelock", "--proposal", out]);
    expect(exec.code, JSON.stringify(exec.out)).toBe(0);
    const execDir = (exec.out as { dir: string }).dir;
    for (const k of keys.slice(0, 2)) expect((await gov(["sign", "--proposal", execDir], { TRELLIS_SIGNER_KEY: k! })).code).toBe(0);
    expect((await gov(["execute", "--proposal", execDir], { TRELLIS_SIGNER_KEY: keys[0]! })).code).toBe(0);
    expect(await status()).toMatchObject({ safeTx: { state: "executed" }, timelock: { state: "done" } });
    const limits = await client.readContract({ address: devnet.deployment.trellis.riskRegistry, abi: riskRegistryAbi, functionName: "limits" });
    expect(limits.totalSlashableCapBps).toBe(9500);
  });

  it("refuses a bad parameter file, naming the field, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gov-bad-"));
    const paramsFile = join(dir, "params.json");
    writeFileSync(paramsFile, JSON.stringify({ risk: { minBufferBps: 20_000 }, vault: { treasury: "0x0000000000000000000000000000000000000000" } }));
    const out = join(dir, "proposal");
    const res = await gov(["propose", "--params", paramsFile, "--out", out]);
    expect(res.code).toBe(1);
    const err = (res.out as { error: { name: string; issues: { path: string; reason: string }[] } }).error;
    expect(err.name).toBe("ParamsFileError");
    expect(err.issues.map((i) => i.path).sort()).toEqual(["risk.minBufferBps", "vault.treasury"]);
    expect(existsSync(out)).toBe(false);
  });

  it("mounts under a main program that defines the network options globally", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gov-main-"));
    const paramsFile = join(dir, "params.json");
    writeFileSync(paramsFile, JSON.stringify({ risk: { minBufferBps: 9000 } }));
    const res = await gov(["propose", "--params", paramsFile, "--out", join(dir, "p"), "--no-simulate"], {}, mainLikeRoot());
    expect(res.code).toBe(0);
    const status = await gov(["status", "--proposal", join(dir, "p")], {}, mainLikeRoot());
    expect(status.out).toMatchObject({ ok: true, enough: false, signatures: [], safeTx: { state: "pending" } });
  });

  it("refuses to sign without TRELLIS_SIGNER_KEY, naming the variable", async () => {
    const res = await gov(["sign", "--proposal", "/nonexistent"], { TRELLIS_SIGNER_KEY: "" });
    expect(res.code).toBe(1);
    expect((res.out as { error: { message: string } }).error.message).toContain("TRELLIS_SIGNER_KEY");
  });
});
