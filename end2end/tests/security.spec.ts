import { expect, test } from '@playwright/test';
import { newUser, PASSWORD, snap } from './helpers';

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

test('a user sees where they are logged in, logs another device out, and changes the password', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'twodevices');
  // The same account on a second device.
  const other = await browser.newContext();
  const r = await other.request.post('/api/v1/session', { data: { handle, password: PASSWORD } });
  expect(r.status()).toBe(200);
  await page.goto('/settings');
  const sessions = page.getByTestId('sessions');
  await expect(sessions.getByTestId('session')).toHaveCount(2);
  await expect(sessions.getByTestId('session').filter({ hasText: 'This device' })).toHaveCount(1);
  await snap(page, info, 'settings-sessions');
  await sessions.getByTestId('session').filter({ hasNotText: 'This device' }).getByRole('button', { name: 'Log out' }).click();
  await expect(sessions.getByTestId('session')).toHaveCount(1);
  expect((await other.request.get('/api/v1/me')).status()).toBe(401);

  // A wrong current password is refused; the right one changes it.
  await sessions.getByLabel('Current password').fill('not my password');
  await sessions.getByLabel('New password').fill('my brand new password');
  await sessions.getByRole('button', { name: 'Change password' }).click();
  await expect(sessions.getByRole('alert')).toHaveText('Wrong handle or password.');
  await sessions.getByLabel('Current password').fill(PASSWORD);
  await sessions.getByLabel('New password').fill('my brand new password');
  await sessions.getByRole('button', { name: 'Change password' }).click();
  await expect(sessions.getByRole('status')).toContainText('Password changed');
  const again = await other.request.post('/api/v1/session', { data: { handle, password: 'my brand new password' } });
  expect(again.status()).toBe(200);
  await other.close();
  await context.close();
});
