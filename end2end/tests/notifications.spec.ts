import { expect, test } from '@playwright/test';
import { newUser, postPhoto, snap } from './helpers';

test('a favorite from another user raises my bell live, and the page says who', async ({ browser }, info) => {
  const owner = await newUser(browser, 'belled', { viewport: { width: 390, height: 844 } });
  const fan = await newUser(browser, 'liker');
  const photo = await postPhoto(owner.context.request, 'ring the bell', 61);
  const page = owner.page;
  await page.goto('/');
  const bell = page.getByTestId('bell');
  await expect(bell).toBeVisible();
  await expect(page.getByTestId('bell-count')).toHaveCount(0);

  // Another user, elsewhere: the open page hears of it without a reload.
  expect((await fan.context.request.put(`/api/v1/photos/${photo.id}/favorite`)).status()).toBe(200);
  await expect(page.getByTestId('bell-count')).toHaveText('1');
  await expect(bell).toHaveAttribute('aria-label', 'Notifications (1 unread)');
  await snap(page, info, 'bell-raised');

  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  const line = page.getByTestId('notification');
  await expect(line).toHaveCount(1);
  await expect(line).toContainText(`@${fan.handle} favorited your photo`);
  // Seen: read, and the bell goes quiet.
  await expect(page.getByTestId('bell-count')).toHaveCount(0);
  await snap(page, info, 'notifications-page');
  expect((await (await owner.context.request.get('/api/v1/notifications/unread')).json()).unread).toBe(0);
  await Promise.all([owner.context.close(), fan.context.close()]);
});
