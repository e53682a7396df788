import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, createAdmin, newUser, postPhoto } from './helpers';

test('every page shows a storage banner while the sync is paused with uploads waiting, and it goes away by itself', async ({ browser }) => {
  const admin = await browser.newContext();
  const handle = createAdmin();
  expect((await admin.request.post('/api/v1/session', { data: { handle, password: ADMIN_PASSWORD } })).status()).toBe(200);

  const { context, page } = await newUser(browser, 'banner');
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recent photos' })).toBeVisible();
  await expect(page.getByTestId('storage-banner')).toHaveCount(0);

  expect((await admin.request.post('/api/v1/admin/sync/pause')).status()).toBe(200);
  try {
    await postPhoto(context.request, 'Posted while storage is paused', 71);
    // The open page hears of it on its live stream (the node re-reads storage health every 2 s).
    const banner = page.getByTestId('storage-banner');
    await expect(banner).toHaveText(/Photo storage is paused/, { timeout: 20_000 });
    await expect(banner).toHaveAttribute('role', 'status');
    // The upload is there all the same, and the banner shows on every page.
    await page.reload();
    await expect(page.getByTestId('photo-grid').locator('li img').first()).toHaveAttribute('alt', 'Posted while storage is paused');
    await page.goto('/top');
    await expect(page.getByTestId('storage-banner')).toBeVisible();
  } finally {
    expect((await admin.request.post('/api/v1/admin/sync/resume')).status()).toBe(200);
  }
  await expect(page.getByTestId('storage-banner')).toHaveCount(0, { timeout: 30_000 });
  await context.close();
  await admin.close();
});
