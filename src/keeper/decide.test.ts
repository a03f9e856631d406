import { describe, expect, it } from "vitest";
import { refreshDecision, shouldSync, staleDelegators } from "./decide.js";
import { state } from "../../test/helpers/keeperState.js";

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
