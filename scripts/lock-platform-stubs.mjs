#!/usr/bin/env node
// The npm registry this project installs from may lack some platform builds of optional dependencies
// (e.g. @foundry-rs/forge-darwin-amd64, @rollup/rollup-android-arm64). `npm install` then leaves them out of
// package-lock.json and `npm ci` refuses the lock ("Missing: X from lock file"). This adds the entries npm
// would have written: version, `optional`, and the os/cpu/libc that make npm skip them on other platforms.
// Run after `npm install` changes the lock: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const pk = lock.packages;
const OS = ["darwin", "win32", "linux", "android", "freebsd", "openbsd", "openharmony"];
const CPU = [["amd64", "x64"], ["x64", "x64"], ["arm64", "arm64"], ["arm", "arm"], ["ia32", "ia32"], ["loong64", "loong64"], ["ppc64", "ppc64"], ["riscv64", "riscv64"], ["s390x", "s390x"]];

let added = 0;
for (const meta of Object.values(pk)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pk[key]) continue;
    const n = dep.split("/").pop();
    const os = OS.find((o) => n.includes(`-${o}-`));
    const cpu = CPU.find(([c]) => n.includes(`-${c}`))?.[1];
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${dep}: add its lock entry by hand`);
    const entry = { version, optional: true, cpu: [cpu], os: [os] };
    if (n.includes("musl")) entry.libc = ["musl"];
    else if (os === "linux" && n.includes("gnu")) entry.libc = ["glibc"];
    pk[key] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(`lock: added ${added} platform entries`);
