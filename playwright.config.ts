/**
 * Browser tests against the built app (`npm run build` first): one real server on a fixed port
 * with a fresh data directory per run, and Debian's Chromium (this machine cannot download one).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two runs (say, CI and a developer's) share one machine.
const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;
// The support widget's tests embed it in pages of a second server, another origin (a customer's
// site). Workers read its address from the environment (tests/e2e/widget-support.ts).
const HOST_PORT = Number(process.env.E2E_HOST_PORT ?? PORT + 1);
process.env.SWITCHBOARD_E2E_HOST_URL = `http://127.0.0.1:${HOST_PORT}`;

// The config is evaluated again in every worker; the data directory is made once, by the runner,
// and handed to the workers (and the teardown) through the environment.
let dataDir = process.env.SWITCHBOARD_E2E_DATA_DIR;
if (!dataDir) {
  removeAbandonedDataDirs();
  dataDir = resolve('.tmp', `e2e-data-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  process.env.SWITCHBOARD_E2E_DATA_DIR = dataDir;
}

/** Data directories of earlier runs whose runner is gone (killed before its teardown ran). */
function removeAbandonedDataDirs(): void {
  let names: string[];
  try {
    names = readdirSync('.tmp');
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^e2e-data-(\d+)$/.exec(name)?.[1]);
    if (!pid || isRunning(pid)) continue;
    rmSync(resolve('.tmp', name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-artifacts',
  // After the web server starts: registers the run's admin, the first account (tests/e2e/admin.ts).
  globalSetup: './tests/e2e/global-setup.ts',
  globalTeardown: './tests/e2e/global-teardown.ts',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: 'node dist/server/main.js',
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 20_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        PORT: String(PORT),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        // The history test seeds 120 messages from one account; the default burst of 20 would
        // make it wait out the rate limiter for almost two minutes.
        RATE_BURST: '500',
        // Every spec signs up and starts widget visitors from 127.0.0.1.
        SIGNUP_RATE_BURST: '100000',
        LOGIN_RATE_BURST: '100000',
        VISITOR_RATE_BURST: '100000',
      },
    },
    {
      command: 'node tests/e2e/host-server.mjs',
      url: `http://127.0.0.1:${HOST_PORT}/health`,
      reuseExistingServer: false,
      timeout: 10_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { HOST_PORT: String(HOST_PORT), SWITCHBOARD_ORIGIN: baseURL },
    },
  ],
});
