// `npm start` (trellis demo): the keeper stakes in its first cycle. The demo plans with the devnet network's
// engine settings; with the engine's defaults (priors for real AVSs) its toy AVSs get no stake at all, and the
// demo would show nothing restaked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/demo.js";

describe("npm start demo", { timeout: 300_000 }, () => {
  it("restakes from its first keeper cycle and ends with exposure to the AVSs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trellis-demo-"));
    const lines: string[] = [];
    try {
      await runDemo({ weeks: 1, reportDir: dir, write: (l) => lines.push(...l.split("\n")) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const first = lines.find((l) => l.includes("keeper week 0:"));
    expect(first, lines.join("\n")).toMatch(/allocate \d+/);
    const total = lines.find((l) => l.startsWith("keeper actions in total:"));
    expect(total).toMatch(/allocate [1-9]/);
  });
});
