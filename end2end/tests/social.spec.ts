import { expect, test } from '@playwright/test';
import { PASSWORD, imageLoaded, newUser, postPhoto, snap } from './helpers';
import { makePng } from './images';

test('a user sets a display name, a bio and an icon, and sees them on their page', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'prof');
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  await page.getByLabel('Display name').fill('山田 花子');
  await page.getByLabel('Bio').fill('Film & light.\n<b>not bold</b>');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved.');

  // A wide picture becomes a square icon.
  await page.getByTestId('icon-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: makePng(900, 500, 5) });
  await expect(page.locator('.site-actions img.avatar')).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/);
  await snap(page, info, 'profile-settings');

  await page.goto(`/u/${handle}`);
  await expect(page.getByTestId('display-name')).toHaveText('山田 花子');
  await expect(page.getByTestId('bio')).toHaveText('Film & light.\n<b>not bold</b>');
  await expect(page.locator('.bio b')).toHaveCount(0);
  await imageLoaded(page, '.profile-head img.avatar');
  const size = await page
    .locator('.profile-head img.avatar')
    .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size).toEqual([500, 500]);
  await snap(page, info, 'profile-page');
  await context.close();
});

test('favorite and unfavorite a photo', async ({ browser }, info) => {
  const owner = await newUser(browser, 'favown');
  const photo = await postPhoto(owner.context.request, 'Favorite me', 11);
  const { context, page, handle } = await newUser(browser, 'faver');

  await page.goto(`/p/${photo.id}`);
  const button = page.getByTestId('favorite-button');
  await expect(button).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('favorites-count')).toHaveText('0');
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('favorites-count')).toHaveText('1');
  await expect(page.getByTestId('favorited-by').getByRole('link', { name: `@${handle}` })).toBeVisible();
  await snap(page, info, 'favorited');

  // It sticks: after a reload, and in the user's favorites tab.
  await page.reload();
  await expect(page.getByTestId('favorite-button')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('favorite-button').click();
  await expect(page.getByTestId('favorite-button')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('favorites-count')).toHaveText('0');
  await expect(page.getByTestId('favorited-by')).toHaveCount(0);
  const after = await (await context.request.get(`/api/v1/photos/${photo.id}`)).json();
  expect(after.favorites_count).toBe(0);
  await context.close();
  await owner.context.close();
});

test('becoming a fan brings that user\'s photos into the fans feed', async ({ browser }, info) => {
  const idol = await newUser(browser, 'idol');
  await postPhoto(idol.context.request, `By the idol ${idol.handle}`, 21);
  const { context, page, handle } = await newUser(browser, 'fan');

  await page.goto('/fans');
  await expect(page.getByText('Become a fan of people to see their photos here.')).toBeVisible();

  await page.goto(`/u/${idol.handle}`);
  await expect(page.getByTestId('fans-count')).toHaveText('0');
  await page.getByTestId('fan-button').click();
  await expect(page.getByTestId('fan-button')).toHaveText('You are a fan');
  await expect(page.getByTestId('fans-count')).toHaveText('1');
  await page.getByTestId('fans-tab').click();
  await expect(page.getByTestId('user-list')).toContainText(`@${handle}`);
  await snap(page, info, 'became-fan');

  await page.getByRole('link', { name: 'Fans feed' }).click();
  await expect(page.getByTestId('photo-grid').locator('li img').first()).toHaveAttribute('alt', `By the idol ${idol.handle}`);
  await snap(page, info, 'fans-feed');

  await page.getByRole('link', { name: 'Top users' }).click();
  await expect(page.getByTestId('top-users')).toContainText(`@${idol.handle}`);
  await context.close();
  await idol.context.close();
});

