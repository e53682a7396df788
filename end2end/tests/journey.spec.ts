import { expect, test } from '@playwright/test';
import { imageLoaded, PASSWORD, snap, uniqueHandle } from './helpers';
import { makePng } from './images';

test('a new user signs up, posts a photo, finds it in Recent, opens it and logs out', async ({ page }, info) => {
  const handle = `e2e_${Date.now().toString(36)}`;
  const caption = `Hello from Playwright 🌸 ${handle}`;
  // The whole journey runs under the site's Content-Security-Policy: Chromium reports anything
  // it blocks on the console.
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) blocked.push(m.text());
  });

  const first_load = await page.goto('/');
  const csp = first_load!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { name: 'Recent photos' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign up' })).toBeVisible();
  await snap(page, info, '01-recent-signed-out');

  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await page.getByLabel('Handle').fill('x');
  await expect(page.locator('#handle-hint')).toContainText('3 to 30');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill('a good long password');
  await snap(page, info, '02-signup');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('who')).toHaveText(`@${handle}`);
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole('link', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: 'Post a photo' })).toBeVisible();
  await page.getByTestId('file-input').setInputFiles({
    name: 'gradient.png',
    mimeType: 'image/png',
    buffer: makePng(800, 600, 3),
  });
  await imageLoaded(page, 'img.preview');
  await page.getByLabel('Caption').fill(caption);
  await snap(page, info, '03-upload-preview');
  await page.getByRole('button', { name: 'Post photo' }).click();

  // Posted: back on Recent, the new photo at the top at once.
  await expect(page).toHaveURL(/\/$/);
  const first = page.getByTestId('photo-grid').locator('li img').first();
  await expect(first).toHaveAttribute('alt', caption);
  await imageLoaded(page, '[data-testid="photo-grid"] li img');
  await snap(page, info, '04-recent-with-photo');
  await first.click();
  await expect(page).toHaveURL(/\/p\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('caption')).toHaveText(caption);
  await expect(page.locator('.byline .handle')).toHaveText(`@${handle}`);
  await imageLoaded(page, 'img.photo-large');
  await snap(page, info, '05-photo-page');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(page.getByTestId('who')).toHaveCount(0);
  // The session is really gone: the upload page asks to log in again after a reload.
  await page.goto('/upload');
  await expect(page.getByText('log in to post photos')).toBeVisible();
  await snap(page, info, '06-logged-out');
  expect(blocked).toEqual([]);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Handle').fill('nobody_here');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong handle or password.');
});

test('after too many wrong passwords the log-in form says to wait, in the reader\'s language', async ({ page, request }) => {
  const handle = uniqueHandle('guessed');
  expect((await request.post('/api/v1/accounts', { data: { handle, password: PASSWORD } })).status()).toBe(201);
  for (let i = 0; i < 10; i++) {
    const r = await request.post('/api/v1/session', { data: { handle, password: 'a wrong guess' } });
    expect(r.status()).toBe(401);
  }
  await page.goto('/login');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText(/^Too many tries for now\. Please try again in 1[0-5] min\.$/);
  await expect(page.getByTestId('who')).toHaveCount(0);
});

test('a photo link that does not exist says so', async ({ page }) => {
  await page.goto('/p/00000000-0000-0000-0000-000000000000');
  await expect(page.getByRole('heading', { name: 'Photo not found' })).toBeVisible();
});
