/**
 * Playwright e2e against the *built* app (`npm test` runs `vite build` first): `vite preview` serves
 * `dist/` with COOP/COEP and the fixture models, and headless Debian Chromium runs the specs in
 * `test/e2e/*.spec.ts` with the same flags as the Vitest browser tests.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './vite.config.ts';

const PORT = 4173;
const DEV_PORT = 5183;
/** Specs run against the dev server rather than the built app. */
const DEV_SPECS = ['**/storage.spec.ts', '**/*.dev.spec.ts'];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // Two shared cores: one worker, and no retries that would hide a flaky test.
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['./test/e2e/reliability-reporter.ts']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    // The built app, served by `vite preview`.
    { name: 'app', testIgnore: DEV_SPECS, use: { browserName: 'chromium' } },
    // Specs that drive test pages outside the built app (test/pages/), served by the Vite dev server.
    { name: 'dev', testMatch: DEV_SPECS, use: { browserName: 'chromium', baseURL: `http://127.0.0.1:${DEV_PORT}` } },
  ],
  webServer: [
    // The remote test server manager (test/remote-server/manager.ts): starts OpenAI-compatible test servers on request.
    {
      command: 'npx tsx test/remote-server/manager.ts',
      url: 'http://127.0.0.1:4191/list',
      reuseExistingServer: true,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://127.0.0.1:${PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `LLMOS_STATIC=1 npx vite --port ${DEV_PORT} --strictPort`,
      url: `http://127.0.0.1:${DEV_PORT}/test/pages/storage.html`,
      reuseExistingServer: false,
      timeout: 90_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