test('popular ranks a favorited photo above a newer one', async ({ browser }, info) => {
  const owner = await newUser(browser, 'popown');
  const older = await postPhoto(owner.context.request, `Older but loved ${owner.handle}`, 31);
  const newer = await postPhoto(owner.context.request, `Newer ${owner.handle}`, 32);
  const { context, page } = await newUser(browser, 'popfan');
  expect((await context.request.put(`/api/v1/photos/${older.id}/favorite`)).status()).toBe(200);

  await page.goto('/');
  const recent = page.getByTestId('photo-grid').locator('li img');
  await expect(recent.first()).toHaveAttribute('alt', newer.caption);
  await page.getByRole('link', { name: 'Popular' }).click();
  await expect(page.getByRole('heading', { name: 'Popular photos' })).toBeVisible();
  // The heading changes before the new page of photos arrives: wait for it.
  await expect(page.getByTestId('photo-grid').getByRole('img', { name: older.caption })).toBeVisible();
  const alts = await page.getByTestId('photo-grid').locator('li img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')));
  expect(alts.indexOf(older.caption)).toBeLessThan(alts.indexOf(newer.caption));
  expect(alts.indexOf(older.caption)).toBeGreaterThanOrEqual(0);
  await snap(page, info, 'popular');
  await context.close();
  await owner.context.close();
});

