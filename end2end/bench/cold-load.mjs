// Time to the first photo on a cold load: a fresh Chromium profile (empty cache) opens Recent and
// we wait until the first thumbnail has really decoded. Measured on loopback and with Chromium
// emulating a phone on 4G (DevTools network throttling), 5 runs each, median and worst printed.
// Also prints the bytes sent over the wire for the wasm (compressed, as served).
//
// Usage: node bench/cold-load.mjs <photoshare binary> <dist dir>   (scripts/bench.sh cold-load)
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bin, dist] = process.argv.slice(2);
const port = 3190;
const base = `http://127.0.0.1:${port}`;
const RUNS = 5;
const profiles = {
  loopback: null,
  '4G phone (9 Mbit/s, 60 ms RTT)': { offline: false, latency: 60, downloadThroughput: (9e6 / 8), uploadThroughput: (1.5e6 / 8) },
};

const dataDir = mkdtempSync(join(tmpdir(), 'photoshare-coldload-'));
const server = spawn(bin, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`, '--dist', dist, '--demo', 'true'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PHOTOSHARE_LOG: 'error' },
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await waitForServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
console.log('| network | runs | first photo, median | worst | wasm on the wire |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, conditions] of Object.entries(profiles)) {
  const times = [];
  let wasmBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
    const wasm = new Map();
    cdp.on('Network.responseReceived', (e) => {
      if (e.response.url.endsWith('.wasm')) wasm.set(e.requestId, 0);
    });
    cdp.on('Network.loadingFinished', (e) => {
      if (wasm.has(e.requestId)) wasm.set(e.requestId, e.encodedDataLength);
    });
    await page.goto(base + '/', { waitUntil: 'commit' });
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="photo-grid"] li img');
      return img && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 60_000, polling: 10 });
    const ms = await page.evaluate(() => performance.now());
    times.push(ms);
    wasmBytes = [...wasm.values()].reduce((a, b) => a + b, 0);
    await context.close();
  }
  console.log(`| ${name} | ${RUNS} | ${median(times).toFixed(0)} ms | ${Math.max(...times).toFixed(0)} ms | ${(wasmBytes / 1000).toFixed(0)} kB |`);
}
await browser.close();
stop();
