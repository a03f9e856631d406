#!/usr/bin/env node
// Runs the TypeScript CLI (src/cli/index.ts) through tsx, so no build step is needed.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/index.ts");
