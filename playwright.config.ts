/**
 * Playwright e2e against the *built* app (`npm test` runs `vite build` first): `vite preview` serves
 * `dist/` with COOP/COEP and the fixture models, and headless Debian Chromium runs the specs in
 * `test/e2e/*.spec.ts` with the same flags as the Vitest browser tests.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './vite.config.ts';

const PORT = 4173;

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
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
