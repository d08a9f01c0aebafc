/**
 * Direct messages between two browsers: started from the New message picker (by keyboard), live
 * in the other's list with an unread count, "Seen" once read (live and after a reload), the same
 * DM found again from a person's name, and read receipts turned off in the settings.
 */
import type { Page } from '@playwright/test';
import {
  expect,
  messageLog,
  register,
  roomLink,
  sendMessage,
  test,
  uniqueName,
  unreadBadge,
} from './support.js';

const dmSection = (page: Page) => page.getByRole('list', { name: 'Direct messages' });
const seen = (page: Page) => messageLog(page).locator('.msg-seen');

test('a DM between two browsers: picked by keyboard, live in the other list, and "Seen" once read', async ({
  page,
  newContext,
}) => {
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await register(page, alice);
  const bobPage = await (await newContext()).newPage();
  await register(bobPage, bob);
  await expect(dmSection(bobPage)).toBeAttached();
  await expect(bobPage.getByText('No direct messages yet.')).toBeVisible();

  // Alice picks Bob by typing the start of his name, then the keyboard.
  await page.getByRole('button', { name: 'New message' }).click();
  const to = page.getByRole('combobox', { name: 'To' });
  await expect(to).toBeFocused();
  await to.fill(bob.slice(0, -2));
  const option = page.getByRole('option', { name: bob });
  await expect(option).toBeVisible();
  await to.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await to.press('Enter');
  await expect(page.getByRole('list', { name: 'To' }).getByText(bob)).toBeVisible();
  await expect(page.getByRole('button', { name: `Remove ${bob}` })).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(bob);
  const dmUrl = page.url();
  // Its people are fixed: there is nothing to leave.
  await expect(page.getByRole('button', { name: `Leave ${bob}` })).toHaveCount(0);

  // Bob's list shows the DM at once, titled with Alice's name, and counts her message.
  await expect(roomLink(bobPage, alice)).toBeVisible();
  await sendMessage(page, 'hi bob, just us');
  await expect(unreadBadge(bobPage, alice)).toHaveText('1');
  await expect(seen(page)).toHaveCount(0);

  // Bob reads it: Alice sees "Seen" under her message, live.
  await roomLink(bobPage, alice).click();
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText(['hi bob, just us']);
  await expect(seen(page)).toHaveText('Seen');
  await page.reload();
  await expect(seen(page)).toHaveText('Seen');

  // A newer message of hers is not seen yet; Bob reading it moves "Seen" under it.
  await sendMessage(page, 'still there?');
  await expect(messageLog(bobPage).locator('.msg-text').last()).toHaveText('still there?');
  await expect(seen(page)).toHaveCount(1);
  await expect(messageLog(page).locator('.msg:has-text("still there?") + .msg-seen')).toHaveText('Seen');

  // "Message" on Bob's name in a room's presence list finds the same DM, not a new one.
  await roomLink(page, 'General').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');
  await roomLink(bobPage, 'General').click();
  await page.locator('.presence summary').click();
  await page.getByRole('button', { name: `Message ${bob}` }).click();
  await expect(page).toHaveURL(dmUrl);
  await expect(dmSection(page).locator('.room-link')).toHaveCount(1);
});

test('with read receipts turned off, others do not see "Seen" from you', async ({ page, newContext }) => {
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await register(page, alice);
  const bobPage = await (await newContext()).newPage();
  await register(bobPage, bob);

  // Bob turns receipts off in his settings.
  await bobPage.getByText('Settings', { exact: true }).click();
  const toggle = bobPage.getByRole('checkbox', { name: 'Send read receipts' });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toBeEnabled();
  await bobPage.reload();
  await bobPage.getByText('Settings', { exact: true }).click();
  await expect(bobPage.getByRole('checkbox', { name: 'Send read receipts' })).not.toBeChecked();

  await page.getByRole('button', { name: 'New message' }).click();
  await page.getByRole('combobox', { name: 'To' }).fill(bob);
  await page.getByRole('option', { name: bob }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(bob);
  await sendMessage(page, 'read this quietly');

  await roomLink(bobPage, alice).click();
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText(['read this quietly']);
  await expect(unreadBadge(bobPage, alice)).toHaveCount(0);

  // After a reload, Alice's page is caught up once both are shown online in the DM; no "Seen".
  await page.reload();
  await expect(page.locator('.presence-count')).toHaveText('2 online');
  await expect(messageLog(page).locator('.msg-text')).toHaveText(['read this quietly']);
  await expect(seen(page)).toHaveCount(0);
});
