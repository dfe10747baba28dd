// Browser tests (web/e2e/<area>/*.spec.ts): Debian's Chromium against a real cluster that the
// worker fixture (web/e2e/fixtures.ts) starts on free ports. One worker: the cluster's dozen
// processes already share two cores. The JSON report is what `npm test` counts; Playwright's
// own last line says "N passed" even when some failed.
import { defineConfig } from '@playwright/test';

export const e2eResultsFile = 'test-results/e2e-results.json';

export default defineConfig({
  testDir: 'web/e2e',
  globalSetup: './web/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['json', { outputFile: e2eResultsFile }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
