/**
 * Long-polling in a real browser: where WebSocket does not exist, where every socket to /ws is
 * refused, and where the address asks for it. Chat, history and unread counts work the same.
 */
import type { BrowserContext } from '@playwright/test';
import {
  connection,
  createRoom,
  expect,
  messageLog,
  register,
  roomLink,
  sdkClient,
  sendMessage,
  sessionToken,
  test,
  uniqueName,
  unreadBadge,
} from './support.js';

/** Removes WebSocket from every page of the context before any of the page's scripts run. */
async function withoutWebSocket(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const win = window as { WebSocket?: unknown };
    delete win.WebSocket;
    // Should the property survive the delete, shadow it: the app must find nothing to call.
    if (typeof win.WebSocket !== 'undefined') {
      Object.defineProperty(window, 'WebSocket', { value: undefined, configurable: true, writable: true });
    }
  });
}

test('without WebSocket, two users chat both ways over long-polling, with history and unread counts', async ({
  page,
  context,
  newContext,
}) => {
  await withoutWebSocket(context);
  const bobContext = await newContext();
  await withoutWebSocket(bobContext);
  const bobPage = await bobContext.newPage();

  await register(page, uniqueName('alice'));
  expect(await page.evaluate(() => typeof (window as { WebSocket?: unknown }).WebSocket)).toBe('undefined');
  await expect(connection(page)).toHaveAttribute('data-transport', 'polling');
  await expect(connection(page)).toHaveAttribute('data-why', 'websocket_unavailable');
  await expect(connection(page)).toContainText('Long-polling');
  await expect(connection(page)).toContainText('WebSocket unavailable');
  const title = `Polling ${uniqueName('')}`;
  const roomId = await createRoom(page, title);

  await register(bobPage, uniqueName('bob'));
  await expect(connection(bobPage)).toContainText('WebSocket unavailable');
  await bobPage.goto(`/rooms/${roomId}`);
  await bobPage
    .getByRole('main')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('.presence-count')).toHaveText('2 online');

  // Live, both ways.
  await sendMessage(page, 'hello over long-polling');
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText(['hello over long-polling']);
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
  await sendMessage(bobPage, 'and back again');
  await expect(messageLog(page).locator('.msg-text')).toHaveText([
    'hello over long-polling',
    'and back again',
  ]);

  // Unread: Alice reads another room while Bob writes in this one.
  await roomLink(page, 'General').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('General');
  await sendMessage(bobPage, 'one');
  await sendMessage(bobPage, 'two');
  await expect(unreadBadge(page, title)).toHaveText('2');
  await expect(page).toHaveTitle('(2) Switchboard');

  // History: a reload shows what was said before it.
  await bobPage.reload();
  await expect(connection(bobPage)).toContainText('Long-polling');
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText([
    'hello over long-polling',
    'and back again',
    'one',
    'two',
  ]);

  // Opening the room reads it.
  await roomLink(page, title).click();
  await expect(messageLog(page).locator('.msg-text')).toHaveText([
    'hello over long-polling',
    'and back again',
    'one',
    'two',
  ]);
  await expect(unreadBadge(page, title)).toHaveCount(0);
  await expect(page).toHaveTitle('Switchboard');
});

test('with every WebSocket to /ws refused, the app falls back to long-polling and chats with a WebSocket user', async ({
  page,
  newContext,
}) => {
  const alicePage = await (await newContext()).newPage();
  await register(alicePage, uniqueName('alice'));
  await expect(connection(alicePage)).toHaveAttribute('data-transport', 'websocket');
  const title = `Blocked ${uniqueName('')}`;
  const roomId = await createRoom(alicePage, title);

  // A proxy that accepts the upgrade and hangs up at once, every time.
  let refused = 0;
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    refused++;
    void ws.close({ code: 1011, reason: 'e2e: WebSocket refused' });
  });
  await register(page, uniqueName('bob'));
  await expect(connection(page)).toHaveAttribute('data-transport', 'polling');
  await expect(connection(page)).toContainText('Long-polling');
  await expect(connection(page)).toContainText(/WebSocket (blocked|did not open in time)/);
  expect(refused).toBeGreaterThanOrEqual(1);

  await page.goto(`/rooms/${roomId}`);
  await page
    .getByRole('main')
    .getByRole('button', { name: `Join ${title}` })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(connection(page)).toContainText('Long-polling');

  await sendMessage(alicePage, 'from a WebSocket');
  await expect(messageLog(page).locator('.msg-text')).toHaveText(['from a WebSocket']);
  await sendMessage(page, 'from long-polling');
  await expect(messageLog(alicePage).locator('.msg-text')).toHaveText([
    'from a WebSocket',
    'from long-polling',
  ]);
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
});

test('?transport=polling chooses long-polling, says so, keeps it across pages, and chats', async ({
  page,
  context,
  baseURL,
}) => {
  await register(page, uniqueName('chooser'), '/register?transport=polling');
  await expect(connection(page)).toHaveAttribute('data-transport', 'polling');
  await expect(connection(page)).toHaveAttribute('data-why', 'chosen');
  await expect(connection(page)).toContainText('Long-polling: chosen in the URL');
  await expect(page).toHaveURL(/\/rooms\/general\?transport=polling$/);

  const title = `Chosen ${uniqueName('')}`;
  const roomId = await createRoom(page, title);
  await expect(page).toHaveURL(new RegExp(`/rooms/${roomId}\\?transport=polling$`));
  await expect(page.getByRole('link', { name: 'Transport lab' })).toHaveAttribute(
    'href',
    '/lab?transport=polling',
  );

  // The same account on another connection (a WebSocket, from Node) is the other end.
  const stream = `room:${roomId}`;
  const other = await sdkClient(baseURL as string, await sessionToken(context), stream);
  try {
    const heard = new Promise<string>((resolve) => {
      other.on('message', (m) => resolve(m.text));
    });
    await sendMessage(page, 'sent over long-polling');
    await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
    expect(await heard).toBe('sent over long-polling');
    other.send(stream, 'pushed to long-polling');
    await expect(messageLog(page).locator('.msg-text')).toHaveText([
      'sent over long-polling',
      'pushed to long-polling',
    ]);
  } finally {
    other.close();
  }
  await expect(connection(page)).toContainText('Long-polling: chosen in the URL');
});

test('long-polling works in a browser without AbortSignal.any and AbortSignal.timeout', async ({ page }) => {
  // Browsers before 2024 lack AbortSignal.any; the SDK's polls need it, and the app fills it in.
  await page.addInitScript(() => {
    const statics = AbortSignal as { any?: unknown; timeout?: unknown };
    delete statics.any;
    delete statics.timeout;
  });
  await register(page, uniqueName('oldie'), '/register?transport=polling');
  await expect(connection(page)).toHaveAttribute('data-transport', 'polling');
  await createRoom(page, `Old browser ${uniqueName('')}`);
  await sendMessage(page, 'polled without AbortSignal.any');
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
});
