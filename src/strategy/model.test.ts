import { describe, expect, it } from "vitest";
import { SnapshotError } from "./errors.js";
import { fixture } from "./fixtures.js";
import { buildInstance } from "./model.js";
import { plan } from "./plan.js";
import { snapshotFromJson, snapshotToJson } from "./snapshotJson.js";
import { DEFAULT_ENGINE_PARAMS } from "./types.js";

const f = () =>
  fixture({
    tvl: 300,
    operators: [{ stake: [100], queued: [10], matured: [5], sets: [{ set: 0, fraction: 0.5 }] }],
    sets: [{ avs: 0, others: 100, apr: 0.02, p: 0.01, sev: 0.5, pfc: 10, theta: 0.5 }],
  });

describe("buildInstance", () => {
  it("splits queued withdrawals into in-flight (slashable) and completable (liquid)", () => {
    const { snapshot, avsData } = f();
    const inst = buildInstance(snapshot, avsData, DEFAULT_ENGINE_PARAMS);
    expect(inst.positions[0]).toMatchObject({ active: 100, queued: 10, slashableFraction: 0.5 });
    expect(inst.matured).toEqual([5]);
    expect(inst.maturedWithdrawals).toHaveLength(1);
    expect(inst.sets[0]!.trellisNow).toBeCloseTo(55, 9);
  });

  it("refuses a snapshot whose queued stake does not match its withdrawals", () => {
    const { snapshot, avsData } = f();
    snapshot.delegators[0]!.stake[0]!.queued += 1n;
    expect(() => buildInstance(snapshot, avsData, DEFAULT_ENGINE_PARAMS)).toThrow(SnapshotError);
  });

  it("refuses an unknown strategy", () => {
    const { snapshot, avsData } = f();
    snapshot.delegators[0]!.stake[0]!.strategy = "0x00000000000000000000000000000000000000ff";
    expect(() => buildInstance(snapshot, avsData, DEFAULT_ENGINE_PARAMS)).toThrow(/Unknown strategy/);
  });

  it("round-trips a snapshot through JSON", () => {
    const { snapshot } = f();
    expect(snapshotFromJson(snapshotToJson(snapshot))).toEqual(snapshot);
  });

  it("plans nothing for an empty vault", async () => {
    const { snapshot, avsData } = fixture({ tvl: 0, operators: [], sets: [] });
    const p = await plan(snapshot, avsData);
    expect(p.actions).toEqual([]);
  });
});
