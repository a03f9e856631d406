import { zeroAddress, type Address } from "viem";
import { ParamsFileError, type ParamsIssue } from "./errors.js";
import { checkAssetBounds, VAULT_ACTIONS, type ParamsFile } from "./params.js";
import type { AssetConfig, CurrentParams } from "./readCurrentParams.js";

/** Lower caps, a higher buffer, a removed operator, a pause are tighter; `change` has no safe direction. */
export type ChangeDirection = "tighten" | "loosen" | "change";
/** `safe`: the Safe calls it at once (RISK_MANAGER, GUARDIAN). `timelock`: scheduled, runs after the delay (ADMIN). */
export type ChangeRoute = "safe" | "timelock";

export type ParamChange = {
  /** Stable key, the same `flattenParams` uses: `risk.operatorCapBps`, `risk.avsCaps[0x…]`, `assets[0x…].depositCap`. */
  parameter: string;
  current: string;
  new: string;
  direction: ChangeDirection;
  route: ChangeRoute;
};

/** One contract call a change needs. */
export type GovAction = {
  contract: "riskRegistry" | "vault" | "assetRegistry";
  functionName: string;
  args: readonly unknown[];
  route: ChangeRoute;
  /** The parameters this call changes. */
  parameters: string[];
};

export type ParamsDiff = { changes: ParamChange[]; actions: GovAction[] };

const cap = (current: number, wanted: number): ChangeDirection => (wanted < current ? "tighten" : "loosen");

/**
 * Compares a parameter file with the chain: what changes, in which direction, and which calls make it so.
 * Pure. Risk limits follow RiskRegistry's own rule (raising a cap, lowering the buffer or allowing an operator
 * needs ADMIN, so it goes through the timelock); every vault and asset parameter is ADMIN-only.
 * Safe calls are ordered per-AVS and per-operator-set caps first: they run against today's defaults, exactly
 * as classified here, before any default moves. Throws `ParamsFileError` for a file the chain would refuse.
 */
