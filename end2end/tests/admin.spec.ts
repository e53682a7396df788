import { expect, test } from '@playwright/test';
import { imageLoaded, newAdmin, newUser, postPhoto, snap } from './helpers';
import { makePng } from './images';

test('an admin posts an announcement in the console and another user\'s open page shows it without a reload', async ({ browser }, info) => {
  const admin = await newAdmin(browser, { viewport: { width: 1280, height: 1400 } });
  const reader = await newUser(browser, 'reader');
  const streams: string[] = [];
  reader.page.on('request', (r) => {
    if (r.url().includes('/live')) streams.push(new URL(r.url()).pathname);
  });
  await reader.page.goto('/');
  await expect(reader.page.getByRole('heading', { name: 'Recent photos' })).toBeVisible();
  // One stream per page carries both the banner and Recent's new photos.
  await expect.poll(() => streams).toEqual(['/api/v1/live']);
  await expect(reader.page.getByTestId('announcement')).toHaveCount(0);

  await admin.page.goto('/admin');
  await expect(admin.page.getByRole('heading', { name: 'Admin console' })).toBeVisible();
  // An image made elsewhere (the composer, the default, has its own test in pwa.spec.ts).
  await admin.page.getByTestId('file-source').check();
  await admin.page.getByTestId('announcement-file').setInputFiles({
    name: 'maintenance.png',
    mimeType: 'image/png',
    buffer: makePng(1200, 200, 5),
  });
  await admin.page.getByTestId('announcement-submit').click();
  // Alt text is required: the form says so and posts nothing.
  await expect(reader.page.getByTestId('announcement')).toHaveCount(0);
  const alt = `Maintenance tonight from 22:00 UTC — uploads stay safe (${Date.now().toString(36)})`;
  await admin.page.getByTestId('announcement-alt-input').fill(alt);
  await admin.page.getByTestId('announcement-submit').click();
  await expect(admin.page.getByTestId('announcement-posted')).toBeVisible();
  await snap(admin.page, info, 'console-posted');

  // The reader's page, untouched since it opened, shows the banner with the alt text.
  const banner = reader.page.getByTestId('announcement');
  await expect(banner).toBeVisible({ timeout: 10_000 });
  await expect(reader.page.getByTestId('announcement-image')).toHaveAttribute('alt', alt);
  await imageLoaded(reader.page, '[data-testid="announcement-image"]');
  await snap(reader.page, info, 'reader-banner');

  // Collapsed, it stays collapsed after a reload; the history lists it.
  const toggle = reader.page.getByTestId('announcement-toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(reader.page.getByTestId('announcement-image')).toBeHidden();
  await reader.page.reload();
  await expect(reader.page.getByTestId('announcement-toggle')).toHaveAttribute('aria-expanded', 'false');
  await expect(reader.page.getByTestId('announcement-alt')).toContainText('Maintenance tonight');
  await snap(reader.page, info, 'reader-banner-collapsed');
  await reader.page.getByRole('link', { name: 'Past announcements' }).first().click();
  await expect(reader.page).toHaveURL(/\/announcements$/);
  await expect(reader.page.getByRole('main').getByText(alt)).toBeVisible();
  await snap(reader.page, info, 'announcement-history');

  // Taken down: it leaves the open page by itself.
  const current = await (await admin.context.request.get('/api/v1/announcements/current')).json();
  expect((await admin.context.request.delete(`/api/v1/announcements/${current.id}`)).status()).toBe(204);
  await expect(reader.page.getByTestId('announcement')).toHaveCount(0, { timeout: 10_000 });
  await reader.context.close();
  await admin.context.close();
});

test('the console is for admins: a 403 page for users, a log-in prompt for strangers', async ({ browser }, info) => {
  const stranger = await browser.newPage();
  const r = await stranger.goto('/admin');
  expect(r!.status()).toBe(401);
  await expect(stranger.getByText('Please log in first.')).toBeVisible();
  await expect(stranger.getByTestId('admin-console')).toHaveCount(0);
  await stranger.close();

  const user = await newUser(browser, 'curious');
  const denied = await user.page.goto('/admin');
  expect(denied!.status()).toBe(403);
  await expect(user.page.getByTestId('forbidden')).toBeVisible();
  await expect(user.page.getByRole('heading', { name: '403 — Admins only' })).toBeVisible();
  await expect(user.page.getByTestId('admin-console')).toHaveCount(0);
  await expect(user.page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await snap(user.page, info, 'forbidden');
  await user.context.close();

  const admin = await newAdmin(browser, { viewport: { width: 1280, height: 2200 } });
  await admin.page.goto('/');
  await admin.page.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(admin.page.getByTestId('admin-console')).toBeVisible();
  await expect(admin.page.getByTestId('sync-state')).toBeVisible();
  await expect(admin.page.getByTestId('backlog-objects')).toHaveText(/^\d+$/);
  // One node, this one, up.
  await expect(admin.page.getByTestId('node')).toHaveCount(1);
  await expect(admin.page.getByTestId('node')).toHaveAttribute('data-state', 'up');
  await expect(admin.page.getByTestId('nodes-card')).toContainText('Up');
  await snap(admin.page, info, 'console');
  await admin.context.close();
});

test('a reported photo is deleted from the moderation queue and the same image is refused after', async ({ browser }, info) => {
  const owner = await newUser(browser, 'poster');
  const photo = await postPhoto(owner.context.request, 'An advert in disguise', 77);
  const reporter = await newUser(browser, 'reporter');
  await reporter.page.goto(`/p/${photo.id}`);
  await reporter.page.getByTestId('report-button').click();
  await expect(reporter.page.getByTestId('report-form')).toBeVisible();
  await reporter.page.getByTestId('report-reason').selectOption('Spam');
  await reporter.page.getByTestId('report-details').fill('Sells sunglasses');
  await snap(reporter.page, info, 'report-form');
  await reporter.page.getByTestId('report-submit').click();
  await expect(reporter.page.getByTestId('report-done')).toHaveText('Thanks — an admin will review this photo.');

  const admin = await newAdmin(browser, { viewport: { width: 1280, height: 2400 } });
  await admin.page.goto('/admin');
  const item = admin.page.getByTestId('queue-item').filter({ hasText: 'Sells sunglasses' });
  await expect(item).toBeVisible();
  await expect(item).toContainText('Spam: Sells sunglasses');
  await snap(admin.page, info, 'moderation-queue');
  admin.page.once('dialog', (d) => d.accept());
  await item.getByTestId('delete-photo').click();
  await expect(item).toHaveCount(0);

  await reporter.page.goto(`/p/${photo.id}`);
  await expect(reporter.page.getByRole('heading', { name: 'Photo not found' })).toBeVisible();
  const again = await owner.context.request.post('/api/v1/photos', {
    multipart: { caption: 'again', image: { name: 'photo.png', mimeType: 'image/png', buffer: makePng(640, 480, 77) } },
  });
  expect(again.status()).toBe(451);
  expect((await again.json()).error).toContain('removed by an administrator');

  // The deletion is in the console's audit log, by this admin, and the filter finds it.
  await admin.page.reload();
  const audit = admin.page.getByTestId('audit-card');
  const deleted = audit.getByTestId('audit-entry').filter({ hasText: photo.id });
  await expect(deleted).toContainText('photo.delete');
  await expect(deleted).toContainText(`@${admin.handle}`);
  await audit.getByTestId('audit-filter').selectOption('user');
  await expect(audit.getByTestId('audit-entry').filter({ hasText: photo.id })).toHaveCount(0);
  await audit.getByTestId('audit-filter').selectOption('photo');
  await expect(audit.getByTestId('audit-entry').filter({ hasText: photo.id })).toHaveCount(1);
  await snap(admin.page, info, 'audit-log');
  await owner.context.close();
  await reporter.context.close();
  await admin.context.close();
});

test('an admin moves every photo to a new bucket from the console, and photos still load after', async ({ browser }, info) => {
  const owner = await newUser(browser, 'mover');
  const photo = await postPhoto(owner.context.request, 'Before the move', 91);
  const admin = await newAdmin(browser, { viewport: { width: 1280, height: 2400 } });
  await admin.page.goto('/admin');
  const card = admin.page.getByTestId('bucket-card');
  await expect(card).toBeVisible();

  // A name S3 would refuse: the card says why, in words, and nothing starts.
  admin.page.once('dialog', (d) => d.accept());
  await card.getByTestId('bucket-to').fill('Not A Bucket');
  await card.getByTestId('bucket-move').click();
  await expect(card.getByRole('alert')).toContainText('is not a valid S3 bucket name');
  await expect(card.getByTestId('bucket-running')).toHaveCount(0);

  const to = `moved-${Date.now().toString(36)}`;
  admin.page.once('dialog', (d) => d.accept());
  await card.getByTestId('bucket-to').fill(to);
  await card.getByTestId('bucket-move').click();
  await expect(card.getByTestId('bucket-running')).toContainText(to);
  await expect(card.getByTestId('bucket-move')).toBeDisabled();
  await snap(admin.page, info, 'bucket-moving');
  // Copy, a 12 s wait for every node to follow, a last pass.
  await expect(card.getByTestId('bucket-result')).toBeVisible({ timeout: 45_000 });
  await expect(card.getByTestId('bucket-switched')).toHaveText('Yes');
  await expect(card.getByTestId('bucket-failed')).toHaveText('0');
  await expect(admin.page.getByTestId('storage-card')).toContainText(to);
  await snap(admin.page, info, 'bucket-moved');

  await owner.page.goto(`/p/${photo.id}`);
  await imageLoaded(owner.page, 'img.photo-large');
  await owner.context.close();
  await admin.context.close();
});

test("an admin's header holds every link and action unclipped, from a phone to a wide desktop, in English and Japanese", async ({ browser }, info) => {
  for (const locale of ['en-US', 'ja-JP']) {
    const admin = await newAdmin(browser, { locale, viewport: { width: 390, height: 700 } });
    const page = admin.page;
    for (const width of [390, 800, 1024, 1099, 1100, 1280, 1440]) {
      await page.setViewportSize({ width, height: 700 });
      await page.goto('/');
      const nav = page.locator('.site-nav');
      await expect(nav.getByRole('link')).toHaveCount(5);
      // Nothing of the feeds' links is cut off or hidden under the actions (on a phone they
      // are tabs that scroll sideways).
      if (width >= 760) {
        const fits = await nav.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
        expect(fits, `${locale} at ${width} px: the links fit`).toBe(true);
      }
      const navBox = (await nav.boundingBox())!;
      const actions = (await page.locator('.site-actions').boundingBox())!;
      if (navBox.y === actions.y || Math.abs(navBox.y + navBox.height / 2 - (actions.y + actions.height / 2)) < 10) {
        expect(navBox.x + navBox.width, `${locale} at ${width} px: the links end before the actions`).toBeLessThanOrEqual(actions.x + 1);
      }
      expect(actions.x + actions.width, `${locale} at ${width} px: the actions are on the screen`).toBeLessThanOrEqual(width);
      if (width === 1024 && locale === 'ja-JP') await snap(page, info, 'header-admin-ja-1024');
    }
    await admin.context.close();
  }
});
