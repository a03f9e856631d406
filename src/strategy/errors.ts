// Typed errors of the strategy engine (see src/errors.ts).
import { TrellisError } from "../errors.js";

export class StrategyError extends TrellisError {
  override name = "StrategyError";
}

export interface AvsDataIssue {
  /** Dotted path into the file, e.g. `operatorSets.2.corruptionThreshold`. */
  path: string;
  reason: string;
}

/** The AVS data file is malformed; every issue names the field path and the reason. */
export class AvsDataError extends StrategyError {
  override name = "AvsDataError" as const;
  readonly issues: AvsDataIssue[];
  constructor(issues: AvsDataIssue[]) {
    super("Invalid AVS data file", issues.map((i) => `${i.path || "(root)"}: ${i.reason}`));
    this.issues = issues;
  }
}

/** The snapshot is internally inconsistent (e.g. queued withdrawals do not add up). */
export class SnapshotError extends StrategyError {
  override name = "SnapshotError" as const;
}

/** The AVS data file lacks operator sets Trellis is exposed to, and `missingSets` is "error". */
export class MissingAvsDataError extends StrategyError {
  override name = "MissingAvsDataError" as const;
  readonly sets: string[];
  constructor(sets: string[]) {
    super(`The AVS data file lacks ${sets.length} operator set(s) the operators allocate to`, sets.map((k) => `missing ${k}`));
    this.sets = sets;
  }
}

/** HiGHS failed or returned a status we cannot use. */
export class SolverError extends StrategyError {
  override name = "SolverError" as const;
}

/** A family of limits, as the optimizer groups its constraints. */
export type LimitFamily =
  | "liquidity"
  | "minBuffer"
  | "operatorCap"
  | "operatorSetCap"
  | "avsCap"
  | "totalSlashableCap"
  | "scenarioLoss"
  | "turnover"
  | "robustness"
  | "allowlist"
  | "tailRisk"
  | "operatorPolicy";

/** The limits cannot all be met. `conflict` is a minimal set of families that cannot hold together. */
export class InfeasibleLimitsError extends StrategyError {
  override name = "InfeasibleLimitsError" as const;
  readonly conflict: LimitFamily[];
  /** Families whose relaxation alone restores feasibility. */
  readonly relaxable: LimitFamily[];
  constructor(conflict: LimitFamily[], relaxable: LimitFamily[], details: string[] = []) {
    super(
      conflict.length
        ? `Limits cannot all be met: ${conflict.join(" + ")} conflict` +
            (relaxable.length ? ` (relaxing ${relaxable.join(" or ")} alone would restore feasibility)` : "")
        : "Limits cannot all be met",
      details,
    );
    this.conflict = conflict;
    this.relaxable = relaxable;
  }
}

export interface Violation {
  family: LimitFamily | "bounds";
  name: string;
  value: number;
  limit: number;
}

/** A plan broke a limit when checked again in plain TypeScript; it is refused. */
export class PlanVerificationError extends StrategyError {
  override name = "PlanVerificationError" as const;
  readonly violations: Violation[];
  constructor(violations: Violation[]) {
    super(
      `Plan refused: ${violations.length} limit(s) broken`,
      violations.slice(0, 20).map((v) => `${v.family} ${v.name}: ${v.value.toFixed(6)} > ${v.limit.toFixed(6)}`),
    );
    this.violations = violations;
  }
}