export function diffParams(current: CurrentParams, wanted: ParamsFile): ParamsDiff {
  const issues: ParamsIssue[] = [];
  const changes: ParamChange[] = [];
  const actions: GovAction[] = [];
  const add = (change: Omit<ParamChange, "route">, route: ChangeRoute, action: Omit<GovAction, "route" | "parameters">) => {
    changes.push({ ...change, route });
    actions.push({ ...action, route, parameters: [change.parameter] });
  };

  if (wanted.chainId !== undefined && wanted.chainId !== current.chainId) {
    issues.push({ path: "chainId", reason: `file is for chain ${wanted.chainId}, the RPC is chain ${current.chainId}` });
  }

  const risk = wanted.risk ?? {};
  const limits = current.risk;

  // Per-AVS and per-operator-set caps, against today's defaults (0 clears the own cap back to the default).
  const finalDefaultAvs = risk.defaultAvsCapBps ?? limits.defaultAvsCapBps;
  for (const c of risk.avsCaps ?? []) {
    const now = current.risk.avsCaps.find((a) => a.avs === c.avs)?.capBps ?? limits.defaultAvsCapBps;
    const atCall = c.capBps === 0 ? limits.defaultAvsCapBps : c.capBps;
    const final = c.capBps === 0 ? finalDefaultAvs : c.capBps;
    if (atCall === now && final === now) continue;
    add(
      { parameter: `risk.avsCaps[${c.avs}]`, current: String(now), new: String(final), direction: cap(now, final) },
      atCall > now ? "timelock" : "safe",
      { contract: "riskRegistry", functionName: "setAvsCap", args: [c.avs, c.capBps] },
    );
  }
  const finalDefaultSet = risk.defaultOperatorSetCapBps ?? limits.defaultOperatorSetCapBps;
  for (const c of risk.operatorSetCaps ?? []) {
    const now =
      current.risk.operatorSetCaps.find((s) => s.avs === c.avs && s.operatorSetId === c.operatorSetId)?.capBps ??
      limits.defaultOperatorSetCapBps;
    const atCall = c.capBps === 0 ? limits.defaultOperatorSetCapBps : c.capBps;
    const final = c.capBps === 0 ? finalDefaultSet : c.capBps;
    if (atCall === now && final === now) continue;
    add(
      { parameter: `risk.operatorSetCaps[${c.avs}/${c.operatorSetId}]`, current: String(now), new: String(final), direction: cap(now, final) },
      atCall > now ? "timelock" : "safe",
      { contract: "riskRegistry", functionName: "setOperatorSetCap", args: [c.avs, c.operatorSetId, c.capBps] },
    );
  }

  const capSetters = [
    ["operatorCapBps", "setOperatorCap"],
    ["defaultAvsCapBps", "setDefaultAvsCap"],
    ["defaultOperatorSetCapBps", "setDefaultOperatorSetCap"],
    ["totalSlashableCapBps", "setTotalSlashableCap"],
  ] as const;
  for (const [field, functionName] of capSetters) {
    const w = risk[field];
    const now = limits[field];
    if (w === undefined || w === now) continue;
    add(
      { parameter: `risk.${field}`, current: String(now), new: String(w), direction: cap(now, w) },
      w > now ? "timelock" : "safe",
      { contract: "riskRegistry", functionName, args: [w] },
    );
  }
  if (risk.minBufferBps !== undefined && risk.minBufferBps !== limits.minBufferBps) {
    const w = risk.minBufferBps;
    const tighter = w > limits.minBufferBps;
    add(
      { parameter: "risk.minBufferBps", current: String(limits.minBufferBps), new: String(w), direction: tighter ? "tighten" : "loosen" },
      tighter ? "safe" : "timelock",
      { contract: "riskRegistry", functionName: "setMinBuffer", args: [w] },
    );
  }
  for (const o of risk.operatorAllowlist ?? []) {
    const now = current.risk.operatorAllowlist.find((a) => a.operator === o.operator)?.allowed ?? false;
    if (now === o.allowed) continue;
    add(
      { parameter: `risk.operatorAllowlist[${o.operator}]`, current: String(now), new: String(o.allowed), direction: o.allowed ? "loosen" : "tighten" },
      o.allowed ? "timelock" : "safe",
      { contract: "riskRegistry", functionName: "setOperatorAllowed", args: [o.operator, o.allowed] },
    );
  }

  // Pausing is GUARDIAN: at once when the Safe holds it. Unpausing is ADMIN.
  for (const a of wanted.pause ?? []) {
    if (current.vault.paused[a]) continue;
    add(
      { parameter: `vault.paused.${a}`, current: "false", new: "true", direction: "tighten" },
      current.safeCanPause ? "safe" : "timelock",
      { contract: "vault", functionName: "pause", args: [VAULT_ACTIONS.indexOf(a)] },
    );
  }
  for (const a of wanted.unpause ?? []) {
    if (!current.vault.paused[a]) continue;
    add(
      { parameter: `vault.paused.${a}`, current: "true", new: "false", direction: "loosen" },
      "timelock",
      { contract: "vault", functionName: "unpause", args: [VAULT_ACTIONS.indexOf(a)] },
    );
  }

  // Vault parameters: ADMIN only.
  const v = wanted.vault ?? {};
  const maxAprBps = v.maxAprBps ?? current.vault.maxAprBps;
  const feeBps = v.feeBps ?? current.vault.feeBps;
  if (maxAprBps !== current.vault.maxAprBps || feeBps !== current.vault.feeBps) {
    const rows: Omit<ParamChange, "route">[] = [];
    if (maxAprBps !== current.vault.maxAprBps) {
      rows.push({ parameter: "vault.maxAprBps", current: String(current.vault.maxAprBps), new: String(maxAprBps), direction: cap(current.vault.maxAprBps, maxAprBps) });
    }
    if (feeBps !== current.vault.feeBps) {
      rows.push({ parameter: "vault.feeBps", current: String(current.vault.feeBps), new: String(feeBps), direction: "change" });
    }
    changes.push(...rows.map((r) => ({ ...r, route: "timelock" as const })));
    actions.push({
      contract: "vault",
      functionName: "setSyncParams",
      args: [{ maxAprBps, feeBps }],
      route: "timelock",
      parameters: rows.map((r) => r.parameter),
    });
  }
  if (v.treasury !== undefined && v.treasury !== current.vault.treasury) {
    add(
      { parameter: "vault.treasury", current: current.vault.treasury, new: v.treasury, direction: "change" },
      "timelock",
      { contract: "vault", functionName: "setTreasury", args: [v.treasury] },
    );
  }

  // Asset configs: ADMIN only, one setAssetConfig per asset with the merged config.
  (wanted.assets ?? []).forEach((a, i) => {
    const now = current.assets.find((x) => x.token === a.token)?.config;
    if (!now) {
      issues.push({ path: `assets.${i}.token`, reason: "not a supported asset (add it with newAssets)" });
      return;
    }
    const next: AssetConfig = {
      ...now,
      depositCap: a.depositCap ?? now.depositCap,
      minDeposit: a.minDeposit ?? now.minDeposit,
      minPrice: a.minPrice ?? now.minPrice,
      maxPrice: a.maxPrice ?? now.maxPrice,
    };
    for (const issue of checkAssetBounds(next)) {
      issues.push({ path: `assets.${i}.${issue.field}`, reason: `${issue.reason} (with the other values on chain)` });
    }
    const rows: Omit<ParamChange, "route">[] = [];
    const field = (name: "depositCap" | "minDeposit" | "minPrice" | "maxPrice", tighter: (now: bigint, w: bigint) => boolean) => {
      if (next[name] === now[name]) return;
      rows.push({
        parameter: `assets[${a.token}].${name}`,
        current: String(now[name]),
        new: String(next[name]),
        direction: tighter(now[name], next[name]) ? "tighten" : "loosen",
      });
    };
    field("depositCap", (n, w) => w < n);
    field("minDeposit", (n, w) => w > n);
    field("minPrice", (n, w) => w > n);
    field("maxPrice", (n, w) => w < n);
    if (rows.length === 0) return;
    changes.push(...rows.map((r) => ({ ...r, route: "timelock" as const })));
    actions.push({
      contract: "assetRegistry",
      functionName: "setAssetConfig",
      args: [a.token, next],
      route: "timelock",
      parameters: rows.map((r) => r.parameter),
    });
  });

  (wanted.newAssets ?? []).forEach((a, i) => {
    if (current.assets.some((x) => x.token === a.token)) {
      issues.push({ path: `newAssets.${i}.token`, reason: "already supported (change it with assets)" });
      return;
    }
    const { token, ...config } = a;
    add(
      { parameter: `assets[${token}]`, current: "not supported", new: describeAsset(config), direction: "loosen" },
      "timelock",
      { contract: "assetRegistry", functionName: "addAsset", args: [token, config] },
    );
  });

  (wanted.addOperatorDelegators ?? []).forEach((operator, i) => {
    const now = current.delegators.find((d) => d.operator === operator)?.delegator ?? zeroAddress;
    if (now !== zeroAddress) {
      issues.push({ path: `addOperatorDelegators.${i}`, reason: `already has delegator ${now}` });
      return;
    }
    add(
      { parameter: `delegators[${operator}]`, current: "none", new: "added", direction: "loosen" },
      "timelock",
      { contract: "vault", functionName: "addOperatorDelegator", args: [operator] },
    );
  });

  if (issues.length) throw new ParamsFileError(issues);
  return { changes, actions };
}