test('comment on a photo, safely rendered, then delete it', async ({ browser }, info) => {
  const owner = await newUser(browser, 'comown');
  const photo = await postPhoto(owner.context.request, 'Talk about me', 41);
  const { context, page } = await newUser(browser, 'talker');

  await page.goto(`/p/${photo.id}`);
  await expect(page.getByText('No comments yet.')).toBeVisible();
  const text = '<img src=x onerror="window.pwned=1"> 素敵な写真！';
  await page.getByPlaceholder('Add a comment').fill(text);
  await page.getByRole('button', { name: 'Post comment' }).click();
  const comment = page.getByTestId('comments').locator('li');
  await expect(comment).toHaveCount(1);
  await expect(comment.locator('.comment-body')).toHaveText(text);
  await expect(comment.locator('.comment-body img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  await snap(page, info, 'commented');

  // The owner cannot delete someone else's comment (no button); its author can.
  const ownerPage = await owner.context.newPage();
  await ownerPage.goto(`/p/${photo.id}`);
  await expect(ownerPage.getByTestId('comments').locator('li')).toHaveCount(1);
  await expect(ownerPage.getByTestId('comments').getByRole('button', { name: 'Delete' })).toHaveCount(0);

  await comment.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('comments').locator('li')).toHaveCount(0);
  await page.reload();
  await expect(page.getByText('No comments yet.')).toBeVisible();
  await context.close();
  await owner.context.close();
});

test('a photo permalink carries Open Graph and Twitter card tags', async ({ browser, baseURL }) => {
  const owner = await newUser(browser, 'sharer');
  const photo = await postPhoto(owner.context.request, 'Harbour at dusk & "friends"', 51);
  const { page } = owner;
  await page.goto(`/p/${photo.id}`);
  await expect(page.getByTestId('caption')).toHaveText('Harbour at dusk & "friends"');
  const meta = (sel: string) => page.locator(sel).getAttribute('content');
  expect(await meta('meta[property="og:title"]')).toBe('Harbour at dusk & "friends"');
  expect(await meta('meta[property="og:image"]')).toBe(`${baseURL}${photo.urls.large}`);
  expect(await meta('meta[property="og:url"]')).toBe(`${baseURL}/p/${photo.id}`);
  expect(await meta('meta[name="twitter:card"]')).toBe('summary_large_image');
  expect(await meta('meta[name="description"]')).toContain('Harbour at dusk');
  // The image it points at is really there.
  const image = await page.request.get(`${baseURL}${photo.urls.large}`);
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/jpeg');
  await owner.context.close();
});

test('switching to Japanese changes the whole UI and is remembered for the user', async ({ browser }, info) => {
  const { context, page, handle } = await newUser(browser, 'nihongo', { locale: 'en-US' });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recent photos' })).toBeVisible();
  await page.getByTestId('language').selectOption('ja');
  await expect(page.getByRole('heading', { name: '新着の写真' })).toBeVisible();
  await expect(page.getByRole('link', { name: '人気' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await snap(page, info, 'japanese');
  await page.reload();
  await expect(page.getByRole('heading', { name: '新着の写真' })).toBeVisible();

  // Another browser, English by default: logging in brings the saved choice back.
  const other = await browser.newContext({ locale: 'en-US' });
  const p2 = await other.newPage();
  await p2.goto('/login');
  await expect(p2.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await p2.getByLabel('Handle').fill(handle);
  await p2.getByLabel('Password').fill('a good long password');
  await p2.getByRole('button', { name: 'Log in' }).click();
  await expect(p2.getByRole('heading', { name: '新着の写真' })).toBeVisible();
  await other.close();

  // A browser that asks for Japanese gets it before anyone chooses.
  const ja = await browser.newContext({ locale: 'ja-JP' });
  const p3 = await ja.newPage();
  await p3.goto('/');
  await expect(p3.getByRole('heading', { name: '新着の写真' })).toBeVisible();
  await ja.close();
  await context.close();
});

test('on a phone the app fits the screen, and new photos arrive as a button', async ({ browser }, info) => {
  const poster = await newUser(browser, 'poster');
  await postPhoto(poster.context.request, 'Already here', 61);
  const { context, page } = await newUser(browser, 'phone', {
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  await page.goto('/');
  const grid = page.getByTestId('photo-grid');
  await expect(grid.locator('li').first()).toBeVisible();
  // Three square tiles a row, nothing wider than the screen, the feeds one tap away.
  const columns = await grid.evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  expect(columns).toBe(3);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await expect(page.getByRole('link', { name: 'Popular' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Upload' })).toBeVisible();
  const tile = await grid.locator('li a').first().boundingBox();
  expect(Math.abs(tile!.width - tile!.height)).toBeLessThan(2);
  await snap(page, info, 'phone-recent');

  // Someone posts while the page is open: a button, not a jump.
  const fresh = await postPhoto(poster.context.request, 'Just posted', 62);
  const button = page.getByTestId('new-photos');
  await expect(button).toHaveText('1 new photo');
  await expect(grid.locator('li img').first()).not.toHaveAttribute('alt', fresh.caption);
  await snap(page, info, 'phone-new-photos');
  await button.click();
  await expect(grid.locator('li img').first()).toHaveAttribute('alt', fresh.caption);
  await expect(button).toHaveCount(0);

  await page.goto(`/p/${fresh.id}`);
  await imageLoaded(page, 'img.photo-large');
  const img = await page.locator('img.photo-large').boundingBox();
  expect(img!.width).toBeLessThanOrEqual(375);
  await snap(page, info, 'phone-photo');
  await context.close();
  await poster.context.close();
});

test('errors are shown in the reader\'s language: the server names the problem, the browser words it', async ({ browser }, info) => {
  const { context, handle } = await newUser(browser, 'taken', { locale: 'ja-JP' });
  await context.close();
  // A Japanese browser, nobody signed in.
  const ja = await browser.newContext({ locale: 'ja-JP' });
  const page = await ja.newPage();
  await page.goto('/signup');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  // The browser's own check, before anything is sent.
  await page.getByLabel('ハンドル').fill('x');
  await expect(page.locator('#handle-hint')).toContainText('ハンドルは3〜30文字です。');
  // The server's refusal (a taken handle), by code and value, worded here in Japanese.
  await page.getByLabel('ハンドル').fill(handle);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'アカウントを作成' }).click();
  await expect(page.getByRole('alert')).toHaveText(`ハンドル「${handle}」はすでに使われています。`);
  await snap(page, info, 'error-in-japanese');
  // The same refusal in English after switching the language.
  await page.getByTestId('language').selectOption('en');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(`The handle “${handle}” is already taken.`);
  await ja.close();
});
