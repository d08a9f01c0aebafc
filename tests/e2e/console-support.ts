/**
 * Shared steps for the agent console's browser tests. The agent works in the browser; the site is
 * made and the agent promoted by the run's admin over HTTP; the visitor is simulated in Node (the
 * widget's own browser tests cover the widget's UI): its HTTP calls and its socket carry the
 * customer site's Origin, as a browser on that site would send them.
 */
import { type APIRequestContext, type Page, request as playwrightRequest } from '@playwright/test';
import type { ConversationView, MsgFrame } from '../../shared/protocol.js';
import { RawSocket } from '../support/clients.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './admin.js';
import { connection, expect, register, uniqueName } from './support.js';

export const SERVER_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}`;
/** The customer's site: the origin the visitor's requests come from. */
export const SITE_ORIGIN = 'http://127.0.0.1:3211';

export const XSS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
] as const;

/** The visitor's browser, as its requests announce it. */
export const VISITOR_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';

type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;

/** The run's admin session, signed in once per worker. */
let adminSession: Promise<StorageState> | null = null;

/**
 * Runs `use` with the admin signed in, on a fresh request context. NOTE: a context kept open
 * across tests reuses an idle keep-alive connection that the server may be closing just then
 * (ECONNRESET); a context per call never does.
 */
export async function asAdmin<T>(use: (admin: APIRequestContext) => Promise<T>): Promise<T> {
  adminSession ??= (async () => {
    const context = await playwrightRequest.newContext({
      baseURL: SERVER_URL,
      extraHTTPHeaders: { origin: SERVER_URL },
    });
    try {
      const login = await context.post('/api/auth/login', {
        data: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
      });
      expect(login.status(), 'the admin signs in').toBe(200);
      return await context.storageState();
    } finally {
      await context.dispose();
    }
  })();
  const context = await playwrightRequest.newContext({
    baseURL: SERVER_URL,
    // As the SPA's own requests do: a cookie-authenticated change must name our origin.
    extraHTTPHeaders: { origin: SERVER_URL },
    storageState: await adminSession,
  });
  try {
    return await use(context);
  } finally {
    await context.dispose();
  }
}

/** A site whose widget may run on SITE_ORIGIN; resolves to its key. */
export function createSite(name = uniqueName('Console shop ')): Promise<string> {
  return asAdmin(async (admin) => {
    const res = await admin.post('/api/admin/sites', {
      data: { name, allowedOrigins: [SITE_ORIGIN], options: { greeting: 'Hi!' } },
    });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { site: { key: string } }).site.key;
  });
}

/** The signed-in user of a page's context. */
async function me(page: Page): Promise<{ id: string; username: string; role: string }> {
  const res = await page.request.get('/api/me');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { user: { id: string; username: string; role: string } }).user;
}

/** Registers in the browser, is made an agent by the admin, and opens the console. */
export async function agentConsole(page: Page, prefix = 'agent'): Promise<{ id: string; name: string }> {
  const name = uniqueName(prefix);
  await register(page, name);
  const user = await me(page);
  await asAdmin(async (admin) => {
    const promoted = await admin.patch(`/api/admin/users/${user.id}`, { data: { role: 'agent' } });
    expect(promoted.status()).toBe(200);
  });
  // The role is read at sign-in: the console appears once the app loads again.
  await page.goto('/support');
  await expect(connection(page)).toContainText('Online');
  await expect(consoleRegion(page)).toBeVisible();
  return { id: user.id, name };
}

export const consoleRegion = (page: Page) => page.getByRole('region', { name: 'Support console' });
export const queueItem = (page: Page, conversationId: string) =>
  page.locator(`.queue-item[data-conversation="${conversationId}"]`);
export const timeline = (page: Page) => page.locator('.sm-log');
export const replyBox = (page: Page) => page.getByRole('textbox', { name: /^Reply to / });
export const noteBox = (page: Page) => page.getByRole('textbox', { name: 'Private note' });

/** A visitor of a site, in Node: the widget's HTTP API and its socket, from the site's origin. */
export class Visitor {
  socket: RawSocket | null = null;
  private sent = 0;

  private constructor(
    readonly site: string,
    readonly token: string,
  ) {}

  static async create(site: string): Promise<Visitor> {
    const answer = await widgetCall(site, 'POST', '/visitors');
    return new Visitor(site, (answer as { token: string }).token);
  }

  call(method: string, path: string, body?: unknown): Promise<unknown> {
    return widgetCall(this.site, method, path, { token: this.token, body });
  }

  /** Opens a conversation with a first message; resolves to its id. */
  async start(text: string, who: { name?: string; email?: string } = {}): Promise<string> {
    const answer = (await this.call('POST', '/conversations', { text, ...who })) as {
      conversation: { id: string };
    };
    return answer.conversation.id;
  }

  async page(url: string, title: string, timezone = 'Asia/Shanghai'): Promise<void> {
    await this.call('POST', '/page', { url, title, timezone });
  }

  /** Connects the visitor's socket and follows the conversation from the start. */
  async connect(conversationId: string): Promise<RawSocket> {
    const wsUrl = `${SERVER_URL.replace(/^http/, 'ws')}/ws?site=${encodeURIComponent(this.site)}`;
    const socket = new RawSocket(wsUrl, { headers: { origin: SITE_ORIGIN } });
    await socket.opened;
    socket.send({ type: 'hello', v: 1, visitor: this.token });
    await socket.next('welcome');
    socket.send({ type: 'sub', stream: `conv:${conversationId}`, after: 0 });
    await socket.next('subscribed', (s) => s.stream === `conv:${conversationId}`);
    this.socket = socket;
    return socket;
  }

  /** Writes over the socket; resolves to the stored seq. */
  async say(conversationId: string, text: string): Promise<number> {
    const socket = this.needSocket();
    const clientMsgId = `v${Date.now().toString(36)}${this.sent++}`;
    socket.send({ type: 'send', stream: `conv:${conversationId}`, clientMsgId, text });
    return (await socket.next('ack', (a) => a.clientMsgId === clientMsgId)).seq;
  }

  typing(conversationId: string, active: boolean): void {
    this.needSocket().send({ type: 'typing', stream: `conv:${conversationId}`, active });
  }

  read(conversationId: string, seq: number): void {
    this.needSocket().send({ type: 'read', stream: `conv:${conversationId}`, seq });
  }

  /** The next message on the conversation matching `text`. */
  message(text: string, timeoutMs = 5000): Promise<MsgFrame> {
    return this.needSocket().next('msg', (m) => m.text === text, timeoutMs);
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }

  private needSocket(): RawSocket {
    if (!this.socket) throw new Error('connect the visitor first');
    return this.socket;
  }
}

/** The widget HTTP API as the customer's page calls it, from Node. */
export async function widgetCall(
  site: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { origin: SITE_ORIGIN, 'user-agent': VISITOR_UA };
  if (options.token) headers['x-switchboard-visitor'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${SERVER_URL}/api/widget${path}${sep}site=${encodeURIComponent(site)}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  expect(res.status, `${method} ${path}: ${res.status === 204 ? '' : await res.clone().text()}`).toBeLessThan(
    300,
  );
  return res.status === 204 ? null : res.json();
}

export type { ConversationView };
