// The planner: from the optimizer's target to a list of typed actions for the keeper.
//
// EigenLayer moves stake between operators through a withdrawal delay, so a move A -> B is
// `queueWithdrawal` at A now and, once the withdrawal is completable, `completeWithdrawal` and a
// `deposit` into B (a later plan: the keeper keeps no state, the next snapshot shows the matured
// withdrawal). Increases that can be funded now come from completable withdrawals (`deposit`)
// and then from the vault's buffer (`allocate`). Stake already queued is never queued again:
// decreases only touch active stake, and only completable withdrawals are completed, once each.
// Tokens of a completed withdrawal that no deposit uses go back to the vault's buffer.
import type { HistoryReview } from "./history.js";
import { buildInstance, weiToEth, type Instance } from "./model.js";
import { optimizeInstance, type BindingLimit, type OptimizeOptions, type RowScope } from "./optimize.js";
import { portfolioCvar } from "./tailRisk.js";
import {
  avsExposures,
  currentStake,
  evaluateObjective,
  glideShortfalls,
  stateValue,
  operatorStakes,
  setExposures,
  steadyStake,
  zeroMoves,
  type Moves,
} from "./risk.js";
import {
  DEFAULT_ENGINE_PARAMS,
  WAD,
  type Address,
  type AvsData,
  type EngineParams,
  type PlanAction,
  type Snapshot,
} from "./types.js";
import { verifyMoves, violations } from "./verify.js";

/** Current vs target for one (operator, strategy). Amounts ETH value, wei. */
export interface PlanTarget {
  operator: Address;
  delegator: Address;
  strategy: Address;
  symbol: string;
  active: bigint;
  queued: bigint;
  /** Active stake once this plan and the redeposits it prepares are done. */
  target: bigint;
  increaseNow: bigint;
  increaseLater: bigint;
  decrease: bigint;
  /** Limits binding this move at the optimum (empty when the position does not move). */
  limits: PlanLimit[];
}

/** A binding limit and the value of relaxing it: ETH of objective (over the horizon) per ETH. */
export interface PlanLimit {
  family: BindingLimit["family"];
  name: string;
  valuePerEth: number;
}

export interface PlanExposure {
  key: string;
  currentEth: number;
  targetEth: number;
  capEth: number;
}

export interface Plan {
  blockNumber: bigint;
  /** Actions to send now, in order. Empty when no plan is worth making (see `reason`). */
  actions: PlanAction[];
  reason: string;
  /** The current state breaks a limit, so the plan is made whatever its cost. */
  mandatory: boolean;
  targets: PlanTarget[];
  /** Increases to fund from this plan's withdrawals once they complete (a later plan). */
  deferred: { operator: Address; strategy: Address; ethValue: bigint }[];
  operators: PlanExposure[];
  avs: PlanExposure[];
  /** Value over the horizon, target minus current, ETH: reward - expected slashing loss - tail-risk
   *  term - diversification - glide-path shortfall. */
  gainEth: number;
  /** Forgone yield of moved stake plus gas of the actions, ETH. */
  costEth: number;
  /** Uncertainty margin the gain must also beat, ETH (uncertaintyMultiple x box uncertainty). */
  marginEth: number;
  /** Stake moved by the plan (increases + decreases), ETH and bps of TVL. */
  turnover: { eth: number; bps: number };
  /** CVaR_alpha of the annual loss over the correlated scenarios, ETH, now and at the target. */
  tailRisk: { alpha: number; currentEth: number; targetEth: number };
  /** Every limit binding at the optimum with its dual, most valuable first. */
  binding: PlanLimit[];
  /** Exposure to sets below their robustness bound left above the glide target, ETH per set. */
  glideShortfall: { key: string; eth: number }[];
  /** Things the operator of the engine should know (missing AVS data, ...). */
  warnings: string[];
  horizonDays: number;
  /** Risk-adjusted APR on TVL, now and at the target. */
  riskAdjustedApr: { current: number; target: number };
  tvlEth: number;
  /** Past plans (realised vs predicted) and operators' allocation changes since the last plan:
   *  set by the CLI from its plan-history file (`history.ts`), absent otherwise. */
  history?: HistoryReview | undefined;
}

