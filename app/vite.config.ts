// Vite build of the web app: a static SPA in app/dist, served by `trellis app`.
import { defineConfig, type Plugin } from "vite";

/** The app never deploys contracts: drop the creation bytecode from the generated ABI modules. */
function dropBytecode(): Plugin {
  return {
    name: "trellis-drop-bytecode",
    transform(code, id) {
      if (!/[\\/]src[\\/]abi[\\/]generated[\\/]/.test(id)) return null;
      return { code: code.replace(/(export const \w+Bytecode = )"0x[0-9a-fA-F]*"/g, '$1"0x"'), map: null };
    },
  };
}

export default defineConfig({
  root: __dirname,
  base: "./",
  plugins: [dropBytecode()],
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    rollupOptions: {
      // wagmi and react-query mark modules "use client" for server components; a static SPA ignores it.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  logLevel: "warn",
});
