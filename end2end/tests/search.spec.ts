import { expect, test } from '@playwright/test';
import { newUser, snap } from './helpers';
import { makePng } from './images';

test('search in Japanese finds a photo by words inside its caption and a person by family name, on a phone', async ({ browser }, info) => {
  const poster = await newUser(browser, 'poster');
  const alt = '夜の赤い東京タワー';
  const r = await poster.context.request.post('/api/v1/photos', {
    multipart: {
      caption: '東京タワーの夜景がきれい',
      alt,
      image: { name: 'tower.png', mimeType: 'image/png', buffer: makePng(480, 360, 61) },
    },
  });
  expect(r.status()).toBe(201);
  const photo = await r.json();
  const person = await newUser(browser, 'sato', { locale: 'ja-JP', viewport: { width: 390, height: 844 } });
  const me = await person.context.request.patch('/api/v1/me', { data: { display_name: '佐藤 愛子' } });
  expect(me.status()).toBe(200);

  const page = person.page;
  await page.goto('/');
  await page.getByRole('link', { name: '検索' }).click();
  await expect(page).toHaveURL(/\/search$/);
  const box = page.getByTestId('search-input');
  await expect(box).toHaveAccessibleName('人や写真を検索');
  // Two words that stand inside the caption with no spaces around them.
  await box.fill('タワー 夜景');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  const grid = page.getByTestId('photo-grid');
  await expect(grid.getByRole('img', { name: alt })).toHaveCount(1);
  await snap(page, info, 'search-photos-ja');
  await grid.getByRole('img', { name: alt }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${photo.id}$`));

  // People: the family name alone finds 佐藤 愛子.
  await page.goto('/search');
  await page.getByTestId('search-input').fill('佐藤');
  await page.getByTestId('search-input').press('Enter');
  await page.getByTestId('tab-people').click();
  await expect(page).toHaveURL(/type=users/);
  const found = page.getByTestId('user-list').getByRole('link', { name: /佐藤 愛子/ });
  await expect(found).toHaveAttribute('href', `/u/${person.handle}`);
  await expect(page.getByTestId('search-input')).toHaveValue('佐藤');
  await snap(page, info, 'search-people-ja');

  // Nothing found says so, in Japanese.
  await page.getByTestId('tab-photos').click();
  await page.getByTestId('search-input').fill('存在しない言葉');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByText('写真が見つかりませんでした。別の言葉で試してください。')).toBeVisible();
  await poster.context.close();
  await person.context.close();
});

test('on a desktop the header has a search box that takes you to the results', async ({ browser }, info) => {
  const poster = await newUser(browser, 'harbour', { viewport: { width: 1280, height: 800 } });
  const word = `harbour${Date.now().toString(36)}`;
  const r = await poster.context.request.post('/api/v1/photos', {
    multipart: { caption: `Café by the ${word}`, image: { name: 'h.png', mimeType: 'image/png', buffer: makePng(320, 240, 62) } },
  });
  expect(r.status()).toBe(201);
  const page = poster.page;
  await page.goto('/popular');
  const header = page.getByTestId('header-search');
  await expect(header).toBeVisible();
  await header.fill(`CAFE ${word.toUpperCase()}`);
  await header.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=CAFE/);
  await expect(page.getByTestId('photo-grid').locator('li')).toHaveCount(1);
  await snap(page, info, 'search-desktop');
  await poster.context.close();
});
