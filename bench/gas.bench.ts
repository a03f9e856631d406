// Gas figures from forge on the devnet contracts: runs test/bench/GasBench.t.sol with --isolate (each call a
// transaction of its own, cold storage, 21,000 intrinsic gas included) and relays its JSON lines.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../src/devnet/anvil.js";

const out = execFileSync(
  join(projectRoot, "node_modules", ".bin", "forge"),
  ["test", "--isolate", "--match-path", "test/bench/GasBench.t.sol", "-vv"],
  { cwd: projectRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] },
);
const figures = new Map<string, string>();
for (const line of out.split("\n")) {
  const t = line.trim();
  if (!t.startsWith('{"name":')) continue;
  const parsed = JSON.parse(t) as { name: string; value: number; unit: string };
  figures.set(parsed.name, JSON.stringify(parsed));
}
if (figures.size === 0) {
  console.error(out);
  throw new Error("GasBench printed no figures");
}
for (const line of figures.values()) console.log(line);
