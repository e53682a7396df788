import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snap } from './helpers';
import { makePng } from './images';

// The outage drill, in the browser, against real processes: an S3 server (`photoshare s3-server`)
// that the test stops and starts, and an app node using it, with demo data (icons, popular photos,
// favorites). Its own ports, so the suite's main server is not involved.
const S3_PORT = Number(process.env.PHOTOSHARE_E2E_DRILL_PORT ?? 3190);
const APP_PORT = S3_PORT + 1;
const APP = `http://127.0.0.1:${APP_PORT}`;
const KEYS = { AWS_ACCESS_KEY_ID: 'drill', AWS_SECRET_ACCESS_KEY: 'drill-secret-123' };

/** Starts `photoshare …args` and resolves with the process and its stdout once `ready` is printed. */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ proc: ChildProcess; out: () => string }> {
  const proc = spawn(process.env.PHOTOSHARE_BIN!, args, {
    env: { ...process.env, PHOTOSHARE_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s: ${out}\n${err}`)), 60_000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ proc, out: () => out });
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}\n${err}`)));
  });
}

function stop(proc: ChildProcess | undefined) {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
}

/** Every image on the page is really drawn: loaded, with a width (no broken images). */
async function expectNoBrokenImages(page: Page, atLeast: number) {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const imgs = Array.from(document.images);
          return { total: imgs.length, broken: imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src) };
        }),
      { timeout: 20_000 },
    )
    .toEqual({ total: expect.any(Number), broken: [] });
  expect(await page.evaluate(() => document.images.length)).toBeGreaterThanOrEqual(atLeast);
}

test('the outage drill: S3 stops, the site keeps working and says so, S3 returns and the backlog drains', async ({ browser }, info) => {
  test.setTimeout(240_000);
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photoshare-drill-s3-'));
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'photoshare-drill-app-'));
  const s3Args = ['--data-dir', s3Dir, 's3-server', '--listen', `127.0.0.1:${S3_PORT}`];
  let s3: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  try {
    s3 = (await start(s3Args, KEYS, /S3 server at/)).proc;
    const started = await start(
      ['--data-dir', appDir, 'serve', '--listen', `127.0.0.1:${APP_PORT}`, '--dist', process.env.PHOTOSHARE_DIST!, '--demo', 'true'],
      { ...KEYS, AWS_ENDPOINT_URL: `http://127.0.0.1:${S3_PORT}`, PHOTOSHARE_S3_TIMEOUT_SECS: '2' },
      /running at/,
    );
    app = started.proc;
    const [, adminHandle, adminPassword] = started.out().match(/admin:\s+(\S+) \/ (\S+)/)!;
    const demoUsers = started.out().match(/demo users:\s+([^(]+)\(/)![1].split(',').map((s) => s.trim());

    const admin = await browser.newContext({ baseURL: APP });
    expect((await admin.request.post('/api/v1/session', { data: { handle: adminHandle, password: adminPassword } })).status()).toBe(200);
    // The demo data reaches S3 first.
    await expect
      .poll(async () => (await (await admin.request.get('/api/v1/admin/overview')).json()).storage.backlog_objects, { timeout: 60_000 })
      .toBe(0);
    const posted = await admin.request.post('/api/v1/announcements', {
      multipart: {
        image: { name: 'status.png', mimeType: 'image/png', buffer: makePng(1200, 160, 9) },
        alt: 'Drill: storage maintenance tonight',
      },
    });
    expect(posted.status()).toBe(201);

    const user = await browser.newContext({ baseURL: APP, viewport: { width: 1280, height: 3000 } });
    const handle = `drill_${Date.now().toString(36)}`;
    expect((await user.request.post('/api/v1/accounts', { data: { handle, password: 'a good long password' } })).status()).toBe(201);
    const page = await user.newPage();
    await page.goto('/');
    await expect(page.getByTestId('announcement-image')).toHaveAttribute('alt', 'Drill: storage maintenance tonight');
    await expect(page.getByTestId('storage-banner')).toHaveCount(0);

    // S3 goes away.
    stop(s3);
    await expect(page.getByTestId('storage-banner')).toHaveText(/Photo storage is delayed/, { timeout: 45_000 });
    await snap(page, info, 'drill-1-s3-down');

    // An upload still succeeds and shows in Recent.
    const caption = `Posted during the drill ${handle}`;
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.getByTestId('file-input').setInputFiles({ name: 'drill.png', mimeType: 'image/png', buffer: makePng(800, 600, 42) });
    await page.getByLabel('Caption').fill(caption);
    await page.getByRole('button', { name: 'Post photo' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('photo-grid').locator('li img').first()).toHaveAttribute('alt', caption);
    await expect(page.getByTestId('storage-banner')).toBeVisible();
    // Recent (with the new photo and every owner's icon), the announcement: all drawn.
    await expectNoBrokenImages(page, 14);
    await snap(page, info, 'drill-2-recent-during-outage');
    // Popular, the icons of top users, a demo user's favorites: all drawn from the local cache.
    await page.goto('/popular');
    await expect(page.getByTestId('photo-grid').locator('li img').first()).toBeVisible();
    await expectNoBrokenImages(page, 13);
    await page.goto('/top');
    await expect(page.locator('main img').first()).toBeVisible();
    await expectNoBrokenImages(page, demoUsers.length);
    let favorites = 0;
    for (const demo of demoUsers) {
      await page.goto(`/u/${demo}`);
      await page.getByTestId('favorites-tab').click();
      const shown = page.locator('[role="tabpanel"] [data-testid="photo-grid"] li img, [data-testid="photo-grid"] li img');
      await page.waitForTimeout(300);
      favorites += await shown.count();
      await expectNoBrokenImages(page, 1);
    }
    expect(favorites).toBeGreaterThan(0);
    await snap(page, info, 'drill-3-favorites-during-outage');

    // The admin console shows the backlog waiting.
    const console_ = await admin.newPage();
    await console_.setViewportSize({ width: 1280, height: 1600 });
    await console_.goto('/admin');
    await expect(console_.getByTestId('backlog-objects')).not.toHaveText('0', { timeout: 15_000 });
    await snap(console_, info, 'drill-4-console-backlog');

    // S3 returns: the banner goes away by itself and the backlog drains to zero.
    s3 = (await start(s3Args, KEYS, /S3 server at/)).proc;
    await expect(page.getByTestId('storage-banner')).toHaveCount(0, { timeout: 45_000 });
    await expect(console_.getByTestId('backlog-objects')).toHaveText('0', { timeout: 45_000 });
    await snap(console_, info, 'drill-5-console-drained');
    await user.close();
    await admin.close();
  } finally {
    stop(app);
    stop(s3);
  }
});
