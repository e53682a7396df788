import { expect, test } from '@playwright/test';
import { newUser, postPhoto, snap } from './helpers';

test('a user blocks someone from their page and that person\'s comments vanish', async ({ browser }, info) => {
  const owner = await newUser(browser, 'blocker', { viewport: { width: 390, height: 844 } });
  const pest = await newUser(browser, 'pest');
  const photo = await postPhoto(owner.context.request, 'my quiet photo', 51);
  const r = await pest.context.request.post(`/api/v1/photos/${photo.id}/comments`, { data: { body: 'annoying remark' } });
  expect(r.status()).toBe(201);

  const page = owner.page;
  await page.goto(`/p/${photo.id}`);
  await expect(page.getByText('annoying remark')).toBeVisible();

  await page.goto(`/u/${pest.handle}`);
  await page.getByTestId('block-button').click();
  await expect(page.getByTestId('block-button')).toHaveText('Unblock');
  await expect(page.getByRole('status').filter({ hasText: 'Blocked' })).toBeVisible();
  await snap(page, info, 'profile-blocked');

  await page.goto(`/p/${photo.id}`);
  await expect(page.getByTestId('caption')).toHaveText('my quiet photo');
  await expect(page.getByText('annoying remark')).toHaveCount(0);
  // They cannot comment any more: for them the photo is not there.
  const again = await pest.context.request.post(`/api/v1/photos/${photo.id}/comments`, { data: { body: 'again' } });
  expect(again.status()).toBe(404);

  // Settings list them, and lift the block.
  await page.goto('/settings');
  const blocks = page.getByTestId('blocks');
  await expect(blocks.getByTestId('blocked-user')).toContainText(`@${pest.handle}`);
  await blocks.getByRole('button', { name: 'Unblock' }).click();
  await expect(blocks.getByTestId('blocked-user')).toHaveCount(0);
  await page.goto(`/p/${photo.id}`);
  await expect(page.getByText('annoying remark')).toBeVisible();
  await Promise.all([owner.context.close(), pest.context.close()]);
});
