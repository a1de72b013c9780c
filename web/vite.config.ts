// The playground's build: `npm run build:web` writes static files to dist/web, `npm run web` serves
// them. The page imports the same kernel, machine, Microkit and user libraries as the CLI (src/);
// the examples (SDFs, TypeScript PDs, prebuilt C ELFs) are bundled from examples/.

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4000,
    assetsInlineLimit: 0,
  },
  worker: { format: "es" },
  server: { fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  preview: { port: 4173, strictPort: false },
});
