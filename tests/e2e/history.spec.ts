import {
  createRoom,
  expect,
  messageLog,
  register,
  sdkClient,
  sendAll,
  sessionToken,
  test,
  uniqueName,
} from './support.js';

const TOTAL = 120;

test(`scrolls back through ${TOTAL} messages, a page at a time, by scrolling and by keyboard`, async ({
  page,
  context,
  baseURL,
}) => {
  await register(page, uniqueName('hist'));
  const roomId = await createRoom(page, `History ${uniqueName('')}`);
  const stream = `room:${roomId}`;
  const client = await sdkClient(baseURL as string, await sessionToken(context), stream);
  await sendAll(
    client,
    stream,
    Array.from({ length: TOTAL }, (_, i) => `history message ${i + 1}`),
  );
  client.close();

  await page.reload();
  const texts = messageLog(page).locator('.msg-text');
  await expect(texts.last()).toHaveText(`history message ${TOTAL}`);
  await expect(texts).toHaveCount(50);
  await expect(texts.first()).toHaveText('history message 71');

  // Scrolling to the top loads the page before, and keeps the reader where they were.
  await page.locator('.messages').evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(texts).toHaveCount(100);
  await expect(texts.first()).toHaveText('history message 21');
  await expect(messageLog(page).getByText('history message 71', { exact: true })).toBeInViewport();

  // The button does the same from the keyboard.
  const older = page.getByRole('button', { name: 'Load older messages' });
  await older.focus();
  await page.keyboard.press('Enter');
  await expect(texts).toHaveCount(TOTAL);
  await expect(texts.first()).toHaveText('history message 1');
  await expect(older).toHaveCount(0);
  await expect(page.getByText('This is the beginning of the room.')).toBeAttached();
});
