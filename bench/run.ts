// `npm run bench`: runs every bench/*.bench.ts in turn. Each prints one JSON line per figure:
// {"name": "...", "value": 123, "unit": "gas" | "ms" | ...}. Anything else goes to stderr.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only))).sort();
let failed = 0;
for (const file of files) {
  const res = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: "inherit" });
  if (res.status !== 0) {
    failed++;
    console.error(`bench ${file} failed with exit code ${res.status}`);
  }
}
process.exit(failed ? 1 : 0);
