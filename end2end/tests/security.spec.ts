import { expect, test } from '@playwright/test';
import { newUser, snap } from './helpers';

test('a user makes an access token in settings, a script uses it, and revoking it stops it', async ({ browser, playwright }, info) => {
  const { context, page, handle } = await newUser(browser, 'scripter');
  await page.goto('/settings');
  const section = page.getByTestId('tokens');
  await expect(section.getByRole('heading', { name: 'Access tokens' })).toBeVisible();
  await section.getByLabel('Token name').fill('backup script');
  await section.getByLabel(/write/).check();
  await section.getByRole('button', { name: 'Make a token' }).click();
  const secret = (await section.getByTestId('new-token').textContent())!.trim();
  expect(secret).toMatch(/^pst_[A-Za-z0-9_-]{40,}$/);
  await expect(section.getByTestId('token')).toHaveCount(1);
  await expect(section.getByTestId('token')).toContainText('backup script');
  await expect(section.getByTestId('token')).toContainText('read · write');
  await snap(page, info, 'settings-token-made');

  // A script, with no cookie: the token acts for the user.
  const script = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const me = await script.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).handle).toBe(handle);

  // Revoked from settings: gone from the list, refused at once.
  await section.getByRole('button', { name: 'Revoke' }).click();
  await expect(section.getByTestId('token')).toHaveCount(0);
  const after = await script.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).code).toBe('bad_token');
  await snap(page, info, 'settings-token-revoked');
  await script.dispose();
  await context.close();
});
