// The keeper's phases as pure decisions: a hand-built state in, the calls the keeper would send out. No chain.
import { describe, expect, it } from "vitest";
import type { Hex } from "viem";
import type { DelegatorExposure } from "../chain/exposure.js";
import type { Plan } from "../strategy/plan.js";
import type { PlanAction } from "../strategy/types.js";
import { addr, ASSET, E, NOW, OTHER_STRATEGY, state, STRATEGY } from "../../test/helpers/keeperState.js";
import {
  completionsPhase,
  DEFAULT_PHASE_CONFIG,
  exposurePhase,
  finalizePhase,
  fundingPhase,
  rebalancePhase,
  refreshPhase,
  rewardsPhase,
  strandedPhase,
  syncPhase,
  withdrawableSharesFor,
  type Action,
} from "./phases.js";
import type { RewardClaim } from "./rewards.js";

const call = (a: Action) => [a.target, a.functionName, ...a.args];
const config = { ...DEFAULT_PHASE_CONFIG, refreshIntervalSeconds: 86_400 };

describe("rewardsPhase", () => {
  it("claims for each delegator the distribution owes", () => {
    const claim = { delegator: addr(0x100), rootIndex: 3, root: "0x01" as Hex, file: "f.json", claim: { rootIndex: 3 } as never, tokens: [{ token: ASSET, amount: 5n }] } satisfies RewardClaim;
    const d = rewardsPhase([claim]);
    expect(d.actions.map(call)).toEqual([["vault", "claimRewards", addr(0x100), claim.claim]]);
    expect(d.actions[0]!.details).toMatchObject({ rootIndex: 3, tokens: [`${ASSET}:5`] });
  });
});

describe("completionsPhase", () => {
  it("completes matured withdrawals only, into their asset, and notes one in a strategy Trellis does not hold", () => {
    const st = state({ holdings: [10n * E, 0n], queued: [{ delegator: 0, amount: 2n * E }, { delegator: 1, amount: 3n * E }], requests: [], idle: 0n });
    st.blockNumber = 101n; // completable from 102
    expect(completionsPhase(st).actions).toEqual([]);
    st.blockNumber = 102n;
    st.queued[1]!.withdrawal = { ...st.queued[1]!.withdrawal, strategies: [addr(0xdead)] };
    const d = completionsPhase(st);
    expect(d.actions.map(call)).toEqual([["vault", "completeDelegatorWithdrawal", addr(0x100), st.queued[0]!.withdrawal, ASSET]]);
    expect(d.actions[0]!.details).toMatchObject({ asset: "rETH", amount: 2n * E });
    expect(d.notes).toEqual([`withdrawal ${st.queued[1]!.root} is in a strategy with no supported asset`]);
  });

  it("completes what a forced undelegation queued like any other withdrawal", () => {
    const st = state({ holdings: [0n], queued: [{ delegator: 0, amount: 7n * E }], requests: [], idle: 0n });
    st.delegators[0]!.delegatedTo = addr(0);
    st.blockNumber = 200n;
    expect(completionsPhase(st).actions.map((a) => a.details.amount)).toEqual([7n * E]);
  });
});

describe("strandedPhase", () => {
  it("warns of a forced undelegation and refreshes the stale risk cache; removes an empty retired delegator", () => {
    const st = state({ holdings: [10n * E, 0n], requests: [], idle: 0n });
    st.delegators[0]!.delegatedTo = addr(0);
    st.delegators[1]!.retired = true;
    st.delegators[1]!.delegatedTo = st.delegators[1]!.cachedDelegatedTo = addr(0);
    const d = strandedPhase(st);
    expect(d.actions.map(call)).toEqual([
      ["riskRegistry", "refresh", addr(0x100)],
      ["vault", "removeDelegator", addr(0x101)],
    ]);
    expect(d.warnings.map((w) => w.msg)).toEqual([expect.stringContaining("forced undelegation")]);
    expect(d.notes).toEqual([`forced undelegation of ${addr(0x100)} (operator ${addr(0x200)})`]);
  });

  it("does nothing when every delegator is delegated to its operator", () => {
    expect(strandedPhase(state({ holdings: [E, E], requests: [], idle: 0n }))).toEqual({ actions: [], notes: [], warnings: [] });
  });
});

