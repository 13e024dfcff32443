/// <reference types="vitest/config" />
import { build, defineConfig, type Plugin } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { VitePWA, type ManifestOptions } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, fixturePlugin } from './test/fixture-server.ts';
import { COMMON_SECURITY_HEADERS, securityHeaders } from './src/api/v1/security-headers.ts';
import { examplesPlugin } from './examples/examples-plugin.ts';
import webManifest from './src/desktop/web-manifest.json' with { type: 'json' };

/** Chromium flags measured on the project machines (docs/architecture.md, "Measured on these machines"): headless WebGPU on SwiftShader, no background network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--js-flags=--expose-gc',
];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const headers = { ...ISOLATION_HEADERS };

/**
 * The app's security headers (CSP, COOP/COEP, nosniff, Referrer-Policy: src/api/v1/security-headers.ts) on
 * every response of the dev and preview servers, set before any other middleware answers. Test data and
 * test pages (`/fixtures/`, `/test/`) get all but the CSP: tests open them as neutral pages of an origin
 * (e.g. to frame the bridge from another site). Not under Vitest, whose own runner pages use inline scripts.
 * `LLMOS_CONNECT_ORIGINS` (comma-separated `http(s)://host[:port]`, read per request): origins of remote
 * servers to add to `connect-src`, as the service worker does for the servers a user added — for an
 * `http:` server (a local Ollama, bench/remote's servers) before a service worker controls the page.
 */
function securityHeadersPlugin(): Plugin {
  const use = (server: { middlewares: { use(fn: (req: { url?: string }, res: { setHeader(k: string, v: string): void }, next: () => void) => void): void } }) => {
    server.middlewares.use((req, res, next) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const test = path.startsWith('/fixtures/') || path.startsWith('/test/');
      const origins = (process.env.LLMOS_CONNECT_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      for (const [k, v] of Object.entries(test ? COMMON_SECURITY_HEADERS : securityHeaders(path, origins))) res.setHeader(k, v);
      next();
    });
  };
  return { name: 'llmos-security-headers', configureServer: use, configurePreviewServer: use, apply: () => !process.env.VITEST };
}

/**
 * The service worker (workers/sw.ts): Workbox precaching of the app shell with the manifest injected
 * at build time, plus the /v1 endpoint relay. Web manifest, icons and the update prompt are added to
 * these same options by the desktop/PWA work.
 */
const pwa = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'workers',
  filename: 'sw.ts',
  injectRegister: false,
  // The web app manifest and its icons (public/icons, drawn by scripts/make-icons.mjs): installable.
  manifest: webManifest as Partial<ManifestOptions>,
  includeAssets: ['favicon.svg', 'icons/*.png'],
  injectManifest: {
    rollupFormat: 'iife',
    globPatterns: ['**/*.{js,css,html,wasm,svg,png,ico,webmanifest}'],
    // The engine chunks and wllama's wasm are part of the shell: the app must start offline.
    maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
  },
  devOptions: { enabled: false },
});

/** After the app build, build the embeddable elements library too (vite.lib.config.ts → dist-lib/). */
function elementsLibrary(): Plugin {
  return {
    name: 'llmos-elements-library',
    apply: 'build',
    closeBundle: { sequential: true, order: 'post', handler: async () => { await build({ configFile: 'vite.lib.config.ts', logLevel: 'warn' }); } },
  };
}

export default defineConfig({
  plugins: [securityHeadersPlugin(), fixturePlugin(), examplesPlugin(), pwa, elementsLibrary()],
  server: {
    headers,
    host: '127.0.0.1',
    // LLMOS_STATIC=1 (e2e and benchmark servers): no file watching, no reloads while a test drives a page.
    ...(process.env.LLMOS_STATIC ? { watch: null, hmr: false } : {}),
  },
  preview: { headers, host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['@wllama/wllama', '@mlc-ai/web-llm'],
    // Pre-bundled up front: otherwise Vite discovers them mid-run and reloads the test page.
    include: [
      'lit', 'comlink', 'idb', 'marked', 'dompurify', '@cfworker/json-schema', '@huggingface/jinja', 'graphology', 'graphology-gexf/browser',
      'graphology-layout-forceatlas2', 'graphology-layout-forceatlas2/worker',
    ],
  },
  build: {
    target: 'es2023',
    rollupOptions: { input: { main: 'index.html', bridge: 'bridge.html' } }, // bridge.html: the cross-origin bridge frame
  },
  test: {
    reporters: ['default', './test/faults/reliability-reporter.ts'],
    // The remote test server manager on 127.0.0.1:4191 (test/remote-server/manager.ts), for both projects.
    globalSetup: ['./test/remote-server/vitest-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'workers/**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', 'test/e2e/**', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
