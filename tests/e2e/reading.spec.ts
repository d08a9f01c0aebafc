/**
 * The reading flow and mentions (#13): a room opens at its first unread message under a "New"
 * divider, newer messages gather in a pill while the reader is scrolled up, and a mention of you
 * counts in the room list and the title, and is highlighted.
 */
import {
  composer,
  createRoom,
  expect,
  mentionBadge,
  messageLog,
  register,
  roomLink,
  sdkClient,
  sendAll,
  sessionToken,
  test,
  uniqueName,
  unreadBadge,
} from './support.js';

test('an empty room invites the first message', async ({ page }) => {
  await register(page, uniqueName('alice'));
  await createRoom(page, `Empty ${uniqueName('')}`);
  await expect(page.getByText('No messages yet. Say hello!')).toBeVisible();
  await page.getByRole('button', { name: 'Write the first message' }).click();
  await expect(composer(page)).toBeFocused();
});

test('a room opens at its first unread message under "New"; a pill counts newer ones while scrolled up', async ({
  page,
  newContext,
  baseURL,
}) => {
  await register(page, uniqueName('alice'));
  const title = `Reading ${uniqueName('')}`;
  const roomId = await createRoom(page, title);

  const bobContext = await newContext();
  const bobPage = await bobContext.newPage();
  await register(bobPage, uniqueName('bob'));
  await bobPage.goto(`/rooms/${roomId}`);
  await bobPage
    .getByRole('main')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText(title);
  const stream = `room:${roomId}`;
  const bob = await sdkClient(baseURL as string, await sessionToken(bobContext), stream);

  // Alice is elsewhere while Bob writes more than one page (50) of messages.
  await roomLink(page, 'General').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');
  const texts = Array.from({ length: 70 }, (_, i) => `unread ${i + 1}`);
  await sendAll(bob, stream, texts);
  await expect(unreadBadge(page, title)).toHaveText('70');

  await roomLink(page, title).click();
  const log = messageLog(page);
  const divider = page.locator('.new-divider');
  await expect(divider).toHaveText('New');
  // The divider sits just above the first unread message, which is in view; the newest is not.
  const first = log.locator('.msg-text', { hasText: /^unread 1$/ });
  await expect(first).toBeInViewport();
  await expect(log.locator('.msg-text', { hasText: /^unread 70$/ })).not.toBeInViewport();
  expect(await divider.evaluate((el) => el.nextElementSibling?.querySelector('.msg-text')?.textContent)).toBe(
    'unread 1',
  );
  await expect(log.locator('.day-separator').first()).toHaveText('Today');

  // Scrolled up, newer messages do not move the view: they gather in the pill.
  await sendAll(bob, stream, ['fresh 1', 'fresh 2']);
  const pill = page.getByRole('button', { name: '2 new messages ↓' });
  await expect(pill).toBeVisible();
  await expect(log.locator('.msg-text', { hasText: 'fresh 2' })).not.toBeInViewport();
  await pill.click();
  await expect(log.locator('.msg-text', { hasText: 'fresh 2' })).toBeInViewport();
  await expect(pill).toBeHidden();

  // At the bottom, a new message follows into view; scrolled up again, "Jump to latest" is there.
  await sendAll(bob, stream, ['fresh 3']);
  await expect(log.locator('.msg-text', { hasText: 'fresh 3' })).toBeInViewport();
  await page.locator('.messages').evaluate((el) => {
    el.scrollTop = 0;
  });
  const jump = page.getByRole('button', { name: 'Jump to latest ↓' });
  await jump.click();
  await expect(log.locator('.msg-text', { hasText: 'fresh 3' })).toBeInViewport();
  await expect(jump).toBeHidden();
  // The divider stays where the unread messages began for as long as the room is open.
  await expect(divider).toHaveCount(1);
  bob.close();
});

test('a mention is completed from the members, counted in the list and the title, and highlighted', async ({
  page,
  newContext,
}) => {
  const aliceName = uniqueName('alice');
  await register(page, aliceName);
  const title = `Mentions ${uniqueName('')}`;
  const roomId = await createRoom(page, title);

  const bobPage = await (await newContext()).newPage();
  await register(bobPage, uniqueName('bob'));
  await bobPage.goto(`/rooms/${roomId}`);
  await bobPage
    .getByRole('main')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText(title);

  await roomLink(page, 'General').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');

  // Bob types "@ali": Alice is offered; Enter completes her name.
  const box = composer(bobPage);
  await box.fill('');
  await box.pressSequentially(`thanks @${aliceName.slice(0, 4)}`);
  const options = bobPage.getByRole('listbox', { name: 'People to mention' });
  await expect(options.getByRole('option', { name: `@${aliceName}` })).toBeVisible();
  await expect(box).toHaveAttribute('aria-activedescendant', /.+/);
  await box.press('Enter');
  await expect(box).toHaveValue(`thanks @${aliceName} `);
  await expect(options).toBeHidden();
  // Escape closes the list and keeps what was typed.
  await box.pressSequentially('and @');
  await expect(options).toBeVisible();
  await box.press('Escape');
  await expect(options).toBeHidden();
  await box.pressSequentially('nobody, **well done**');
  await box.press('Enter');
  await expect(messageLog(bobPage).locator('.msg-text strong', { hasText: 'well done' })).toBeVisible();
  // A member may not notify the whole room: said before anything is sent.
  await box.fill('@room lunch?');
  await box.press('Enter');
  await expect(bobPage.getByRole('alert')).toContainText('Only the room’s owners and moderators');
  await expect(box).toHaveValue('@room lunch?');

  await expect(mentionBadge(page, title)).toHaveText('@1');
  await expect(unreadBadge(page, title)).toHaveText('1');
  await expect(page).toHaveTitle('@1 · (1) Switchboard');

  // After a reload too: the count comes from the server.
  await page.reload();
  await expect(mentionBadge(page, title)).toHaveText('@1');

  await roomLink(page, title).click();
  const mention = messageLog(page).locator('.msg.mentions-me .mention-me');
  await expect(mention).toHaveText(`@${aliceName}`);
  await expect(mentionBadge(page, title)).toHaveCount(0);
  await expect(page).toHaveTitle('Switchboard');
});