describe("refreshPhase", () => {
  it("runs a round in batches plus one call that sees its end, each stopping the phase once the round ends", () => {
    const st = state({ holdings: [E, E, E], requests: [], idle: 0n });
    st.lastFullRefresh = NOW - 2n * 86_400n;
    const d = refreshPhase(st, { ...config, refreshBatch: 2 });
    expect(d.actions.map(call)).toEqual([
      ["vault", "refresh", 2n],
      ["vault", "refresh", 2n],
      ["vault", "refresh", 2n],
    ]);
    expect(d.actions.every((a) => a.untilRoundCompleted)).toBe(true);
  });

  it("refreshes only the delegators a slash moved, and nothing when the books match", () => {
    const st = state({ holdings: [10n * E, 20n * E], requests: [], idle: 0n });
    expect(refreshPhase(st, config).actions).toEqual([]);
    st.delegators[1]!.holding = [15n * E, 0n];
    expect(refreshPhase(st, config).actions.map(call)).toEqual([["vault", "refreshDelegator", addr(0x101)]]);
  });

  it("defaults the interval to a quarter of the vault's max measurement age", () => {
    const st = state({ holdings: [E], requests: [], idle: 0n });
    st.lastFullRefresh = NOW - st.maxMeasurementAge / 4n;
    expect(refreshPhase(st, DEFAULT_PHASE_CONFIG).actions.map((a) => a.functionName)).toEqual(["refresh", "refresh"]);
    st.lastFullRefresh += 1n;
    expect(refreshPhase(st, DEFAULT_PHASE_CONFIG).actions).toEqual([]);
  });
});

describe("syncPhase", () => {
  it("syncs a loss at once and a gain only after the interval", () => {
    const st = { ...state({ holdings: [E], requests: [], idle: 0n }), totalAssets: 100n * E, bookedAndPending: 100n * E, lastSyncTimestamp: NOW - 60n };
    expect(syncPhase({ ...st, measuredTotalAssets: 99n * E }, config).actions.map(call)).toEqual([["vault", "sync"]]);
    expect(syncPhase({ ...st, measuredTotalAssets: 101n * E }, config).actions).toEqual([]);
    expect(syncPhase({ ...st, measuredTotalAssets: 101n * E }, { ...config, minSyncIntervalSeconds: 60 }).actions.length).toBe(1);
  });
});

describe("finalizePhase", () => {
  it("finalizes what idle pays, oldest first, in batches", () => {
    const st = state({ requests: [{ id: 0, amount: E }, { id: 1, amount: E }, { id: 2, amount: 5n * E }, { id: 3, amount: E }, { id: 4, amount: E, age: 0n }], idle: 3n * E });
    expect(finalizePhase(st, { ...config, finalizeBatch: 2 }).actions.map(call)).toEqual([
      ["withdrawalQueue", "finalize", [0n, 1n]],
      ["withdrawalQueue", "finalize", [3n]],
    ]);
  });
});

