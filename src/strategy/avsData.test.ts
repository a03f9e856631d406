import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAvsData } from "./avsData.js";
import { AvsDataError } from "./errors.js";

const example = readFileSync(new URL("../../bench/avs-data.example.json", import.meta.url), "utf8");

function issuesOf(input: unknown) {
  try {
    parseAvsData(input);
  } catch (e) {
    expect(e).toBeInstanceOf(AvsDataError);
    return (e as AvsDataError).issues;
  }
  throw new Error("expected AvsDataError");
}

describe("parseAvsData", () => {
  it("accepts the example file, sorted, addresses lower-case", () => {
    const data = parseAvsData(example);
    expect(data.operatorSets).toHaveLength(5);
    const keys = data.operatorSets.map((s) => `${s.avs}/${s.operatorSetId}`);
    expect(keys).toEqual([...keys].sort());
    expect(data.operatorSets.every((s) => s.avs === s.avs.toLowerCase())).toBe(true);
  });

  it("names the field path and the reason of a bad value", () => {
    const json = JSON.parse(example);
    json.operatorSets[2].corruptionThreshold = 1.5;
    json.operatorSets[0].slashingProbability = -0.1;
    const issues = issuesOf(json);
    expect(issues).toContainEqual({ path: "operatorSets.2.corruptionThreshold", reason: "must be <= 1" });
    expect(issues).toContainEqual({ path: "operatorSets.0.slashingProbability", reason: "must be >= 0" });
  });

  it("refuses a bad address, a missing field, an unknown field, a duplicate set, bad JSON", () => {
    const json = JSON.parse(example);
    json.operatorSets[1].avs = "0x1234";
    delete json.operatorSets[3].profitFromCorruptionEth;
    json.operatorSets[4].rewardAPR = 0.1;
    const issues = issuesOf(json);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain("operatorSets.1.avs");
    expect(paths).toContain("operatorSets.3.profitFromCorruptionEth");
    expect(paths).toContain("operatorSets.4");
    expect(issues.find((i) => i.path === "operatorSets.4")?.reason).toMatch(/rewardAPR/);
    const dup = JSON.parse(example);
    dup.operatorSets.push({ ...dup.operatorSets[0] });
    expect(issuesOf(dup)).toEqual([
      {
        path: "operatorSets.5.operatorSetId",
        reason: "duplicate operator set 0x870679e138bcdf293b7ff14dd44b70fc97e12fc0/0 (first at operatorSets.0)",
      },
    ]);
    expect(issuesOf("{not json")[0]!.reason).toMatch(/not JSON/);
    expect(() => parseAvsData({ version: 2, operatorSets: [] })).toThrow(/version/);
  });

  it("error message lists every issue", () => {
    const json = JSON.parse(example);
    json.operatorSets[0].corruptionThreshold = 0;
    expect(() => parseAvsData(json)).toThrow(/operatorSets\.0\.corruptionThreshold: must be > 0/);
  });
});