export function describeAsset(c: AssetConfig): string {
  return `strategy ${c.strategy}, adapter ${c.adapter}, price [${c.minPrice}, ${c.maxPrice}], cap ${c.depositCap}, min ${c.minDeposit}${c.rebasing ? ", rebasing" : ""}`;
}

/** Every parameter under the keys `ParamChange.parameter` uses, as strings: read back after a simulation. */
export function flattenParams(p: CurrentParams): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of ["operatorCapBps", "defaultAvsCapBps", "defaultOperatorSetCapBps", "totalSlashableCapBps", "minBufferBps"] as const) {
    m.set(`risk.${k}`, String(p.risk[k]));
  }
  for (const a of p.risk.avsCaps) m.set(`risk.avsCaps[${a.avs}]`, String(a.capBps));
  for (const s of p.risk.operatorSetCaps) m.set(`risk.operatorSetCaps[${s.avs}/${s.operatorSetId}]`, String(s.capBps));
  for (const o of p.risk.operatorAllowlist) m.set(`risk.operatorAllowlist[${o.operator}]`, String(o.allowed));
  m.set("vault.maxAprBps", String(p.vault.maxAprBps));
  m.set("vault.feeBps", String(p.vault.feeBps));
  m.set("vault.treasury", p.vault.treasury);
  for (const a of VAULT_ACTIONS) m.set(`vault.paused.${a}`, String(p.vault.paused[a]));
  for (const { token, config } of p.assets) {
    m.set(`assets[${token}]`, describeAsset(config));
    for (const k of ["depositCap", "minDeposit", "minPrice", "maxPrice"] as const) m.set(`assets[${token}].${k}`, String(config[k]));
  }
  for (const d of p.delegators) m.set(`delegators[${d.operator}]`, d.delegator === zeroAddress ? "none" : "added");
  return m;
}

export type { Address };
