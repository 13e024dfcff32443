/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { ISOLATION_HEADERS, fixturePlugin } from './test/fixture-server.ts';

/** Chromium flags measured in shared/ENVIRONMENT.md: headless WebGPU on SwiftShader, no background network. */
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

export default defineConfig({
  plugins: [fixturePlugin()],
  server: { headers, host: '127.0.0.1' },
  preview: { headers, host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@wllama/wllama', '@mlc-ai/web-llm'] },
  build: {
    target: 'es2023',
    rollupOptions: { input: { main: 'index.html' } },
  },
  test: {
    reporters: ['default', './test/faults/reliability-reporter.ts'],
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
