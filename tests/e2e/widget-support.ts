/**
 * Shared steps for the support widget's browser tests. The widget is embedded in pages of a second
 * server (tests/e2e/host-server.mjs, another origin with a strict CSP), sites are made by the run's
 * admin, and the agent is a raw socket in Node (the agent console is a separate piece of work).
 *
 * Two instruments are added to every page, both through the DevTools protocol, so that neither is
 * subject to the page's CSP:
 * - a `securitypolicyviolation` listener that fails the test, next to support.ts's console check;
 * - unless a test opts out (`test.use({ pierceShadow: false })`), the widget's closed shadow root
 *   is attached open, because Playwright's locators cannot enter closed roots. Nothing in the
 *   widget depends on the mode; widget-isolation.spec.ts checks the real, closed one.
 */
import { randomBytes } from 'node:crypto';
import { type APIRequestContext, type Page, request as playwrightRequest } from '@playwright/test';
import type { ConversationView } from '../../shared/protocol.js';
import { RawSocket } from '../support/clients.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './admin.js';
import { test as base, expect } from './support.js';

export { expect };

export const HOST_URL = process.env.SWITCHBOARD_E2E_HOST_URL ?? 'http://127.0.0.1:3211';
export const SERVER_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}`;

export const XSS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
] as const;

export const test = base.extend<{ pierceShadow: boolean; instruments: undefined }>({
  pierceShadow: [true, { option: true }],
  instruments: [
    async ({ context, guard, pierceShadow }, use) => {
      await context.exposeBinding('__sbViolation', (_source, text: string) => {
        guard.problems.push(`CSP violation: ${text}`);
      });
      await context.addInitScript(() => {
        document.addEventListener(
          'securitypolicyviolation',
          (e) =>
            (window as unknown as { __sbViolation(text: string): void }).__sbViolation(
              `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} on ${location.href}`,
            ),
          true,
        );
        // Counts the page's WebSockets: for checks made in the page at a precise moment.
        const Native = window.WebSocket;
        const w = window as unknown as { sbSocketsOpened: number };
        w.sbSocketsOpened = 0;
        window.WebSocket = class extends Native {
          constructor(...args: ConstructorParameters<typeof WebSocket>) {
            super(...args);
            w.sbSocketsOpened++;
          }
        };
      });
      if (pierceShadow) {
        await context.addInitScript(() => {
          const attach = Element.prototype.attachShadow;
          Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
            return attach.call(
              this,
              this.localName === 'switchboard-widget' ? { ...init, mode: 'open' } : init,
            );
          };
        });
      }
      await use(undefined);
    },
    { auto: true },
  ],
});

// ---- sites, agents and visitors (Node side) -----------------------------------------------------

const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

/** The run's admin, signed in, for this worker. */
let adminContext: Promise<APIRequestContext> | null = null;
export function admin(): Promise<APIRequestContext> {
  adminContext ??= (async () => {
    const context = await playwrightRequest.newContext({
      baseURL: SERVER_URL,
      extraHTTPHeaders: { origin: SERVER_URL },
    });
    const login = await context.post('/api/auth/login', {
      data: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    });
    expect(login.status(), 'the admin signs in').toBe(200);
    return context;
  })();
  return adminContext;
}

export interface SiteOptions {
  prechat?: boolean;
  greeting?: string;
  /** Business hours that exclude today: the widget is "outside business hours". */
  closedToday?: boolean;
}

/** A site whose widget may run on the host pages' origin; resolves to its key. */
export async function createSite(options: SiteOptions = {}): Promise<string> {
  const closedDay = (new Date().getUTCDay() + 3) % 7;
  const res = await (await admin()).post('/api/admin/sites', {
    data: {
      name: unique('Acme '),
      allowedOrigins: [HOST_URL],
      options: {
        prechat: options.prechat ?? false,
        greeting: options.greeting ?? 'Hi! Ask us anything about your order.',
        businessHours: options.closedToday
          ? { timezone: 'UTC', days: [closedDay], open: '00:00', close: '23:59' }
          : null,
      },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { site: { key: string } }).site.key;
}

export interface Agent {
  id: string;
  name: string;
  cookie: string;
  /** Signed in with its token, subscribed to the queue (so the widget says "online"). */
  desk: RawSocket;
  /** The support API with the agent's session. */
  get(path: string): Promise<any>;
  close(): Promise<void>;
}

/** A new user, promoted to agent, online and watching the queue. */
export async function onlineAgent(): Promise<Agent> {
  const name = unique('agent');
  const password = 'correct horse battery';
  const res = await fetch(`${SERVER_URL}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  expect(res.status).toBe(201);
  const token = /sb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const { user } = (await res.json()) as { user: { id: string } };
  const promoted = await (await admin()).patch(`/api/admin/users/${user.id}`, { data: { role: 'agent' } });
  expect(promoted.status()).toBe(200);
  const cookie = `sb_session=${token}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const answer = await fetch(`${SERVER_URL}${path}`, {
      method,
      headers: {
        cookie,
        origin: SERVER_URL,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(answer.status, `${method} ${path}`).toBeLessThan(300);
    return answer.status === 204 ? null : answer.json();
  };
  await call('PUT', '/api/support/availability', { availability: 'online' });
  const desk = await RawSocket.hello(`${SERVER_URL.replace(/^http/, 'ws')}/ws`, token);
  desk.send({ type: 'sub', stream: 'queue:support' });
  await desk.next('subscribed');
  return {
    id: user.id,
    name,
    cookie,
    desk,
    get: (path) => call('GET', path),
    async close() {
      desk.close();
      await call('PUT', '/api/support/availability', { availability: 'away' });
    },
  };
}

/** Waits for the queue to announce a conversation whose last message is `text`. */
export async function conversationFor(agent: Agent, text: string): Promise<ConversationView> {
  const event = await agent.desk.next(
    'event',
    (e) => e.event === 'conversation' && (e.data as ConversationView).lastPreview === text.slice(0, 140),
    10_000,
  );
  return event.data as ConversationView;
}

/** The agent claims the conversation and follows it; resolves once subscribed. */
export async function claim(agent: Agent, id: string): Promise<void> {
  agent.desk.send({ type: 'assign', stream: `conv:${id}`, to: agent.id });
  agent.desk.send({ type: 'sub', stream: `conv:${id}`, after: 0 });
  await agent.desk.next('subscribed', (s) => s.stream === `conv:${id}`);
}

/** The agent replies; resolves to the stored seq. */
export async function reply(agent: Agent, id: string, text: string): Promise<number> {
  const clientMsgId = unique('r');
  agent.desk.send({ type: 'send', stream: `conv:${id}`, clientMsgId, text });
  return (await agent.desk.next('ack', (a) => a.clientMsgId === clientMsgId)).seq;
}

/** The widget HTTP API as the host page's origin calls it, from Node. */
export async function widgetCall(
  site: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<any> {
  const headers: Record<string, string> = { origin: HOST_URL };
  if (options.token) headers['x-switchboard-visitor'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${SERVER_URL}/api/widget${path}${sep}site=${site}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.status === 204 ? null : res.json();
}

// ---- the host page and the widget in it ---------------------------------------------------------

export type HostPage = 'plain' | 'hostile' | 'api';

/** Opens a host page with the widget of `site` (data attributes from `attrs`). */
export async function openHost(
  page: Page,
  site: string | null,
  options: { page?: HostPage; attrs?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<void> {
  const query = new URLSearchParams({ ...(site ? { site } : {}), ...options.attrs, ...options.query });
  await page.goto(`${HOST_URL}/${options.page ?? 'plain'}.html?${query}`);
}

/** The visitor token a host page keeps for `site`. */
export const tokenKey = (site: string) => `switchboard:${site}:visitor`;

/** Starts every page of the context as a returning visitor of `site` with `token`. */
export async function returningVisitor(page: Page, site: string, token: string): Promise<void> {
  await page.context().addInitScript(
    ([origin, key, value]) => {
      if (location.origin === origin) localStorage.setItem(key as string, value as string);
    },
    [HOST_URL, tokenKey(site), token],
  );
}

export const widget = (page: Page) => page.locator('switchboard-widget');
export const launcher = (page: Page) => widget(page).locator('button.l');
export const unreadDot = (page: Page) => widget(page).locator('.l .d');
export const panel = (page: Page) => widget(page).getByRole('dialog');
export const composer = (page: Page) => panel(page).getByRole('textbox', { name: 'Message' });
export const messages = (page: Page) => panel(page).getByRole('log', { name: 'Messages' });
export const bubbles = (page: Page) => messages(page).locator('.bu');

export async function openWidget(page: Page): Promise<void> {
  await launcher(page).click();
  await expect(panel(page)).toBeVisible();
}

/** Writes in the widget and waits until the message is stored (no "Sending…" left). */
export async function write(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(bubbles(page).filter({ hasText: text }).last()).toBeVisible();
  await expect(panel(page).locator('.st', { hasText: 'Sending…' })).toHaveCount(0, { timeout: 10_000 });
}

/** Requests a page made to the Switchboard server, in order (URL path and query). */
export function recordServerTraffic(page: Page): {
  requests: string[];
  sockets: string[];
  subscribed: string[];
} {
  const seen = { requests: [] as string[], sockets: [] as string[], subscribed: [] as string[] };
  page.on('request', (req) => {
    if (req.url().startsWith(SERVER_URL))
      seen.requests.push(`${req.method()} ${req.url().slice(SERVER_URL.length)}`);
  });
  page.on('websocket', (ws) => {
    seen.sockets.push(ws.url());
    // The streams the server has caught the page up on: live frames (typing) reach it from then.
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"subscribed"')) return;
      const frame = JSON.parse(payload) as { type?: string; stream?: string };
      if (frame.type === 'subscribed' && frame.stream) seen.subscribed.push(frame.stream);
    });
  });
  return seen;
}
