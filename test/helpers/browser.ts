// A headless Chromium for the app's end-to-end tests and benchmark: the system's browser (Debian's
// `chromium` package, or CHROMIUM_PATH), driven by playwright-core. No browser is ever downloaded.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/usr/bin/google-chrome"];

/** The browser's path, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH?.trim();
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export const NO_CHROMIUM =
  "no Chromium found (set CHROMIUM_PATH, or install Debian's package: apt-get install -y chromium); the app's browser tests are skipped";

export async function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI and this machine run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}
