// The web app's first and repeat visit on a phone (issue 13), and a Lighthouse-style check of the
// page. Chromium (Debian's) emulates a 4G phone: 9 Mbit/s down, 60 ms round trip, 390×844. Each
// run is a fresh browser profile (empty cache, no service worker) that opens Recent and waits
// until the first thumbnail has really decoded; we count the bytes that came over the wire until
// then (headers included, as DevTools' "transferred") and the time since navigation. Then the
// same profile opens Recent again (the repeat visit): the bytes until the first photo again.
// DevTools' counters of the page do not see what the service worker itself fetches, so the browser
// talks to the server through a counting proxy on loopback, and the repeat visit's figure is
// everything the server sent from the navigation to the first photo (the worker's fetches too).
// Prints markdown, each figure beside its goal.
//
// Usage: node bench/web.mjs <photoshare binary> <dist dir>     (scripts/bench.sh web)
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bin, dist] = process.argv.slice(2);
if (!bin || !dist) {
  console.error('usage: node bench/web.mjs <photoshare binary> <dist dir>');
  process.exit(2);
}
const port = 3191; // the proxy the browser talks to
const serverPort = 3192;
const base = `http://127.0.0.1:${port}`;
const RUNS = Number(process.env.PHOTOSHARE_BENCH_WEB_RUNS ?? 7);
const PHONE_4G = { offline: false, latency: 60, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 };
const GOALS = { coldBytes: 300_000, coldMs: 600, repeatBytes: 10_000 };

