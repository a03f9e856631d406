import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { finalizableIds, maturedRequests, MAX_DUST, pickWithdrawals, redemptionShortfalls, refreshCalls, reservedForQueue } from "./redemptions.js";
import type { KeeperState } from "./readState.js";
import { addr, ASSET, DELAY, E, OTHER, state } from "../../test/helpers/keeperState.js";

const picks = (st: KeeperState) => pickWithdrawals(st, redemptionShortfalls(st)[0]!).map((p) => [p.delegator, p.amount] as const);

describe("finalizableIds", () => {
  it("pays matured requests oldest first while idle lasts, and skips one idle cannot pay without blocking later ones", () => {
    const st = state({
      requests: [
        { id: 3, amount: 4n * E },
        { id: 1, amount: 5n * E },
        { id: 2, amount: 2n * E, asset: OTHER },
        { id: 4, amount: 1n * E },
      ],
      idle: 6n * E,
      otherIdle: 1n * E,
    });
    // #1 takes 5 of 6; #2 (osETH) needs 2 with 1 idle: skipped; #3 needs 4 with 1 left: skipped; #4 fits.
    expect(finalizableIds(st)).toEqual([1n, 4n]);
  });

  it("leaves out a request before its minRedeemDelay has passed", () => {
    const st = state({ requests: [{ id: 0, amount: E, age: DELAY - 1n }, { id: 1, amount: E, age: DELAY }], idle: 10n * E });
    expect(maturedRequests(st).map((r) => r.id)).toEqual([1n]);
    expect(finalizableIds(st)).toEqual([1n]);
  });

  it("tolerates a shortfall of rounding dust, as the queue does, but not more", () => {
    expect(finalizableIds(state({ requests: [{ id: 0, amount: E + MAX_DUST }], idle: E }))).toEqual([0n]);
    expect(finalizableIds(state({ requests: [{ id: 0, amount: E + MAX_DUST + 1n }], idle: E }))).toEqual([]);
  });
});

describe("redemptionShortfalls and pickWithdrawals", () => {
  it("counts every pending request (matured or not) against idle and what is in flight", () => {
    const st = state({ requests: [{ id: 0, amount: 3n * E }, { id: 1, amount: 4n * E, age: 0n }], idle: 2n * E, queued: [{ delegator: 0, amount: 1n * E }], holdings: [10n * E] });
    const [s] = redemptionShortfalls(st);
    expect(s).toMatchObject({ need: 7n * E, idle: 2n * E, inFlight: 1n * E, restaked: 10n * E });
    expect(s!.shortfall).toBeGreaterThanOrEqual(4n * E);
    expect(s!.shortfall).toBeLessThan(4n * E + E / 1000n);
    expect(reservedForQueue(st).get(ASSET)).toBe(2n * E);
  });

  it("splits a shortfall over the largest holders and queues nothing when what is in flight covers it", () => {
    const st = state({ holdings: [30n * E, 50n * E, 10n * E], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    const first = picks(st);
    expect(first.map(([d]) => d)).toEqual([addr(0x101), addr(0x100)]);
    expect(first.reduce((s, [, a]) => s + a, 0n)).toBeGreaterThanOrEqual(65n * E);
    const covered = state({ holdings: [30n * E, 0n, 10n * E], queued: [{ delegator: 1, amount: 66n * E }], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    expect(picks(covered)).toEqual([]);
  });

  it("after a crash halfway through, queues exactly the part not yet queued", () => {
    const before = state({ holdings: [30n * E, 50n * E, 10n * E], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    const [a, b] = picks(before) as [[Address, bigint], [Address, bigint]];
    // The first withdrawal was queued, then the keeper died.
    const after = state({ holdings: [30n * E, 50n * E - a[1], 10n * E], queued: [{ delegator: 1, amount: a[1] }], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    expect(picks(after)).toEqual([b]);
  });
});

describe("refreshCalls", () => {
  it("covers every delegator in batches", () => {
    expect(refreshCalls(8, 50)).toBe(1);
    expect(refreshCalls(100, 30)).toBe(4);
    expect(refreshCalls(0, 10)).toBe(1);
    expect(() => refreshCalls(5, 0)).toThrow(RangeError);
  });
});
