// The installable web app (issue 13): manifest and service worker, the last feed offline, the
// offline upload queue sent exactly once, the status-image composer, and the console's code kept
// out of every other visitor's download.
import { expect, test, type Page } from '@playwright/test';
import { imageLoaded, newAdmin, newUser, postPhoto, snap } from './helpers';
import { makePng } from './images';

const phone = { viewport: { width: 390, height: 844 } };

/** Waits until the service worker is active and controls the page. */
async function workerInCharge(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first visit is taken over by clients.claim(); a reload makes sure of it.
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/** The words of the upload form and the queue, in the page's language. */
type UploadLabels = { caption: string; alt: string; post: string; waiting: string };
const english: UploadLabels = {
  caption: 'Caption',
  alt: 'Description for people who cannot see the photo (alt text)',
  post: 'Post photo',
  waiting: 'Waiting to upload',
};

/**
 * Opens the upload page once online (so that it opens offline), goes offline, reloads, posts a
 * photo with `caption` and `alt`, and checks that it waits at the top of Recent.
 */
async function postOffline(page: Page, labels: UploadLabels, photo: { name: string; seed: number; caption: string; alt: string }) {
  await page.goto('/');
  await workerInCharge(page);
  await page.goto('/upload');
  await expect(page.getByTestId('file-input')).toBeAttached();
  await page.context().setOffline(true);
  await page.reload();
  await page.getByTestId('file-input').setInputFiles({ name: photo.name, mimeType: 'image/png', buffer: makePng(800, 600, photo.seed) });
  await imageLoaded(page, 'img.preview');
  await page.getByLabel(labels.caption).fill(photo.caption);
  await page.getByLabel(labels.alt).fill(photo.alt);
  await page.getByRole('button', { name: labels.post }).click();
  await expect(page).toHaveURL(/\/$/);
  const waiting = page.getByTestId('waiting-upload');
  await expect(waiting).toHaveCount(1);
  await expect(waiting).toContainText(labels.waiting);
  await expect(waiting).toContainText(photo.caption);
}

/** The PNG's width and height, from its IHDR. */
function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the app is installable: a manifest with icons (a maskable one too) and a service worker', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(href!)).json();
  expect(manifest.name).toBe('PhotoShare');
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
  const purposes = manifest.icons.map((i: { purpose: string }) => i.purpose);
  expect(purposes).toContain('maskable');
  for (const icon of manifest.icons.filter((i: { type: string }) => i.type === 'image/png')) {
    const r = await request.get(icon.src);
    expect(r.status(), icon.src).toBe(200);
    const { width, height } = pngSize(await r.body());
    expect(`${width}x${height}`).toBe(icon.sizes);
  }
  // Theme colours for light and dark.
  await expect(page.locator('meta[name="theme-color"]')).toHaveCount(2);
  await workerInCharge(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.scope);
  expect(new URL(scope).pathname).toBe('/');
});

test('offline, the app opens and shows the last feed with an offline notice', async ({ browser }, info) => {
  const { context, page } = await newUser(browser, 'offline', phone);
  await postPhoto(context.request, 'kept for the train ride', 51);
  await page.goto('/');
  await workerInCharge(page);
  // Seen with the worker in charge (the very first load happens before it is installed).
  await page.reload();
  await imageLoaded(page, '[data-testid="photo-grid"] img');
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-notice')).toBeVisible();
  await expect(page.getByTestId('offline-notice')).toContainText('You are offline');
  await imageLoaded(page, '[data-testid="photo-grid"] img');
  await snap(page, info, 'offline-recent');
  // A page of the app never seen before opens too (the shell), saying it is offline.
  await page.goto('/top');
  await expect(page.getByTestId('offline-notice')).toBeVisible();

  await context.setOffline(false);
  await page.goto('/');
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);
  await context.close();
});

test('a photo posted offline waits, survives a reload, and is on the server once after going online', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'train', phone);
  const caption = `posted in a tunnel ${Date.now()}`;
  await postOffline(page, english, { name: 'tunnel.png', seed: 52, caption, alt: 'A dark tunnel with a light at its end' });
  // Offline, a list with nothing kept shows no error: the notice above says why.
  await expect(page.getByText('PhotoShare cannot be reached')).toHaveCount(0);
  await snap(page, info, 'waiting-to-upload');

  // The queue survives a reload (and a closed tab: it is in IndexedDB).
  await page.reload();
  await expect(page.getByTestId('waiting-upload')).toHaveCount(1);

  await context.setOffline(false);
  await expect(page.getByTestId('waiting-upload')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('photo-grid').getByRole('img', { name: 'A dark tunnel with a light at its end' })).toBeVisible();

  // Going offline and online again sends nothing more: exactly one photo.
  await context.setOffline(true);
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('photo-grid').getByRole('img', { name: 'A dark tunnel with a light at its end' })).toHaveCount(1);
  const mine = await (await context.request.get(`/api/v1/users/${handle}/photos`)).json();
  expect(mine.items.map((p: { caption: string }) => p.caption)).toEqual([caption]);
  await context.close();
});

