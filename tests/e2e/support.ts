/**
 * Shared steps for the browser tests. Every page of every context is watched: a JavaScript
 * dialog (an XSS payload that ran) or a Content-Security-Policy violation fails the test.
 */
import { randomBytes } from 'node:crypto';
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
  request as playwrightRequest,
} from '@playwright/test';
import WebSocket from 'ws';
import { createClient, type SwitchboardClient, type WebSocketConstructor } from '../../web/client/index.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './admin.js';

export { ADMIN_USERNAME };

export const PASSWORD = 'correct horse battery';

/** Usernames are unique per run, so tests never share an account. */
export const uniqueName = (prefix: string): string => `${prefix}${randomBytes(3).toString('hex')}`;

interface Guard {
  problems: string[];
}

function watch(context: BrowserContext, guard: Guard): void {
  context.on('dialog', (dialog) => {
    guard.problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      guard.problems.push(`CSP violation: ${message.text()}`);
    }
  });
  context.on('weberror', (error) => guard.problems.push(`uncaught: ${error.error().message}`));
}

export const test = base.extend<{ guard: Guard; newContext: () => Promise<BrowserContext> }>({
  guard: [
    async ({ context }, use) => {
      const guard: Guard = { problems: [] };
      watch(context, guard);
      await use(guard);
      expect(guard.problems, 'no dialogs, CSP violations or uncaught errors').toEqual([]);
    },
    { auto: true },
  ],
  /** Another browser context (another user), watched like the default one and closed after. */
  newContext: async ({ browser, guard }, use) => {
    const opened: BrowserContext[] = [];
    await use(async () => {
      const context = await newWatchedContext(browser, guard);
      opened.push(context);
      return context;
    });
    for (const context of opened) await context.close();
  },
});

async function newWatchedContext(browser: Browser, guard: Guard): Promise<BrowserContext> {
  const context = await browser.newContext();
  watch(context, guard);
  return context;
}

export { expect };

/** The connection indicator. */
export const connection = (page: Page) => page.locator('.conn');

/**
 * Registers through the form and waits until the app is connected. `path` is where the form is
 * opened, with any query the app should keep (`/register?transport=polling`).
 */
export async function register(page: Page, username: string, path = '/register'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(connection(page)).toContainText('Online');
}

/** Signs in as the run's admin (registered by the global setup) through the form. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(ADMIN_USERNAME);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(connection(page)).toContainText('Online');
}

/** An API key made by the admin over HTTP (for tests about pushing, not about the keys page). */
export async function adminApiKey(baseURL: string, scopes: string[]): Promise<string> {
  const admin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  try {
    const login = await admin.post('/api/auth/login', {
      data: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    });
    expect(login.status(), 'the admin signs in').toBe(200);
    const made = await admin.post('/api/admin/keys', { data: { name: uniqueName('e2e key '), scopes } });
    expect(made.status(), 'the admin makes a key').toBe(201);
    return ((await made.json()) as { token: string }).token;
  } finally {
    await admin.dispose();
  }
}

/** Pushes an event with an API key, as a team's backend would. */
export const pushEvent = (
  request: APIRequestContext,
  token: string,
  body: { target: { room: string } | { user: string } | { topic: string }; event: string; data?: unknown },
) => request.post('/api/push', { headers: { authorization: `Bearer ${token}` }, data: body });

/** The event lines (pushed events) in the open room's message list. */
export const eventLines = (page: Page) => messageLog(page).locator('.event-line');

/** Creates a room through the sidebar form; resolves to its id (from the URL it opens). */
export async function createRoom(page: Page, title: string, topic = ''): Promise<string> {
  await page.getByRole('button', { name: 'New room' }).click();
  await page.getByLabel('Title').fill(title);
  if (topic) await page.getByLabel('Topic (optional)').fill(topic);
  const before = page.url();
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(page).not.toHaveURL(before);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const id = new URL(page.url()).pathname.split('/').pop();
  if (!id) throw new Error(`no room id in ${page.url()}`);
  return decodeURIComponent(id);
}

/** A joined room's entry in the sidebar, found by its exact title. */
export const roomLink = (page: Page, title: string) =>
  page.locator('.room-link').filter({ has: page.locator('.room-name').getByText(title, { exact: true }) });

/** The unread badge of a joined room's entry. */
export const unreadBadge = (page: Page, title: string) =>
  roomLink(page, title).locator('.badge:not(.badge-mention) > [aria-hidden="true"]');

/** The mentions badge ("@2") of a joined room's entry. */
export const mentionBadge = (page: Page, title: string) =>
  roomLink(page, title).locator('.badge-mention > [aria-hidden="true"]');

export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });
export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

export async function sendMessage(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(messageLog(page).locator('.msg-text', { hasText: text }).last()).toBeVisible();
}

/** The session token of a browser context (the HttpOnly cookie, read through the context). */
export async function sessionToken(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'sb_session');
  if (!cookie) throw new Error('the context has no sb_session cookie; register first');
  return cookie.value;
}

/** The real SDK in Node, signed in with a session token, connected and subscribed to `stream`. */
export async function sdkClient(baseURL: string, token: string, stream: string): Promise<SwitchboardClient> {
  const client = createClient({
    url: `${baseURL.replace(/^http/, 'ws')}/ws`,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    token,
  });
  const subscribed = new Promise<void>((resolve) => {
    const off = client.on('subscribed', (info) => {
      if (info.stream === stream) {
        off();
        resolve();
      }
    });
  });
  client.subscribe(stream);
  client.connect();
  await subscribed;
  return client;
}

/** Sends `texts` in order and resolves once every one is acknowledged. */
export async function sendAll(client: SwitchboardClient, stream: string, texts: string[]): Promise<void> {
  const pending = new Set<string>();
  const done = new Promise<void>((resolve, reject) => {
    const off = client.on('outbox', (entry) => {
      if (entry.status === 'pending') return;
      if (entry.status === 'failed') reject(new Error(`send failed: ${entry.error}`));
      pending.delete(entry.clientMsgId);
      if (pending.size === 0) {
        off();
        resolve();
      }
    });
  });
  for (const text of texts) pending.add(client.send(stream, text).clientMsgId);
  await done;
}
