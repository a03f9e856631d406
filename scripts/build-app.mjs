#!/usr/bin/env node
// Builds the web app (app/ -> app/dist) after `scripts/build.mjs` wrote the ABIs it imports:
// type-checks it (its own tsconfig: DOM, JSX), then bundles it with Vite.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "app", "tsconfig.json")], { cwd: root, stdio: "inherit" });
const { build } = await import("vite");
await build({ configFile: join(root, "app", "vite.config.ts") });
console.log(`app: built app/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
