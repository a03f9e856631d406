import { afterAll, beforeAll } from "vitest";
import { startAnvil, type Anvil } from "../../src/devnet/anvil.js";

/**
 * Starts a fresh anvil for the calling test file (each file runs in its own worker process) and stops it
 * after the file, whether its tests passed or failed. Use inside a test file: `const chain = useAnvil();`.
 */
export function useAnvil(): { readonly rpcUrl: string; readonly anvil: Anvil } {
  let anvil: Anvil | undefined;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => {
    await anvil?.stop();
  });
  return {
    get rpcUrl() {
      if (!anvil) throw new Error("anvil not started yet: read rpcUrl inside a test or hook");
      return anvil.rpcUrl;
    },
    get anvil() {
      if (!anvil) throw new Error("anvil not started yet");
      return anvil;
    },
  };
}
