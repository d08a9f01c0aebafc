import {
  createRoom,
  expect,
  register,
  roomLink,
  sendMessage,
  test,
  uniqueName,
  unreadBadge,
} from './support.js';

test('unread counts are live, survive a reload, show in the title, and clear in every tab', async ({
  page,
  context,
  newContext,
}) => {
  await register(page, uniqueName('alice'));
  const title = `Unread ${uniqueName('')}`;
  const roomId = await createRoom(page, title);

  const bobPage = await (await newContext()).newPage();
  await register(bobPage, uniqueName('bob'));
  await bobPage.goto(`/rooms/${roomId}`);
  await bobPage
    .getByRole('main')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText(title);

  // Alice reads another room while Bob writes in this one.
  await roomLink(page, 'General').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');
  await sendMessage(bobPage, 'are you there?');
  await sendMessage(bobPage, 'ping');
  await expect(unreadBadge(page, title)).toHaveText('2');
  await expect(page).toHaveTitle('(2) Switchboard');

  // A second tab of Alice's sees the same count.
  const secondTab = await context.newPage();
  await secondTab.goto('/rooms/general');
  await expect(unreadBadge(secondTab, title)).toHaveText('2');
  await expect(secondTab).toHaveTitle('(2) Switchboard');

  await page.reload();
  await expect(unreadBadge(page, title)).toHaveText('2');
  await expect(page).toHaveTitle('(2) Switchboard');

  // Opening the room reads it, here and in the other tab.
  await roomLink(page, title).click();
  await expect(page.locator('.msg-text')).toHaveText(['are you there?', 'ping']);
  await expect(unreadBadge(page, title)).toHaveCount(0);
  await expect(page).toHaveTitle('Switchboard');
  await expect(unreadBadge(secondTab, title)).toHaveCount(0);
  await expect(secondTab).toHaveTitle('Switchboard');

  // Nothing counts while the room is open.
  await sendMessage(bobPage, 'seen live');
  await expect(page.locator('.msg-text').last()).toHaveText('seen live');
  await expect(unreadBadge(secondTab, title)).toHaveCount(0);
  await expect(page).toHaveTitle('Switchboard');
});
