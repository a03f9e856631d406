import { zeroAddress, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { batchChecksum, toTransactionBuilderBatch } from "./batchFile.js";
import type { Proposal } from "./proposal.js";
import { buildSafeTx, hashSafeTx } from "./safeTx.js";

const SAFE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const RR = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;

describe("Transaction Builder batch", () => {
  const call = {
    to: RR,
    value: 0n,
    data: "0x9b0363920000000000000000000000000000000000000000000000000000000000000064" as const,
    method: { type: "function", name: "setOperatorCap", stateMutability: "nonpayable", inputs: [{ name: "bps", type: "uint16", internalType: "uint16" }], outputs: [] } as const,
    inputs: { bps: "100" },
    description: "risk.operatorCapBps",
  };
  const safeTx = buildSafeTx({ calls: [call], multiSend: zeroAddress, nonce: 3n });
  const proposal: Proposal = {
    chainId: 1,
    safe: SAFE,
    createdAt: 1_700_000_000_000,
    description: "tighten",
    changes: [],
    calls: [call],
    timelock: null,
    safeTx,
    safeTxHash: hashSafeTx({ chainId: 1, safe: SAFE, safeTx }),
  };

  it("has the documented fields and a checksum over the file without its name", () => {
    const b = toTransactionBuilderBatch(proposal);
    expect(b).toMatchObject({ version: "1.0", chainId: "1", createdAt: 1_700_000_000_000 });
    expect(b.meta).toMatchObject({ name: "Trellis governance", txBuilderVersion: "1.18.0", createdFromSafeAddress: SAFE, createdFromOwnerAddress: "" });
    expect(b.transactions).toEqual([
      {
        to: RR,
        value: "0",
        data: call.data,
        contractMethod: { name: "setOperatorCap", payable: false, inputs: [{ name: "bps", type: "uint16", internalType: "uint16" }] },
        contractInputsValues: { bps: "100" },
      },
    ]);
    expect(b.meta.checksum).toMatch(/^0x[0-9a-f]{64}$/);
    // The checksum ignores the name and itself, and covers everything else.
    expect(batchChecksum({ ...b, meta: { ...b.meta, name: "renamed" } })).toBe(b.meta.checksum);
    expect(batchChecksum({ ...b, chainId: "5" })).not.toBe(b.meta.checksum);
  });

  it("a single call is sent as is, several through MultiSendCallOnly by delegatecall", () => {
    expect(safeTx).toMatchObject({ to: RR, operation: 0, data: call.data, nonce: 3n });
    const multi = buildSafeTx({ calls: [call, call], multiSend: SAFE, nonce: 0n });
    expect(multi).toMatchObject({ to: SAFE, operation: 1 });
    expect(multi.data.slice(0, 10)).toBe("0x8d80ff0a"); // multiSend(bytes)
  });
});
