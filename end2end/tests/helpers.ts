import { expect, type APIRequestContext, type Browser, type Page, type TestInfo } from '@playwright/test';
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