const GWEI = 10n ** 9n;
const toWeiFloor = (eth: number): bigint => BigInt(Math.floor(Math.max(0, eth) * 1e9)) * GWEI;
const toWeiCeil = (eth: number): bigint => BigInt(Math.ceil(Math.max(0, eth) * 1e9)) * GWEI;
const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

interface WeiMoves {
  now: bigint[];
  later: bigint[];
  dec: bigint[];
}

function toFloatMoves(inst: Instance, w: WeiMoves): Moves {
  const m = zeroMoves(inst);
  inst.positions.forEach((_, i) => {
    m.increaseNow[i] = weiToEth(w.now[i]!);
    m.increaseLater[i] = weiToEth(w.later[i]!);
    m.decrease[i] = weiToEth(w.dec[i]!);
  });
  return m;
}

/** Active and in-flight (queued, not yet completable) stake in wei per position, read from the
 *  snapshot (exact, unlike the floats). */
function stakeWei(inst: Instance, snapshot: Snapshot): { active: bigint[]; queued: bigint[] } {
  const active = new Map<string, bigint>();
  const queued = new Map<string, bigint>();
  for (const d of snapshot.delegators) {
    for (const s of d.stake) {
      const k = `${d.address.toLowerCase()}|${s.strategy.toLowerCase()}`;
      active.set(k, (active.get(k) ?? 0n) + s.active);
    }
    for (const w of d.withdrawals) {
      if (w.completableBlock <= snapshot.blockNumber) continue;
      const k = `${d.address.toLowerCase()}|${w.strategy.toLowerCase()}`;
      queued.set(k, (queued.get(k) ?? 0n) + w.ethValue);
    }
  }
  const key = (p: Instance["positions"][number]) => `${p.delegator}|${p.strategy}`;
  return {
    active: inst.positions.map((p) => active.get(key(p)) ?? 0n),
    queued: inst.positions.map((p) => queued.get(key(p)) ?? 0n),
  };
}

/**
 * Turns the optimizer's moves into a plan. Pure: same inputs, same plan.
 * Moves are rounded to gwei in the safe direction (increases down, decreases up); moves under
 * `minMoveEth` are dropped unless a limit needs them; the result is verified again.
 */
