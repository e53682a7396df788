import { expect, type APIRequestContext, type Browser, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { makePng } from './images';

/** A full-page screenshot, kept with the test's results and attached to the report. */
export async function snap(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

/** Waits until the first image matching `selector` has really loaded. */
export async function imageLoaded(page: Page, selector: string) {
  await expect
    .poll(() => page.locator(selector).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
}

/** A handle no other test run uses. */
export function uniqueHandle(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

export const PASSWORD = 'a good long password';

/** A browser context signed in as a new user (signed up through the API, sharing its cookie). */
export async function newUser(browser: Browser, prefix: string, options = {}) {
  const context = await browser.newContext(options);
  const handle = uniqueHandle(prefix);
  const r = await context.request.post('/api/v1/accounts', { data: { handle, password: PASSWORD } });
  expect(r.status()).toBe(201);
  const page = await context.newPage();
  return { context, page, handle };
}

/** Posts a photo through the API as the context's user; returns the photo JSON. */
export async function postPhoto(request: APIRequestContext, caption: string, seed: number) {
  const r = await request.post('/api/v1/photos', {
    multipart: {
      caption,
      image: { name: 'photo.png', mimeType: 'image/png', buffer: makePng(640, 480, seed) },
    },
  });
  expect(r.status()).toBe(201);
  return r.json();
}

export const ADMIN_PASSWORD = 'an admin password 123';

/** A new administrator, made with the CLI on the server's own data dir; returns its handle. */
export function createAdmin(): string {
  const handle = uniqueHandle('admin');
  execFileSync(process.env.PHOTOSHARE_BIN!, ['--data-dir', process.env.PHOTOSHARE_E2E_DATA_DIR!, 'admin', 'create', handle], {
    input: `${ADMIN_PASSWORD}\n`,
  });
  return handle;
}

/** A browser context signed in as a new administrator. */
export async function newAdmin(browser: Browser, options = {}) {
  const context = await browser.newContext(options);
  const handle = createAdmin();
  const r = await context.request.post('/api/v1/session', { data: { handle, password: ADMIN_PASSWORD } });
  expect(r.status()).toBe(200);
  return { context, page: await context.newPage(), handle };
}
