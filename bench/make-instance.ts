// Writes bench/instance.json: the committed benchmark instance (a seeded random snapshot, its AVS
// data and engine params). `npx tsx bench/make-instance.ts` rewrites it identically.
import { writeFileSync } from "node:fs";
import { generate } from "../src/strategy/generate.js";
import { snapshotToJson } from "../src/strategy/snapshotJson.js";

const { snapshot, avsData, params } = generate({ seed: 11, operators: 40, operatorSets: 12, strategies: 4 });
const out = {
  description: "Benchmark instance: 40 operators, 12 operator sets, 4 strategies (generate seed 11).",
  snapshot: JSON.parse(snapshotToJson(snapshot)),
  avsData,
  params: { ...params, turnoverBps: 10_000 },
};
writeFileSync(new URL("./instance.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
