import { composer, createRoom, expect, register, roomLink, test, uniqueName } from './support.js';

test('a private room is in its owner’s list and, to an outsider, a room that does not exist', async ({
  page,
  newContext,
  baseURL,
}) => {
  await register(page, uniqueName('owner'));
  const title = `Hidden ${uniqueName('')}`;
  const made = await page.request.post('/api/rooms', {
    data: { title, kind: 'private' },
    headers: { origin: baseURL as string },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).room.id as string;
  // The owner's list updates live (rooms_changed), without a reload.
  await expect(roomLink(page, title)).toBeVisible();

  const outsider = await (await newContext()).newPage();
  await register(outsider, uniqueName('outsider'));
  await expect(outsider.getByText('General', { exact: true }).first()).toBeVisible();
  await expect(outsider.getByText(title)).toHaveCount(0);
  await outsider.goto(`/rooms/${id}`);
  await expect(outsider.getByText('There is no such room.')).toBeVisible();
});

test('a moderator bans a member, who loses the room at once and cannot join again', async ({
  page,
  newContext,
}) => {
  await register(page, uniqueName('mod'));
  const title = `Strict ${uniqueName('')}`;
  await createRoom(page, title);

  const bob = uniqueName('bob');
  const bobPage = await (await newContext()).newPage();
  await register(bobPage, bob);
  await bobPage.getByRole('button', { name: `Join ${title}` }).click();
  await expect(composer(bobPage)).toBeVisible();
  await expect(page.locator('.presence-count')).toHaveText('2 online');

  await page.locator('.moderation > summary').click();
  await page
    .getByRole('group', { name: `Moderate ${bob}` })
    .getByRole('button', { name: 'Ban' })
    .click();
  await expect(page.locator('.moderation-pop').getByRole('status')).toHaveText(`Done: ${bob}.`);

  // Bob's page drops the room live: no composer, the Join prompt instead; joining is refused.
  await expect(composer(bobPage)).toHaveCount(0);
  await bobPage
    .locator('.room-join')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(bobPage.getByRole('alert')).toContainText('banned');
});
