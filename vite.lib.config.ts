/**
 * The embeddable elements library: `vite build -c vite.lib.config.ts` → `dist-lib/llmos-elements.js`,
 * one ES module that a page loads with one script tag (it defines the elements and exports the APIs),
 * and `dist-lib/webllm.js`, the WebLLM drop-in (`llm-os/webllm`).
 * The engine worker, the engines and their wasm are separate files under `dist-lib/`, fetched only
 * when a model runs, by URLs relative to the module (so the folder can be served from anywhere).
 *
 * Not Vite's `build.lib` mode: it inlines every asset, which would put wllama's 10 MB of wasm into the
 * worker as base64. A plain build with a JS entry keeps assets as files and the entry's exports.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // No app plugins: library code registers no service worker and generates no fixtures.
  plugins: [],
  publicDir: false,
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2023',
    outDir: 'dist-lib',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: false,
    copyPublicDir: false,
    rollupOptions: {
      // `webllm.js`: the WebLLM drop-in (`llm-os/webllm`, docs/webllm.md) for pages that load it by URL. It
      // shares its chunks with the elements, so a page loading both has one shared kernel.
      input: { 'llmos-elements': 'src/embed/elements.ts', webllm: 'src/api/webllm/index.ts' },
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
