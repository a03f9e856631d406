// `trellis plan` with the names `trellis status` uses: operators as "operator N", AVSs by the AVS data file's
// names, delegators as their operator's, strategies as their asset's symbol. The JSON output keeps addresses.
import type { Plan } from "../strategy/plan.js";
import type { Deployment } from "../devnet/deployment.js";

/** The plan with its addresses replaced by names wherever the deployment (and AVS names) know one. */
export function labelPlan(plan: Plan, deployment: Deployment, avsNames: Map<string, string> | undefined): Plan {
  const names = new Map<string, string>();
  deployment.operators.forEach((o, i) => {
    names.set(o.address.toLowerCase(), `operator ${i + 1}`);
    names.set(o.delegator.toLowerCase(), `operator ${i + 1}`);
  });
  for (const a of deployment.assets) if (a.strategy) names.set(a.strategy.toLowerCase(), a.symbol);
  deployment.avss.forEach((a, i) => names.set(a.address.toLowerCase(), avsNames?.get(a.address.toLowerCase()) ?? `AVS ${i + 1}`));
  const name = <T extends string>(x: T): T => (names.get(x.toLowerCase()) as T | undefined) ?? x;
  // Operator-set keys are "<avs>/<id>" (or "<avs>:<id>"): the AVS part by name.
  const setName = (k: string) => k.replace(/^(0x[0-9a-fA-F]{40})/, (a) => names.get(a.toLowerCase()) ?? a);
  return {
    ...plan,
    operators: plan.operators.map((o) => ({ ...o, key: name(o.key) })),
    avs: plan.avs.map((a) => ({ ...a, key: name(a.key) })),
    actions: plan.actions.map((a) => ({
      ...a,
      delegator: name(a.delegator),
      strategy: name(a.strategy),
      ...("fromDelegator" in a ? { fromDelegator: name(a.fromDelegator) } : {}),
    })) as Plan["actions"],
    targets: plan.targets.map((t) => ({ ...t, operator: name(t.operator) })),
    glideShortfall: plan.glideShortfall.map((g) => ({ ...g, key: setName(g.key) })),
    deferred: plan.deferred.map((d) => ({ ...d, operator: name(d.operator), strategy: name(d.strategy) })),
  };
}
