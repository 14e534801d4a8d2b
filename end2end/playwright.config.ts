import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The release server with a fresh embedded store (demo catalog seeded on first start).
const port = Number(process.env.E2E_PORT ?? 3100);
const repo = resolve(__dirname, '..');
const server = process.env.SERVER_BIN ?? join(repo, 'target/release/server');
const dataDir = mkdtempSync(join(tmpdir(), 'cloudmart-e2e-'));

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: 'list',
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, testIgnore: /mobile-.*\.spec\.ts/ },
    { name: 'mobile', use: { ...devices['Pixel 7'] }, testMatch: /mobile-.*\.spec\.ts/ },
  ],
  webServer: {
    command: server,
    cwd: repo,
    url: `http://127.0.0.1:${port}/health/ready`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CLOUDMART_ADDR: `127.0.0.1:${port}`,
      CLOUDMART_DATA_DIR: dataDir,
      CLOUDMART_LOG: 'warn',
      // Every journey writes from 127.0.0.1, two at a time: far more writes a minute from one
      // address than a shopper makes. The limit itself is tested in server/tests.
      CLOUDMART_RATE_LIMIT: '100000',
      LEPTOS_SITE_ROOT: join(repo, 'target/site'),
    },
  },
});
