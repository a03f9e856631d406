import { describe, expect, it } from "vitest";
import { refreshDecision, removableDelegators, shouldSync, staleDelegators, strandedDelegators } from "./decide.js";
import type { KeeperState } from "./readState.js";
import { addr, state } from "../../test/helpers/keeperState.js";

const E = 10n ** 18n;
const DAY = 86_400n;

describe("refreshDecision", () => {
  const fresh = () => state({ holdings: [10n * E, 20n * E], requests: [], idle: 0n });

  it("does nothing while the last round is recent and the cache matches the holdings", () => {
    expect(refreshDecision(fresh(), { intervalSeconds: DAY / 2n, batch: 50 })).toEqual({ kind: "none" });
  });

  it("runs a full round once the last one is older than the interval", () => {
    const st = { ...fresh(), lastFullRefresh: fresh().timestamp - DAY };
    expect(refreshDecision(st, { intervalSeconds: DAY / 2n, batch: 50 })).toEqual({ kind: "round" });
  });

  it("refreshes only the delegators a slash moved, and a full round when they are more than a batch", () => {
    const st = fresh();
    st.delegators[1]!.holding = [15n * E, 0n]; // slashed: holds less than the books say
    expect(staleDelegators(st)).toEqual([st.delegators[1]!.address]);
    expect(refreshDecision(st, { intervalSeconds: DAY, batch: 50 })).toEqual({ kind: "delegators", delegators: [st.delegators[1]!.address] });
    st.delegators[0]!.holding = [9n * E, 0n];
    expect(refreshDecision(st, { intervalSeconds: DAY, batch: 1 })).toEqual({ kind: "round" });
  });

  it("ignores a few wei of share rounding", () => {
    const st = fresh();
    st.delegators[0]!.holding = [10n * E - 2n, 0n];
    expect(staleDelegators(st)).toEqual([]);
  });
});

describe("shouldSync", () => {
  it("syncs a loss at once, a gain not yet streaming after the interval, and nothing when the mark is all booked or streaming", () => {
    const base = { ...fresh(), totalAssets: 100n * E, bookedAndPending: 101n * E, lastSyncTimestamp: 0n };
    expect(shouldSync({ ...base, measuredTotalAssets: 99n * E }, 3600)).toBe(true);
    expect(shouldSync({ ...base, measuredTotalAssets: 101n * E }, 3600)).toBe(false);
    expect(shouldSync({ ...base, measuredTotalAssets: 102n * E }, 3600)).toBe(true);
    expect(shouldSync({ ...base, measuredTotalAssets: 102n * E, lastSyncTimestamp: base.timestamp - 10n }, 3600)).toBe(false);
  });
});

function fresh() {
  return state({ holdings: [10n * E], requests: [], idle: 0n });
}

describe("strandedDelegators / removableDelegators", () => {
  it("flags a forced undelegation (stale risk cache) and a retirement; removes a retired delegator only once empty", () => {
    const st = state({ holdings: [10n * E, 20n * E, 0n], queued: [{ delegator: 1, amount: 5n * E }], requests: [], idle: 0n });
    const [d0, d1, d2] = st.delegators as [KeeperState["delegators"][0], KeeperState["delegators"][0], KeeperState["delegators"][0]];
    expect(strandedDelegators(st)).toEqual([]);
    // The operator undelegated d0: EigenLayer shows no operator, the RiskRegistry still the old one.
    d0.delegatedTo = addr(0);
    // d1 and d2 were retired (the vault undelegated them and refreshed their exposure).
    d1.retired = true;
    d1.delegatedTo = d1.cachedDelegatedTo = addr(0);
    d2.retired = true;
    d2.delegatedTo = d2.cachedDelegatedTo = addr(0);
    expect(strandedDelegators(st).map((s) => [s.delegator, s.reason, s.staleExposure])).toEqual([
      [d0.address, "forcedUndelegation", true],
      [d1.address, "retired", false],
      [d2.address, "retired", false],
    ]);
    // d1 still holds a position and a queued withdrawal; d2 holds nothing.
    expect(removableDelegators(st)).toEqual([d2.address]);
  });
});

describe("refreshDecision and matured requests", () => {
  it("asks for a full round when a request matured after the last one started", () => {
    const st = state({ holdings: [10n * E], requests: [{ id: 1, amount: E }], idle: 0n });
    // The request matured at NOW; the last round started at NOW too: no new round needed.
    expect(refreshDecision(st, { intervalSeconds: 10n ** 9n, batch: 10 })).toEqual({ kind: "none" });
    st.lastFullRefresh = st.timestamp - 10n;
    expect(refreshDecision(st, { intervalSeconds: 10n ** 9n, batch: 10 })).toEqual({ kind: "round" });
  });
});