describe("fundingPhase and withdrawableSharesFor", () => {
  it("converts an amount to shares at the position's own rate, never fewer than the exact count, the whole position exactly", () => {
    const position = { withdrawableShares: 9n * E, underlying: 10n * E + 7n }; // 1 share = ~1.11 units
    expect(withdrawableSharesFor(position, position.underlying)).toBe(position.withdrawableShares);
    const amount = 3n * E + 1n;
    const exact = (amount * position.withdrawableShares) / position.underlying;
    expect(withdrawableSharesFor(position, amount) - exact).toBeGreaterThanOrEqual(0n);
    expect(withdrawableSharesFor(position, amount) - exact).toBeLessThanOrEqual(1n);
    expect(withdrawableSharesFor({ withdrawableShares: E, underlying: 0n }, E)).toBe(0n);
  });

  it("queues from the largest holders what the requests need beyond idle and what is in flight, in deposit shares", () => {
    const st = state({ holdings: [30n * E, 50n * E], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    // The second delegator's operator was slashed: its deposit shares are worth less.
    const p1 = st.delegators[1]!.positions[0]!;
    p1.depositShares = 60n * E;
    const d = fundingPhase(st);
    expect(d.actions.map((a) => [a.functionName, a.args[0], a.args[1]])).toEqual([
      ["queueDelegatorWithdrawal", addr(0x101), ASSET],
      ["queueDelegatorWithdrawal", addr(0x100), ASSET],
    ]);
    const [first, second] = d.actions as [Action, Action];
    expect(first.args[2]).toBe(60n * E); // the whole 50 units: all its deposit shares
    expect(second.details.amount as bigint).toBeGreaterThanOrEqual(15n * E);
    expect(second.args[2]).toBe((second.details.amount as bigint) + 1n);
    // Once queued, the in-flight withdrawals cover the need: nothing more.
    const after = state({ holdings: [30n * E - (second.details.amount as bigint), 0n], queued: [{ delegator: 1, amount: 50n * E }, { delegator: 0, amount: second.details.amount as bigint }], requests: [{ id: 0, amount: 70n * E }], idle: 5n * E });
    expect(fundingPhase(after).actions).toEqual([]);
  });

  it("warns when the requests need more than Trellis holds", () => {
    const d = fundingPhase(state({ holdings: [E], requests: [{ id: 0, amount: 10n * E }], idle: 0n }));
    expect(d.warnings.map((w) => w.msg)).toEqual(["pending requests need more of an asset than Trellis holds"]);
    expect(d.actions.length).toBe(1);
  });
});

describe("rebalancePhase", () => {
  const plan = (actions: PlanAction[]): Plan => ({ blockNumber: 100n, actions, reason: "test" }) as unknown as Plan;
  const allocate = (delegator: number, strategy = STRATEGY, assetAmount = E): PlanAction => ({ type: "allocate", delegator: addr(0x100 + delegator), operator: addr(0x200 + delegator), strategy, ethValue: assetAmount, assetAmount });

  it("turns allocations into vault calls, skipping zero amounts and a stranded delegator", () => {
    const st = state({ holdings: [E, E, E], requests: [], idle: 10n * E });
    st.delegators[2]!.delegatedTo = addr(0);
    const d = rebalancePhase(st, plan([allocate(0), allocate(1, OTHER_STRATEGY, 0n), allocate(2), allocate(1, addr(0xdead))]));
    expect(d.actions.map(call)).toEqual([["vault", "allocate", addr(0x100), ASSET, E]]);
    expect(d.notes).toEqual([`no stake sent to ${addr(0x102)}: undelegated from its operator or retired`]);
  });

  it("turns a queued withdrawal into deposit shares of the delegator's position", () => {
    const st = state({ holdings: [10n * E], requests: [], idle: 0n });
    const d = rebalancePhase(st, plan([{ type: "queueWithdrawal", delegator: addr(0x100), operator: addr(0x200), strategy: STRATEGY, ethValue: 4n * E, assetAmount: 4n * E }]));
    expect(d.actions.map(call)).toEqual([["vault", "queueDelegatorWithdrawal", addr(0x100), ASSET, 4n * E]]);
  });
});

describe("exposurePhase", () => {
  const AVS = addr(0xa5);
  /** A delegator whose cache holds `cached` in set 0 and `slashable`, against `live` in set 0 (slashable = live). */
  const exposure = (n: number, cached: bigint, live: bigint, p: { slashable?: bigint; cachedBeyond?: boolean; liveBeyond?: boolean } = {}): DelegatorExposure => ({
    delegator: addr(0x100 + n),
    cached: { refreshedBlock: 1n, stake: 0n, slashable: p.slashable ?? live, beyondSetBound: p.cachedBeyond ?? false, sets: [{ avs: AVS, id: 0, value: cached }] },
    live: { stake: 0n, slashable: live, beyondSetBound: p.liveBeyond ?? false, sets: [{ avs: AVS, id: 0, value: live }] },
  });
  const cfg = { exposureRefreshBatch: 2, exposureToleranceWei: 10n };

  it("refreshes the caches above live beyond the tolerance, largest excess first, at most a batch", () => {
    const d = exposurePhase(
      [
        exposure(0, 5n * E, 5n * E), // fresh
        exposure(1, 5n * E + 10n, 5n * E), // rounding
        exposure(2, 6n * E, 5n * E), // 1 ETH high
        exposure(3, 5n * E, 5n * E, { slashable: 8n * E }), // slashable 3 ETH high
        exposure(4, 5n * E + 11n, 5n * E), // 11 wei high
        exposure(5, 4n * E, 5n * E), // lower: the chain accepts more than planned, left alone
      ],
      cfg,
    );
    expect(d.actions.map(call)).toEqual([["riskRegistry", "refreshMany", [addr(0x103), addr(0x102)]]]);
    expect(d.actions[0]!.kind).toBe("refreshExposure");
    expect(d.notes).toEqual(["1 stale exposure caches left for the next cycle"]);
  });

  it("refreshes an out-of-date set-bound flag; notes an unmeasurable delegator; nothing when every cache is live", () => {
    const d = exposurePhase([exposure(0, E, E, { cachedBeyond: true }), { ...exposure(1, E, 0n), live: null, unmeasurable: "no price" }], cfg);
    expect(d.actions.map(call)).toEqual([["riskRegistry", "refreshMany", [addr(0x100)]]]);
    expect(d.notes).toEqual([`exposure of ${addr(0x101)} not measurable: no price`]);
    expect(exposurePhase([exposure(0, E, E), exposure(1, E, 2n * E)], cfg)).toEqual({ actions: [], notes: [], warnings: [] });
    expect(exposurePhase([exposure(0, 2n * E, E)], { ...cfg, exposureRefreshBatch: 0 }).actions).toEqual([]);
  });
});
