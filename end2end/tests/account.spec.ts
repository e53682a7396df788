import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { newUser, PASSWORD, postPhoto, snap } from './helpers';

/** RFC 4648 base32 (spaces ignored) to bytes. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/\s+/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The code an authenticator app shows (RFC 6238: HMAC-SHA1, 6 digits, 30 s), `offset` steps from now. */
function totp(secret: Buffer, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const at = mac[19] & 0x0f;
  const word = mac.readUInt32BE(at) & 0x7fffffff;
  return String(word % 1_000_000).padStart(6, '0');
}

/** Turns two-factor sign-in on in settings; the secret the page showed, and the recovery codes. */
async function turnOnTwoFactor(page: Page, info: TestInfo) {
  const section = page.getByTestId('two-factor');
  await expect(section).toContainText('Off');
  await section.getByLabel('Current password').fill(PASSWORD);
  await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(section.getByTestId('totp-qr')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('settings-two-factor-qr.png') });
  const secret = base32((await section.getByTestId('totp-secret').textContent())!);
  expect(secret.length).toBe(20);
  await section.getByLabel('Code from the app').fill(totp(secret));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  const codes = section.getByTestId('recovery-codes').locator('li');
  await expect(codes).toHaveCount(10);
  return { section, secret, codes: await codes.allTextContents() };
}

test('a user turns on two-factor sign-in with an authenticator app and logs in with a code', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'twofactor', { viewport: { width: 390, height: 844 } });
  await page.goto('/settings');
  const { section, secret, codes } = await turnOnTwoFactor(page, info);
  expect(codes[0]).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await snap(page, info, 'settings-two-factor-recovery-codes');
  await section.getByRole('button', { name: 'I have saved them' }).click();
  await expect(section.getByTestId('recovery-codes')).toHaveCount(0);
  await expect(section).toContainText('10 recovery codes left');

  // Another browser: the password alone leads to the code field; the app's code logs in.
  const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const login = await other.newPage();
  await login.goto('/login');
  await login.getByLabel('Handle').fill(handle);
  await login.getByLabel('Password').fill(PASSWORD);
  await login.getByRole('button', { name: 'Log in' }).click();
  await expect(login.getByRole('alert')).toContainText('6-digit code');
  await login.getByTestId('login-code').fill('000000' === totp(secret, 1) ? '111111' : '000000');
  await login.getByRole('button', { name: 'Log in' }).click();
  await expect(login.getByRole('alert')).toContainText('not right');
  await snap(login, info, 'login-two-factor-code');
  // The next step's code: the one used to turn it on cannot be used again.
  await login.getByTestId('login-code').fill(totp(secret, 1));
  await login.getByRole('button', { name: 'Log in' }).click();
  await expect(login).toHaveURL(/\/$/);
  const me = await other.request.get('/api/v1/me');
  expect((await me.json()).handle).toBe(handle);

  // A recovery code works once; turning it off takes the password and a code.
  const third = await browser.newContext();
  const byRecovery = await third.request.post('/api/v1/session', { data: { handle, password: PASSWORD, code: codes[0] } });
  expect(byRecovery.status()).toBe(200);
  const again = await third.request.post('/api/v1/session', { data: { handle, password: PASSWORD, code: codes[0] } });
  expect(again.status()).toBe(401);
  await page.reload();
  await expect(section).toContainText('9 recovery codes left');
  await section.getByTestId('two-factor-code').fill(codes[1]);
  await section.getByLabel('Current password (to turn it off)').fill(PASSWORD);
  await section.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
  await expect(section).toContainText('Off');
  const plain = await third.request.post('/api/v1/session', { data: { handle, password: PASSWORD } });
  expect(plain.status()).toBe(200);
  await Promise.all([other.close(), third.close(), context.close()]);
});

test('a user downloads their data as a zip and then deletes their account', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'leaving');
  const photo = await postPhoto(context.request, 'my last photo', 31);
  await page.goto('/settings');
  const account = page.getByTestId('account');
  await expect(account.getByRole('heading', { name: 'Your data' })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), account.getByTestId('export').click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^photoshare-${handle}-\\d{4}-\\d{2}-\\d{2}\\.zip$`));
  const path = info.outputPath('export.zip');
  await download.saveAs(path);
  // Python's zipfile, an independent reader, checks every CRC and lists the files.
  const listing = JSON.parse(
    execFileSync('python3', [
      '-c',
      'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({"names": z.namelist(), "data": json.loads(z.read("photoshare.json"))}))',
      path,
    ]).toString(),
  );
  expect(listing.names).toContain(`photos/${photo.id}.png`);
  expect(listing.data.profile.handle).toBe(handle);
  expect(listing.data.photos[0].caption).toBe('my last photo');

  // Deleting: the button waits for the handle; then the account and its photo are gone.
  const remove = account.getByRole('button', { name: 'Delete my account' });
  await account.getByLabel('Current password').fill(PASSWORD);
  await account.getByTestId('delete-confirm').fill('someone else');
  await expect(remove).toBeDisabled();
  await account.getByTestId('delete-confirm').fill(handle);
  await expect(remove).toBeEnabled();
  await snap(page, info, 'settings-delete-account');
  await remove.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  expect((await context.request.get(`/api/v1/users/${handle}`)).status()).toBe(404);
  expect((await context.request.get(`/api/v1/photos/${photo.id}`)).status()).toBe(404);
  expect((await context.request.get('/api/v1/me')).status()).toBe(401);
  await context.close();
});

test('the two-factor and account settings read in Japanese', async ({ browser }, info) => {
  const { context, page } = await newUser(browser, 'nihongo', { locale: 'ja-JP' });
  await context.request.patch('/api/v1/me', { data: { locale: 'ja' } });
  await page.goto('/settings');
  await expect(page.getByTestId('two-factor').getByRole('heading', { name: '2段階認証' })).toBeVisible();
  await expect(page.getByTestId('account').getByRole('heading', { name: 'アカウントの削除' })).toBeVisible();
  await snap(page, info, 'settings-account-ja');
  await context.close();
});
