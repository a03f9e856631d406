// The one error style of the CLI: `error: <one line>`, a named revert in human units, and exit code 1.
import { ConfigError } from "../chain/config.js";
import { decodeRevert, describeError } from "../chain/errors.js";
import { humanizeRevert, type RevertUnits } from "../chain/humanize.js";
import { InputError } from "../chain/validate.js";
import { DeploymentFileError } from "../devnet/deployment.js";
import { TxError } from "./tx.js";

export type FailureKind = "input" | "config" | "revert" | "rpc" | "internal";

/** The line a person reads for `error`, and its kind (for --json). */
export function describeFailure(error: unknown, units: RevertUnits): { line: string; kind: FailureKind } {
  if (error instanceof InputError) return { line: error.message, kind: "input" };
  if (error instanceof ConfigError || error instanceof DeploymentFileError) return { line: error.message, kind: "config" };
  if (error instanceof TxError) {
    const why = error.revert ? humanizeRevert(error.revert, units) : error.message;
    if (error.outcome === "rejected") return { line: `${why} (${error.functionName} refused in simulation; nothing sent)`, kind: "revert" };
    if (error.outcome === "reverted") return { line: `${why} (${error.functionName} reverted on chain in ${error.hash})`, kind: "revert" };
    return { line: `${error.functionName} not sent: ${why}`, kind: "config" };
  }
  const revert = decodeRevert(error);
  if (revert) return { line: humanizeRevert(revert, units), kind: "revert" };
  const line = describeError(error);
  return { line, kind: /cannot reach|fetch failed|HTTP request failed|ECONNREFUSED|timed out/i.test(line) ? "rpc" : "internal" };
}
