import { encodeAbiParameters, keccak256, zeroAddress, zeroHash, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { riskRegistryAbi } from "../abi/generated/index.js";
import { timelockControllerAbi } from "./abi.js";
import { ProposalError } from "./errors.js";
import { encodeProposalCall, parseProposal, serializeProposal, type Proposal } from "./proposal.js";
import { buildSafeTx, hashSafeTx } from "./safeTx.js";

const SAFE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const RR = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const TL = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;
const MS = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" as Address;

function proposal(): Proposal {
  const tighten = encodeProposalCall(RR, riskRegistryAbi, "setOperatorCap", [2000], "risk.operatorCapBps");
  const loosen = encodeProposalCall(RR, riskRegistryAbi, "setMinBuffer", [100], "risk.minBufferBps");
  const salt = keccak256(encodeAbiParameters([{ type: "uint256" }], [1n]));
  const schedule = encodeProposalCall(TL, timelockControllerAbi, "scheduleBatch", [[RR], [0n], [loosen.data], zeroHash, salt, 86_400n], "schedule");
  const calls = [tighten, schedule];
  const safeTx = buildSafeTx({ calls, multiSend: MS, nonce: 7n });
  return {
    chainId: 31337,
    safe: SAFE,
    createdAt: 1,
    description: "",
    changes: [],
    calls,
    timelock: { timelock: TL, targets: [RR], values: [0n], payloads: [loosen.data], predecessor: zeroHash, salt, delay: 86_400n, operationId: zeroHash, calls: [loosen] },
    safeTx,
    safeTxHash: hashSafeTx({ chainId: 31337, safe: SAFE, safeTx }),
  };
}

describe("proposal.json", () => {
  it("round-trips", () => {
    const p = proposal();
    expect(parseProposal(serializeProposal(p))).toEqual(p);
    expect(p.calls[0]!.inputs).toEqual({ bps: "2000" });
  });

  it("refuses a file whose readable parts differ from what is signed", () => {
    const edit = (f: (raw: any) => void) => {
      const raw = JSON.parse(serializeProposal(proposal()));
      f(raw);
      return () => parseProposal(JSON.stringify(raw));
    };
    expect(edit((r) => (r.safeTx.nonce = "8"))).toThrow(/safeTxHash does not match/);
    expect(edit((r) => (r.calls[0].inputs.bps = "20"))).toThrow(/arguments listed for setOperatorCap/);
    expect(edit((r) => (r.calls[0].to = TL))).toThrow(/calls do not match the signed safeTx/);
    expect(edit((r) => (r.timelock.calls[0].inputs.bps = "9000"))).toThrow(ProposalError);
    expect(edit((r) => (r.timelock.payloads[0] = r.calls[0].data))).toThrow(/timelocked calls do not match/);
    expect(edit((r) => (r.safeTx.refundReceiver = zeroAddress))).not.toThrow();
  });
});
