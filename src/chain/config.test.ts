import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { devnetPrivateKey } from "../devnet/accounts.js";
import { DEFAULT_ENGINE_PARAMS } from "../strategy/types.js";
import { ConfigError, engineParamsSchema, loadNetwork, requirePrivateKey } from "./config.js";
import { allErrorsAbi, decodeRevertData } from "./errors.js";
import { encodeErrorResult, getAddress, type Abi } from "viem";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("network config and secrets", () => {
  it("loads the committed networks; mainnet needs its RPC URL from the environment, named in the error", () => {
    delete process.env.TRELLIS_RPC_URL;
    expect(loadNetwork({ network: "devnet" }).rpcUrl).toBe("http://127.0.0.1:8545");
    expect(() => loadNetwork({ network: "mainnet" })).toThrow(/missing environment variable TRELLIS_RPC_URL/);
    process.env.TRELLIS_RPC_URL = "http://node.example:8545";
    expect(loadNetwork({ network: "mainnet" }).gasPriceCap).toBe(30_000_000_000n);
    expect(() => loadNetwork({ network: "nowhere" })).toThrow(ConfigError);
  });

  it("accepts the engine's robustness mode in a network file and refuses an unknown one", () => {
    const dir = mkdtempSync(join(tmpdir(), "trellis-net-"));
    const base = JSON.parse(readFileSync("config/networks/devnet.json", "utf8")) as Record<string, unknown>;
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ ...base, engine: { robustness: "bootstrap", dilution: false } }));
    expect(loadNetwork({ network: good }).engine).toEqual({ robustness: "bootstrap", dilution: false });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...base, engine: { robustness: "hope" } }));
    expect(() => loadNetwork({ network: bad })).toThrow(ConfigError);
  });

  it("the engine section names every engine parameter, accepts the defaults and refuses unknown keys or bad values", () => {
    expect(Object.keys(engineParamsSchema.shape).sort()).toEqual(Object.keys(DEFAULT_ENGINE_PARAMS).sort());
    expect(engineParamsSchema.parse(DEFAULT_ENGINE_PARAMS)).toEqual(DEFAULT_ENGINE_PARAMS);
    const dir = mkdtempSync(join(tmpdir(), "trellis-net-"));
    const base = JSON.parse(readFileSync("config/networks/devnet.json", "utf8")) as Record<string, unknown>;
    const file = (name: string, engine: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ ...base, engine }));
      return path;
    };
    expect(loadNetwork({ network: file("ok.json", { cvarWeight: 0.2, missingSets: "error" }) }).engine).toEqual({ cvarWeight: 0.2, missingSets: "error" });
    expect(() => loadNetwork({ network: file("typo.json", { cvarWieght: 0.2 }) })).toThrow(/cvarWieght/);
    expect(() => loadNetwork({ network: file("range.json", { glideBps: 20_000 }) })).toThrow(/glideBps/);
  });

  it("takes keys from the environment only; the public devnet key is a devnet-only default", () => {
    delete process.env.TRELLIS_KEEPER_KEY;
    process.env.TRELLIS_RPC_URL = "http://node.example:8545";
    const devnet = loadNetwork({ network: "devnet" });
    const mainnet = loadNetwork({ network: "mainnet" });
    expect(requirePrivateKey(devnet, "TRELLIS_KEEPER_KEY")).toEqual({ key: devnetPrivateKey(1), source: "devnet-only default key (public mnemonic index 1)" });
    expect(() => requirePrivateKey(mainnet, "TRELLIS_KEEPER_KEY")).toThrow("missing environment variable TRELLIS_KEEPER_KEY");
    process.env.TRELLIS_KEEPER_KEY = "0x1234";
    expect(() => requirePrivateKey(mainnet, "TRELLIS_KEEPER_KEY")).toThrow(/TRELLIS_KEEPER_KEY is set but is not/);
    process.env.TRELLIS_KEEPER_KEY = devnetPrivateKey(4);
    expect(requirePrivateKey(mainnet, "TRELLIS_KEEPER_KEY").source).toBe("env TRELLIS_KEEPER_KEY");
  });
});

describe("revert decoding", () => {
  it("knows the errors of every contract, OpenZeppelin's AccessManager included", () => {
    const names = new Set(allErrorsAbi.map((e) => e.name));
    for (const n of ["AccessManagedUnauthorized", "OperatorCapExceeded", "DepositCapExceeded", "WithdrawalDelayNotElapsed", "InvalidClaimProof"]) expect(names).toContain(n);
    const data = encodeErrorResult({ abi: allErrorsAbi as Abi, errorName: "OperatorCapExceeded", args: ["0x00000000000000000000000000000000000000aa", 2500n, 2600n] });
    expect(decodeRevertData(data).text).toBe(`OperatorCapExceeded(${getAddress("0x00000000000000000000000000000000000000aa")}, 2500, 2600)`);
    expect(decodeRevertData("0xdeadbeef").errorName).toBe("unknown");
  });
});
