// Typed errors of the governance scripts (see src/errors.ts).
import { TrellisError } from "../errors.js";

export class GovernanceError extends TrellisError {
  override name = "GovernanceError";
}

export interface ParamsIssue {
  /** Dotted path into the file, e.g. `risk.avsCaps.1.capBps`. */
  path: string;
  reason: string;
}

/** The parameter file is malformed or out of bounds; every issue names the field path and the reason. */
export class ParamsFileError extends GovernanceError {
  override name = "ParamsFileError" as const;
  readonly issues: ParamsIssue[];
  constructor(issues: ParamsIssue[], file?: string) {
    super(`Invalid parameter file${file ? ` ${file}` : ""}: nothing was sent`, issues.map((i) => `${i.path || "(root)"}: ${i.reason}`));
    this.issues = issues;
  }
}

/** The proposal, batch or signature files do not match each other or the chain. */
export class ProposalError extends GovernanceError {
  override name = "ProposalError" as const;
}

/** Fewer valid owner signatures than the Safe's threshold. */
export class NotEnoughSignaturesError extends GovernanceError {
  override name = "NotEnoughSignaturesError" as const;
  constructor(
    readonly have: number,
    readonly threshold: number,
    details: string[] = [],
  ) {
    super(`Not enough signatures: ${have} valid owner signature(s), the Safe needs ${threshold}`, details);
  }
}

/** A timelocked operation is not ready to execute (not scheduled, still waiting, or already done). */
export class TimelockNotReadyError extends GovernanceError {
  override name = "TimelockNotReadyError" as const;
}

/** A required environment variable is missing or malformed. */
export class MissingEnvError extends GovernanceError {
  override name = "MissingEnvError" as const;
  constructor(readonly variable: string, reason = "is not set") {
    super(`Environment variable ${variable} ${reason}`);
  }
}

/** A simulated call reverted; `reason` is the decoded Solidity error when known. */
export class SimulationError extends GovernanceError {
  override name = "SimulationError" as const;
}