export function planFromMoves(inst: Instance, snapshot: Snapshot, moves: Moves, binding: BindingLimit[] = []): Plan {
  const P = inst.positions;
  const { params } = inst;
  const { active, queued } = stakeWei(inst, snapshot);
  const rounded: WeiMoves = {
    now: P.map((_, i) => toWeiFloor(moves.increaseNow[i]!)),
    later: P.map((_, i) => toWeiFloor(moves.increaseLater[i]!)),
    dec: P.map((_, i) => minBig(toWeiCeil(moves.decrease[i]!), active[i]!)),
  };
  const min = toWeiFloor(params.minMoveEth);
  const drop = (xs: bigint[]) => xs.map((x) => (x < min ? 0n : x));
  const candidates: WeiMoves[] = [
    { now: drop(rounded.now), later: drop(rounded.later), dec: drop(rounded.dec) },
    { now: drop(rounded.now), later: drop(rounded.later), dec: rounded.dec },
    rounded,
  ];
  const chosen = candidates.find((c) => violations(inst, toFloatMoves(inst, c)).length === 0) ?? rounded;
  const m = toFloatMoves(inst, chosen);
  verifyMoves(inst, m);

  const mandatory = violations(inst, zeroMoves(inst)).length > 0;
  const cur = evaluateObjective(inst, zeroMoves(inst));
  const tgt = evaluateObjective(inst, m);
  const gainEth = stateValue(tgt) - stateValue(cur);

  // Actions.
  const actions: PlanAction[] = [];
  const price = inst.strategies.map((s) => s.ethPerAssetWad);
  const assetAmount = (si: number, eth: bigint) => (eth * WAD) / price[si]!;
  const withdrawals = inst.maturedWithdrawals.map((w) => ({ w, left: w.ethValue }));
  const anyMove = P.some((_, i) => chosen.now[i]! > 0n || chosen.dec[i]! > 0n || chosen.later[i]! > 0n);
  for (const { w } of withdrawals)
    actions.push({
      type: "completeWithdrawal",
      delegator: w.delegator,
      operator: w.operator,
      withdrawalRoot: w.withdrawalRoot,
      strategy: w.strategy,
      ethValue: w.ethValue,
    });
  P.forEach((p, i) => {
    const dec = chosen.dec[i]!;
    if (dec > 0n)
      actions.push({
        type: "queueWithdrawal",
        delegator: p.delegator,
        operator: p.operator,
        strategy: p.strategy,
        ethValue: dec,
        assetAmount: assetAmount(p.strategyIndex, dec),
      });
  });
  P.forEach((p, i) => {
    let need = chosen.now[i]!;
    for (const slot of withdrawals) {
      if (need === 0n) break;
      if (slot.w.strategyIndex !== p.strategyIndex || slot.left === 0n) continue;
      const take = minBig(need, slot.left);
      slot.left -= take;
      need -= take;
      actions.push({
        type: "deposit",
        fromDelegator: slot.w.delegator,
        withdrawalRoot: slot.w.withdrawalRoot,
        delegator: p.delegator,
        operator: p.operator,
        strategy: p.strategy,
        ethValue: take,
        assetAmount: assetAmount(p.strategyIndex, take),
      });
    }
    if (need > 0n)
      actions.push({
        type: "allocate",
        delegator: p.delegator,
        operator: p.operator,
        strategy: p.strategy,
        ethValue: need,
        assetAmount: assetAmount(p.strategyIndex, need),
      });
  });

  const paid = actions.filter((a) => a.type !== "completeWithdrawal").length;
  const costEth = tgt.moveCostEth - gasOfLp(inst, m) + paid * params.gasPerActionEth;

  let reason: string;
  let final = actions;
  if (!anyMove) {
    reason = "no move above the minimum size improves the risk-adjusted yield within the limits";
    final = [];
  } else if (!mandatory && gainEth <= costEth + tgt.uncertaintyEth) {
    reason =
      `gain ${gainEth.toFixed(4)} ETH over ${params.horizonDays} days does not beat cost ${costEth.toFixed(4)} ETH ` +
      `+ uncertainty margin ${tgt.uncertaintyEth.toFixed(4)} ETH`;
    final = [];
  } else {
    reason = mandatory
      ? `the current state breaks a limit (${violations(inst, zeroMoves(inst))[0]!.name}); plan required`
      : `gain ${gainEth.toFixed(4)} ETH over ${params.horizonDays} days beats cost ${costEth.toFixed(4)} ETH ` +
        `+ uncertainty margin ${tgt.uncertaintyEth.toFixed(4)} ETH`;
  }
  const used = final.length ? chosen : { now: P.map(() => 0n), later: P.map(() => 0n), dec: P.map(() => 0n) };
  const usedMoves = toFloatMoves(inst, used);
  const usedObj = final.length ? tgt : cur;

  const x0 = currentStake(inst);
  const x1 = steadyStake(inst, usedMoves);
  const opNow = operatorStakes(inst, x0);
  const opTgt = operatorStakes(inst, x1);
  const avsNow = avsExposures(inst, setExposures(inst, x0));
  const avsTgt = avsExposures(inst, setExposures(inst, x1));
  const moved = P.reduce((acc, _, i) => acc + usedMoves.increaseNow[i]! + usedMoves.increaseLater[i]! + usedMoves.decrease[i]!, 0);
  const planLimit = (b: BindingLimit): PlanLimit => ({ family: b.family, name: b.name, valuePerEth: b.valuePerEth });
  const concerns = (sc: RowScope, i: number): boolean => {
    const p = P[i]!;
    if (sc === "all") return true;
    if ("operator" in sc) return sc.operator === p.operatorIndex;
    if ("strategy" in sc) return sc.strategy === p.strategyIndex;
    return p.sets.some((f) => f.fraction > 0 && sc.sets.includes(f.set));
  };
  const warnings = inst.missingSets.map(
    (k) => `operator set ${k} is not in the AVS data file: modelled with the explicit defaults (no reward, slashing probability ${params.unknownSetSlashingProbability}, never robust)`,
  );
  const ray = (o: typeof cur) => (o.rewardEth - o.slashingLossEth) / (params.horizonDays / 365) / Math.max(inst.tvl, 1e-18);
  return {
    blockNumber: snapshot.blockNumber,
    actions: final,
    reason,
    mandatory,
    targets: P.map((p, i) => ({
      operator: p.operator,
      delegator: p.delegator,
      strategy: p.strategy,
      symbol: inst.strategies[p.strategyIndex]!.symbol,
      active: active[i]!,
      queued: queued[i]!,
      target: active[i]! + used.now[i]! + used.later[i]! - used.dec[i]!,
      increaseNow: used.now[i]!,
      increaseLater: used.later[i]!,
      decrease: used.dec[i]!,
      limits:
        used.now[i]! > 0n || used.later[i]! > 0n || used.dec[i]! > 0n
          ? binding.filter((b) => concerns(b.scope, i)).map(planLimit)
          : [],
    })),
    deferred: P.flatMap((p, i) =>
      used.later[i]! > 0n ? [{ operator: p.operator, strategy: p.strategy, ethValue: used.later[i]! }] : [],
    ),
    operators: inst.operators.flatMap((o, k) =>
      inst.operatorPositions[k]!.length
        ? [{ key: o.address, currentEth: opNow[k]!, targetEth: opTgt[k]!, capEth: inst.limits.operatorCapEth }]
        : [],
    ),
    avs: inst.avs.map((a, k) => ({ key: a.address, currentEth: avsNow[k]!, targetEth: avsTgt[k]!, capEth: a.capEth })),
    gainEth: final.length ? gainEth : 0,
    costEth: final.length ? costEth : 0,
    marginEth: final.length ? tgt.uncertaintyEth : 0,
    turnover: { eth: moved, bps: (moved / Math.max(inst.tvl, 1e-18)) * 10_000 },
    tailRisk: { alpha: params.cvarAlpha, currentEth: cur.cvarEth, targetEth: portfolioCvar(inst, x1) },
    binding: binding.map(planLimit),
    glideShortfall: [...glideShortfalls(inst, x1)].map(([k, eth]) => ({ key: inst.sets[k]!.key, eth })).filter((g) => g.eth > 1e-9),
    warnings,
    horizonDays: params.horizonDays,
    riskAdjustedApr: { current: ray(cur), target: ray(usedObj) },
    tvlEth: inst.tvl,
  };
}

/** The LP's per-ETH gas term (replaced by exact gas per action in the plan's cost). */
function gasOfLp(inst: Instance, m: Moves): number {
  const g = inst.params.gasPerActionEth / Math.max(inst.params.typicalMoveEth, 1e-9);
  let s = 0;
  inst.positions.forEach((_, i) => (s += g * (m.increaseNow[i]! + m.increaseLater[i]! + m.decrease[i]!)));
  return s;
}

/** Snapshot + AVS data + params -> plan: build the instance, solve, verify, plan, verify again. */
export async function plan(
  snapshot: Snapshot,
  avsData: AvsData,
  params: Partial<EngineParams> = {},
  options: Omit<OptimizeOptions, "relax"> = {},
): Promise<Plan> {
  const inst = buildInstance(snapshot, avsData, { ...DEFAULT_ENGINE_PARAMS, ...params });
  const res = await optimizeInstance(inst, options);
  return planFromMoves(inst, snapshot, res.moves, res.binding);
}
