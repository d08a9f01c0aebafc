import { composer, expect, register, roomLink, test, uniqueName } from './support.js';

test.use({ viewport: { width: 360, height: 740 } });

test('at 360 px the room list is a drawer behind a toggle, and nothing scrolls sideways', async ({
  page,
}) => {
  await register(page, uniqueName('narrow'));
  const rooms = page.getByRole('navigation', { name: 'Rooms' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');
  await expect(rooms).toBeHidden();
  await expect(composer(page)).toBeVisible();

  // Keyboard: the drawer takes focus when it opens, and Escape gives it back to the toggle.
  await page.getByRole('button', { name: 'Show rooms' }).click();
  await expect(rooms).toBeVisible();
  await expect(roomLink(page, 'General')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(rooms).toBeHidden();
  await expect(page.getByRole('button', { name: 'Show rooms' })).toBeFocused();

  await page.getByRole('button', { name: 'Show rooms' }).click();
  await roomLink(page, 'General').click();
  await expect(rooms).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