test('the composer draws a status image and posts it with the message as its alt text', async ({ browser }, info) => {
  const admin = await newAdmin(browser, { viewport: { width: 1280, height: 900 } });
  await admin.page.goto('/admin');
  await expect(admin.page.getByRole('heading', { name: 'Admin console' })).toBeVisible();
  const message = 'アップロードが遅くなっています 🐢\nUploads are slow tonight; nothing is lost.';
  await expect(admin.page.getByTestId('compose-source')).toBeChecked();
  await admin.page.getByTestId('compose-message').fill(message);
  await admin.page.getByTestId('compose-kind').selectOption('warning');
  // The preview is drawn as one types: not a blank canvas.
  const canvas = admin.page.getByTestId('compose-canvas');
  await expect
    .poll(() => canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return colours.size;
    }))
    .toBeGreaterThan(20);
  await snap(admin.page, info, 'composer');
  await admin.page.getByTestId('announcement-submit').click();
  await expect(admin.page.getByTestId('announcement-posted')).toBeVisible();

  const current = await (await admin.context.request.get('/api/v1/announcements/current')).json();
  // Alt text is one line: the message's lines, joined.
  const alt = message.replace('\n', ' ');
  expect(current.alt).toBe(alt);
  expect([current.width, current.height]).toEqual([1200, 300]);
  const png = await admin.context.request.get(current.image_url);
  expect(png.headers()['content-type']).toBe('image/png');
  expect(pngSize(await png.body())).toEqual({ width: 1200, height: 300 });
  // It decodes in the browser at that size, and the banner shows it with the message as alt.
  await admin.page.goto('/');
  const banner = admin.page.getByTestId('announcement-image');
  await expect(banner).toHaveAttribute('alt', alt);
  await imageLoaded(admin.page, '[data-testid="announcement-image"]');
  expect(await banner.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([1200, 300]);
  expect((await admin.context.request.delete(`/api/v1/announcements/${current.id}`)).status()).toBe(204);
  await admin.context.close();
});

test('in Japanese on a phone: the offline notice, a photo waiting to upload, and the composer', async ({ browser }, info) => {
  const { context, page } = await newUser(browser, 'densha', { locale: 'ja-JP', ...phone });
  const caption = `電車の窓から ${Date.now()}`;
  const japanese = { caption: 'キャプション', alt: '写真が見えない人のための説明（代替テキスト）', post: '投稿する', waiting: 'アップロード待ち' };
  await postOffline(page, japanese, { name: 'mado.png', seed: 53, caption, alt: '窓の外に広がる田んぼと山' });
  await expect(page.getByTestId('offline-notice')).toContainText('オフラインです。');
  const waiting = page.getByTestId('waiting-upload');
  // Recent was never kept on this device: a quiet line under the notice, not an error.
  await expect(page.getByText('PhotoShare に接続できません')).toHaveCount(0);
  await snap(page, info, 'waiting-to-upload-ja');
  await context.setOffline(false);
  await expect(waiting).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('photo-grid').getByRole('img', { name: '窓の外に広がる田んぼと山' })).toBeVisible();
  await context.close();

  const admin = await newAdmin(browser, { locale: 'ja-JP', ...phone });
  await admin.page.goto('/admin');
  await expect(admin.page.getByRole('heading', { name: '管理コンソール' })).toBeVisible();
  await admin.page.getByRole('textbox', { name: 'メッセージ' }).fill('メンテナンスは終わりました 🎉');
  const kind = admin.page.getByRole('combobox', { name: '種類' });
  await expect(kind.locator('option')).toHaveText(['お知らせ', '警告', '解決済み']);
  await kind.selectOption('resolved');
  const canvas = admin.page.getByTestId('compose-canvas');
  // On a phone the preview fits the screen.
  const box = (await canvas.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await snap(admin.page, info, 'composer-ja-phone');
  await admin.context.close();
});

test("a visitor's pages never request the console's code; an admin's /admin does", async ({ browser }) => {
  const visitor = await newUser(browser, 'visitor');
  const asked: string[] = [];
  visitor.context.on('request', (r) => asked.push(new URL(r.url()).pathname));
  for (const path of ['/', '/popular', '/top', '/settings', '/admin']) {
    await visitor.page.goto(path);
    await visitor.page.waitForLoadState('networkidle');
  }
  await expect(visitor.page.getByTestId('forbidden')).toBeVisible();
  expect(asked.some((p) => p.endsWith('.wasm'))).toBe(true);
  expect(asked.filter((p) => p.startsWith('/admin/') || p === '/composer.js')).toEqual([]);
  await visitor.context.close();

  const admin = await newAdmin(browser);
  const adminAsked: string[] = [];
  admin.context.on('request', (r) => adminAsked.push(new URL(r.url()).pathname));
  await admin.page.goto('/');
  // The header's link loads the admins' bundle.
  await admin.page.getByTestId('admin-link').click();
  await expect(admin.page.getByRole('heading', { name: 'Admin console' })).toBeVisible();
  expect(adminAsked.some((p) => /^\/admin\/.+_bg\.wasm$/.test(p))).toBe(true);
  await admin.context.close();
});
