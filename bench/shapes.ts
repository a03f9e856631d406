// The benchmark's instance shapes: the committed bench/instance.json and four generated shapes
// that stress different parts of the model. Deterministic (seeded).
import { readFileSync } from "node:fs";
import { generate } from "../src/strategy/generate.js";
import { snapshotFromJson } from "../src/strategy/snapshotJson.js";
import { DEFAULT_ENGINE_PARAMS, type AvsData, type EngineParams, type Snapshot } from "../src/strategy/types.js";

export interface Shape {
  name: string;
  snapshot: Snapshot;
  avsData: AvsData;
  params: EngineParams;
}

const loose = (p: EngineParams): EngineParams => ({ ...DEFAULT_ENGINE_PARAMS, ...p, turnoverBps: 10_000 });

export function shapes(): Shape[] {
  const file = JSON.parse(readFileSync(new URL("./instance.json", import.meta.url), "utf8"));
  const out: Shape[] = [
    { name: "instance", snapshot: snapshotFromJson(file.snapshot), avsData: file.avsData as AvsData, params: loose(file.params) },
  ];
  // Few big AVSs: 4 operator sets shared by 40 operators.
  const few = generate({ seed: 21, operators: 40, operatorSets: 4, strategies: 2, setsPerOperator: 2 });
  out.push({ name: "fewBigAvs", ...few, params: loose(few.params) });
  // Many small AVSs: 40 sets, 5 per operator.
  const many = generate({ seed: 22, operators: 40, operatorSets: 40, strategies: 2, setsPerOperator: 5 });
  out.push({ name: "manySmallAvs", ...many, params: loose(many.params) });
  // One high-yield risky AVS: 30% APR, a 20%/yr chance of a 50% slash, robust.
  const risky = generate({ seed: 23, operators: 40, operatorSets: 12, strategies: 2 });
  risky.avsData.operatorSets[0] = { ...risky.avsData.operatorSets[0]!, rewardApr: 0.3, slashingProbability: 0.2, slashingSeverity: 0.5, profitFromCorruptionEth: 1 };
  out.push({ name: "riskyHighYield", ...risky, params: loose(risky.params) });
  // A correlated cluster: half the sets share one tag.
  const cl = generate({ seed: 24, operators: 40, operatorSets: 12, strategies: 2 });
  cl.avsData.operatorSets.forEach((s, k) => {
    if (k % 2 === 0) s.clusters = ["bridge"];
  });
  out.push({ name: "correlatedCluster", ...cl, params: loose(cl.params) });
  return out;
}
