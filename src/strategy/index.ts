// The strategy engine's public API: a pure core (no RPC, no clock, no randomness).
export * from "./types.js";
export * from "./errors.js";
export { parseAvsData, loadAvsDataFile, operatorSetKey, avsDataSchema } from "./avsData.js";
export { buildInstance, type Instance, type Position, type OperatorSetInfo } from "./model.js";
export * from "./risk.js";
export { optimize, optimizeInstance, buildLp, lpText, loadHighs, LIMIT_FAMILIES } from "./optimize.js";
export type { OptimizeResult, OptimizeOptions, LinearProgram, LpBackend, LiftSearch, PricingMode } from "./optimize.js";
export { checkMoves, verifyMoves, violations, type Check } from "./verify.js";
export { plan, planFromMoves, type Plan, type PlanTarget, type PlanExposure } from "./plan.js";
export { formatPlan, planToJson } from "./format.js";
export { planRecord, parseHistory, reviewHistory, type PlanRecord, type HistoryReview, type PastPlanReview, type AllocationChange } from "./history.js";
