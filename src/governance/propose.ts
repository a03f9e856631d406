import type { PublicClient } from "viem";
import type { GovernanceDeployment } from "./deployment.js";
import { diffParams, type ParamsDiff } from "./diffParams.js";
import type { ParamsFile } from "./params.js";
import { buildProposal, type Proposal } from "./proposal.js";
import { readCurrentParams, type CurrentParams } from "./readCurrentParams.js";

export type ProposeParamsParameters = {
  deployment: GovernanceDeployment;
  params: ParamsFile;
  /** Defaults to the Safe's current nonce. */
  nonce?: bigint;
  createdAt?: number;
};
export type ProposeParamsReturnType = { current: CurrentParams; diff: ParamsDiff; proposal: Proposal };

/** Reads the chain, diffs it with a validated parameter file and builds the Safe transaction. Sends nothing. */
export async function proposeParams(
  client: PublicClient,
  { deployment, params, nonce, createdAt }: ProposeParamsParameters,
): Promise<ProposeParamsReturnType> {
  const current = await readCurrentParams(client, { deployment, params });
  const diff = diffParams(current, params);
  const proposal = await buildProposal(client, { deployment, diff, description: params.description ?? "", nonce, createdAt });
  return { current, diff, proposal };
}
