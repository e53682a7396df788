import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The real server, really started: the release binary with a fresh data dir (SQLite + embedded
// S3), serving the Trunk-built front end. scripts/test.sh builds both and sets these variables.
const root = path.resolve(__dirname, '..');
const port = Number(process.env.PHOTOSHARE_E2E_PORT ?? 3100);
const bin = process.env.PHOTOSHARE_BIN ?? path.join(root, 'target/release/photoshare');
const dist = process.env.PHOTOSHARE_DIST ?? path.join(root, 'dist');
const dataDir = process.env.PHOTOSHARE_E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'photoshare-e2e-'));
// Tests that use the CLI on the same data (e.g. `admin create`) find it here.
process.env.PHOTOSHARE_E2E_DATA_DIR = dataDir;
process.env.PHOTOSHARE_BIN = bin;
process.env.PHOTOSHARE_DIST = dist;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // Every test signs up from 127.0.0.1: more sign-ups than one address may make by default.
    command: `"${bin}" --data-dir "${dataDir}" serve --listen 127.0.0.1:${port} --dist "${dist}" --demo false --limit-signups 1000`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
