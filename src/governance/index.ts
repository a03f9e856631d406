// Governance: parameter files, diffs, Safe batches through the timelock. See src/cli/gov.ts for the commands.
export * from "./errors.js";
export * from "./params.js";
export * from "./deployment.js";
export * from "./readCurrentParams.js";
export * from "./diffParams.js";
export * from "./safeTx.js";
export * from "./proposal.js";
export * from "./batchFile.js";
export * from "./files.js";
export * from "./propose.js";
export * from "./simulate.js";
export * from "./sign.js";
export * from "./signatures.js";
export * from "./execute.js";
export * from "./executeTimelock.js";
export { describeRevert } from "./revert.js";
