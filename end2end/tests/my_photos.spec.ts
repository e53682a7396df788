import { expect, test } from '@playwright/test';
import { imageLoaded, newUser, snap } from './helpers';
import { makePng } from './images';

test('a user posts a photo with alt text, fixes the caption, makes it unlisted and deletes it', async ({ browser }, info) => {
  const { context, page } = await newUser(browser, 'owner', { viewport: { width: 390, height: 844 } });
  await page.goto('/upload');
  await page.getByTestId('file-input').setInputFiles({ name: 'tram.png', mimeType: 'image/png', buffer: makePng(800, 600, 41) });
  await imageLoaded(page, 'img.preview');
  await page.getByLabel('Caption').fill('teh tram at dusk');
  const altField = page.getByLabel('Description for people who cannot see the photo (alt text)');
  // The form nudges toward a description while there is none.
  await expect(page.getByText('will not know what the photo shows')).toBeVisible();
  const alt = 'A red tram crossing a snowy bridge at dusk';
  await altField.fill(alt);
  await expect(page.getByText('will not know what the photo shows')).toHaveCount(0);
  await snap(page, info, 'upload-with-alt');
  await page.getByRole('button', { name: 'Post photo' }).click();
  await expect(page).toHaveURL(/\/$/);

  // The image's accessible name is the alt text, not the caption, in the grid and on its page.
  const tile = page.getByTestId('photo-grid').getByRole('img', { name: alt });
  await expect(tile).toHaveCount(1);
  await tile.click();
  await expect(page).toHaveURL(/\/p\/[0-9a-f-]{36}$/);
  const id = page.url().split('/p/')[1];
  await expect(page.getByRole('img', { name: alt })).toBeVisible();

  // Edit: fix the typo, make it unlisted.
  const tools = page.getByTestId('owner-tools');
  await tools.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByTestId('edit-photo');
  await expect(form.getByLabel('Caption')).toHaveValue('teh tram at dusk');
  await form.getByLabel('Caption').fill('the tram at dusk');
  await form.getByLabel(/Unlisted/).check();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('caption')).toHaveText('the tram at dusk');
  await expect(page.getByTestId('unlisted-badge')).toBeVisible();
  await snap(page, info, 'photo-edited-unlisted');
  const recent = await (await context.request.get('/api/v1/photos/recent')).json();
  expect(recent.items.map((p: { id: string }) => p.id)).not.toContain(id);
  const byLink = await (await context.request.get(`/api/v1/photos/${id}`)).json();
  expect(byLink.caption).toBe('the tram at dusk');
  expect(byLink.alt).toBe(alt);

  // Delete, after a second thought.
  await tools.getByRole('button', { name: 'Delete photo' }).click();
  await tools.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('caption')).toBeVisible();
  await tools.getByRole('button', { name: 'Delete photo' }).click();
  await tools.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/$/);
  expect((await context.request.get(`/api/v1/photos/${id}`)).status()).toBe(404);
  await context.close();
});

test('someone else sees no edit or delete on my photo', async ({ browser }) => {
  const owner = await newUser(browser, 'mine');
  const photo = await (
    await owner.context.request.post('/api/v1/photos', {
      multipart: { caption: 'not yours', image: { name: 'p.png', mimeType: 'image/png', buffer: makePng(320, 240, 42) } },
    })
  ).json();
  const other = await newUser(browser, 'other');
  await other.page.goto(`/p/${photo.id}`);
  await expect(other.page.getByTestId('caption')).toHaveText('not yours');
  await expect(other.page.getByTestId('owner-tools')).toHaveCount(0);
  await Promise.all([owner.context.close(), other.context.close()]);
});

test('a #tag in a caption links to the tag page, which lists its photos; @handles link to people', async ({ browser }, info) => {
  const tagger = await newUser(browser, 'tagger');
  const tag = `夕焼け${Date.now().toString(36)}`;
  const photo = await (
    await tagger.context.request.post('/api/v1/photos', {
      multipart: {
        caption: `evening sky #${tag} with @${tagger.handle}`,
        image: { name: 'p.png', mimeType: 'image/png', buffer: makePng(320, 240, 43) },
      },
    })
  ).json();
  const page = tagger.page;
  await page.goto(`/p/${photo.id}`);
  await expect(page.getByTestId('caption').getByRole('link', { name: `@${tagger.handle}` })).toHaveAttribute('href', `/u/${tagger.handle}`);
  await page.getByTestId('caption').getByRole('link', { name: `#${tag}` }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${encodeURIComponent(tag)}$`));
  await expect(page.getByRole('heading', { name: `#${tag}` })).toBeVisible();
  await expect(page.getByTestId('photo-grid').locator('li')).toHaveCount(1);
  await snap(page, info, 'tag-page');
  await page.goto('/popular');
  await expect(page.getByTestId('trending-tags')).toContainText(`#${tag}`);
  await tagger.context.close();
});