const dataDir = mkdtempSync(join(tmpdir(), 'photoshare-web-bench-'));
const server = spawn(bin, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${serverPort}`, '--dist', dist, '--demo', 'true'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PHOTOSHARE_LOG: 'error' },
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);
// Bounded: the whole run stops by itself.
setTimeout(() => { console.error('web bench: out of time'); process.exit(1); }, 10 * 60_000).unref();

/** Bytes the server has sent to the browser, on every connection (headers included). */
let sent = 0;
const proxy = createServer((client) => {
  const upstream = connect(serverPort, '127.0.0.1');
  upstream.on('data', (chunk) => { sent += chunk.length; });
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
await new Promise((resolve) => proxy.listen(port, '127.0.0.1', resolve));

async function waitForServer() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

/** Counts the bytes each request has brought so far (DevTools' encoded length, headers too). */
function meter(cdp) {
  const sizes = new Map();
  const urls = new Map();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.dataReceived', (e) => sizes.set(e.requestId, (sizes.get(e.requestId) ?? 0) + e.encodedDataLength));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  return {
    total: () => [...sizes.values()].reduce((a, b) => a + b, 0),
    byType: () => {
      const out = {};
      for (const [id, n] of sizes) {
        const path = new URL(urls.get(id) ?? base).pathname;
        const kind = path.endsWith('.wasm') ? 'wasm' : path.endsWith('.js') ? 'js' : path.endsWith('.css') ? 'css'
          : path.startsWith('/media/') ? 'images' : path.startsWith('/api/') ? 'data' : 'html';
        out[kind] = (out[kind] ?? 0) + n;
      }
      return out;
    },
    reset: () => sizes.clear(),
  };
}

/** Opens Recent and waits for the first decoded photo: [ms since navigation, bytes by then]. */
async function firstPhoto(page, m) {
  m.reset();
  const sentBefore = sent;
  await page.goto(base + '/', { waitUntil: 'commit' });
  // A photo the server wrote into the page (#first-paint) or one the app drew: the first the
  // reader sees.
  await page.waitForFunction(() => [...document.querySelectorAll('#first-paint img, [data-testid="photo-grid"] li img')]
    .some((img) => img.complete && img.naturalWidth > 0), null, { timeout: 60_000, polling: 10 });
  const bytes = m.total();
  const byType = m.byType();
  const ms = await page.evaluate(() => performance.now());
  return { ms, bytes, byType, serverBytes: sent - sentBefore };
}

await waitForServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
// One visit to warm the server's own caches (thumbnails, SQLite pages), not the browser's.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await firstPhoto(page, meter(await context.newCDPSession(page)));
  await context.close();
}

const cold = [];
const repeat = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', PHONE_4G);
  const m = meter(cdp);
  cold.push(await firstPhoto(page, m));
  // The service worker installs and takes the page while the user looks at it.
  await page
    .waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 10_000 })
    .catch(() => console.error('web bench: the service worker did not take the page in 10 s'));
  await page.waitForTimeout(1000);
  repeat.push(await firstPhoto(page, m));
  await context.close();
}

const row = (name, xs, key, goal, fmt) => {
  const med = median(xs.map((x) => x[key]));
  const worst = Math.max(...xs.map((x) => x[key]));
  console.log(`| ${name} | ${fmt(med)} | ${fmt(worst)} | ${fmt(goal)} | ${med <= goal ? 'yes' : '**no**'} |`);
};
console.log(`First and repeat visit of Recent (demo data), ${RUNS} runs, Chromium emulating a 4G phone (9 Mbit/s, 60 ms RTT, 390×844):\n`);
console.log('| measure | median | worst | goal | met |');
console.log('| --- | --- | --- | --- | --- |');
row('first visit: bytes before the first photo', cold, 'bytes', GOALS.coldBytes, kb);
row('first visit: time to the first decoded photo', cold, 'ms', GOALS.coldMs, (n) => `${n.toFixed(0)} ms`);
row('repeat visit: bytes the server sent before the first photo (the worker\'s fetches too)', repeat, 'serverBytes', GOALS.repeatBytes, kb);
row('repeat visit: bytes the page fetched over the network before the first photo', repeat, 'bytes', GOALS.repeatBytes, kb);
row('repeat visit: time to the first decoded photo', repeat, 'ms', Infinity, (n) => (n === Infinity ? '—' : `${n.toFixed(0)} ms`));
const parts = cold[Math.floor(cold.length / 2)].byType;
console.log(`\nFirst visit by kind (one run): ${Object.entries(parts).map(([k, n]) => `${k} ${kb(n)}`).join(', ')}.`);
const rparts = repeat[Math.floor(repeat.length / 2)].byType;
console.log(`Repeat visit by kind (one run): ${Object.entries(rparts).map(([k, n]) => `${k} ${kb(n)}`).join(', ') || 'nothing'}.`);

// The Lighthouse-style checks, in light and dark.
console.log('\n| check (Recent, 390×844) | light | dark |');
console.log('| --- | --- | --- |');
const results = {};
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(base + '/');
  await page.waitForFunction(() => document.querySelector('[data-testid="photo-grid"] li img')?.complete);
  results[scheme] = await page.evaluate(audit);
  await context.close();
}
for (const name of Object.keys(results.light)) {
  const cell = (r) => (r.length === 0 ? 'pass' : `**fail**: ${r.slice(0, 3).join('; ')}`);
  console.log(`| ${name} | ${cell(results.light[name])} | ${cell(results.dark[name])} |`);
}
await browser.close();
proxy.close();
stop();
process.exit(0);

/** Runs in the page: what is wrong, per check (an empty list passes). */
function audit() {
  const out = {};
  const vp = document.querySelector('meta[name="viewport"]');
  out['`<meta name=viewport>` with width=device-width'] = vp && /width=device-width/.test(vp.content) ? [] : ['missing'];
  out['`<html lang>`'] = document.documentElement.lang ? [] : ['missing'];
  out['document title'] = document.title.trim() ? [] : ['empty'];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const named = (el) => {
    if (el.getAttribute('aria-label')?.trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent.trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if (el.title?.trim()) return true;
    return false;
  };
  out['images have alt text'] = [...document.images].filter((i) => !i.hasAttribute('alt') && i.getAttribute('aria-hidden') !== 'true').map((i) => i.src.slice(-30));
  out['form fields have labels'] = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 60));
  out['buttons and links have names'] = [...document.querySelectorAll('button, a[href]')].filter(visible)
    .filter((el) => !el.textContent.trim() && !named(el) && !el.querySelector('img[alt]:not([alt=""])')).map((el) => el.outerHTML.slice(0, 60));
  // Contrast (WCAG AA): every visible piece of text against the background it is drawn on.
  const rgb = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none' && e.tagName !== 'HTML' && e.tagName !== 'BODY') return null; // an image: unknown
      const c = rgb(s.backgroundColor);
      if (c && c.a >= 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !visible(el) || el.closest('[aria-hidden="true"]')) continue;
    const s = getComputedStyle(el);
    const fg = rgb(s.color);
    const bg = background(el);
    if (!fg || !bg) continue;
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) low.push(`"${n.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
  }
  out['text contrast ≥ 4.5:1 (3:1 large)'] = [...new Set(low)];
  return out;
}
