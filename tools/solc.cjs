#!/usr/bin/env node
// solc CLI stand-in for forge: wraps the solcjs npm package (pinned 0.8.30) so forge
// never downloads a compiler. Supports `--version` and `--standard-json` (stdin).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);

if (args.includes("--version") || args.includes("-v")) {
  // forge parses the second line: "Version: 0.8.30+commit.73712a01.Emscripten.clang"
  const full = solc.version();
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${full.replace(".Emscripten.clang", ".Linux.g++")}\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("tools/solc.cjs: only --version and --standard-json are supported\n");
  process.exit(1);
}

const projectRoot = path.resolve(__dirname, "..");
const roots = [process.cwd(), projectRoot];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if ((a === "--base-path" || a === "--include-path") && args[i + 1]) roots.push(path.resolve(args[++i]));
  else if (a.startsWith("--base-path=") || a.startsWith("--include-path=")) roots.push(path.resolve(a.split("=")[1]));
}

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
  for (const file of candidates) {
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return { contents: fs.readFileSync(file, "utf8") };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
}

const input = fs.readFileSync(0, "utf8");
const output = solc.compile(input, { import: findImports });
process.stdout.write(output);
