import {
  composer,
  connection,
  createRoom,
  eventLines,
  expect,
  pushEvent,
  register,
  roomLink,
  signInAsAdmin,
  test,
  uniqueName,
} from './support.js';

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

test('at 360 px the API keys and jobs pages and an event line fit, and a running job keeps the top bar on one row', async ({
  page,
  request,
}) => {
  const fits = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await signInAsAdmin(page);

  // The admin's page is in the drawer, under the rooms.
  await page.getByRole('button', { name: 'Show rooms' }).click();
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API keys');
  await page.getByLabel('Name').fill(uniqueName('narrow-'));
  await page.getByRole('checkbox', { name: /room:\*/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const tokenField = page.getByRole('textbox', { name: 'The key' });
  await expect(tokenField).toBeVisible();
  const token = await tokenField.inputValue();
  await fits();

  await page.getByRole('banner').getByRole('link', { name: /^Jobs/ }).click();
  await page.getByRole('button', { name: 'Start download' }).click();
  await expect(page.locator('.job-progress')).toBeVisible();
  const pill = page.getByRole('banner').locator('.job-pill');
  await expect(pill).toBeVisible();
  const toggle = await page.getByRole('button', { name: 'Show rooms' }).boundingBox();
  const conn = await connection(page).boundingBox();
  expect(Math.abs((conn?.y ?? 0) - (toggle?.y ?? 100)), 'the connection shares the first row').toBeLessThan(
    20,
  );
  await fits();

  await page.getByRole('button', { name: 'Show rooms' }).click();
  const roomId = await createRoom(page, `Narrow ${uniqueName('')}`);
  const long = `${'word '.repeat(60)}${'x'.repeat(120)}`;
  const pushed = await pushEvent(request, token, {
    target: { room: roomId },
    event: 'alert.fired',
    data: { text: long },
  });
  expect(pushed.status()).toBe(202);
  const data = eventLines(page).locator('.event-data');
  await expect(data).toContainText('word word');
  // Three lines at most: the summary is clamped, and the line still fits the screen.
  expect((await data.boundingBox())?.height ?? 0).toBeLessThan(4 * 20);
  await fits();
});
