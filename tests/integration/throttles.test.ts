/**
 * Throttles on anonymous and expensive creation (issue #12 items 3, 4 and 5), against a real
 * server with small limits. Addresses come from X-Forwarded-For (TRUST_PROXY=true, as behind a
 * proxy) or from a real second loopback address (127.0.0.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser, uniqueName } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { rawHttp } from '../support/raw-http.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let admin: TestUser;
const SITE_ORIGIN = 'https://shop.example';

beforeAll(async () => {
  server = await startServerProcess({
    env: {
      TRUST_PROXY: 'true',
      SIGNUP_RATE_BURST: '3',
      SIGNUP_RATE_REFILL_MS: '600000',
      LOGIN_RATE_BURST: '12',
      LOGIN_RATE_REFILL_MS: '600000',
      VISITOR_RATE_BURST: '5',
      VISITOR_RATE_REFILL_MS: '600000',
    },
  });
  // From 127.0.0.1 itself (no X-Forwarded-For): the first account, the admin.
  admin = await register(server.url, 'throttleadmin');
});
afterAll(async () => {
  await server?.stop();
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });

const signUp = (ip: string, username = uniqueName(), password = 'correct horse') =>
  fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...from(ip) },
    body: JSON.stringify({ username, password }),
  });

const signIn = (ip: string, username: string, password: string) =>
  fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...from(ip) },
    body: JSON.stringify({ username, password }),
  });

async function newSite(): Promise<string> {
  const res = await api(server.url, admin, 'POST', '/api/admin/sites', {
    name: uniqueName('site'),
    allowedOrigins: [SITE_ORIGIN],
  });
  expect(res.status).toBe(201);
  return res.json.site.key as string;
}

const widget = (site: string, path: string, ip: string, options: { token?: string; body?: unknown } = {}) =>
  fetch(`${server.url}/api/widget${path}?site=${site}`, {
    method: 'POST',
    headers: {
      origin: SITE_ORIGIN,
      ...from(ip),
      ...(options.token ? { 'x-switchboard-visitor': options.token } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });

async function refusal(res: Response): Promise<{ code: string; message: string; retryAfter: number }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { ...body.error, retryAfter: Number(res.headers.get('retry-after')) };
}

describe('sign-ups per address', () => {
  it('takes 3 sign-ups from one address, then answers 429 naming the limit; another address still signs up', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signUp('198.51.100.1')).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = await refusal(await signUp('198.51.100.1'));
    expect(refused.code).toBe('rate_limited');
    expect(refused.message).toContain('sign-ups from one address (3 at once, then one per 600 s)');
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect((await signUp('198.51.100.2')).status).toBe(201);
  });

  it('does not spend a token on a request refused before the costly part (a bad username)', async () => {
    for (let i = 0; i < 5; i++) expect((await signUp('198.51.100.3', 'x')).status).toBe(400);
    expect((await signUp('198.51.100.3')).status).toBe(201);
  });
});

describe('password attempts', () => {
  it('throttles spraying one password across many accounts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      statuses.push((await signIn('198.51.100.10', `victim${i}`, 'Summer2026!')).status);
    }
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(401));
    expect(statuses.slice(12)).toEqual([429, 429, 429]);
    const refused = await refusal(await signIn('198.51.100.10', 'victim99', 'Summer2026!'));
    expect(refused.message).toContain('sign-in attempts from one address');
    // Another address is not affected.
    expect((await signIn('198.51.100.11', 'victim0', 'Summer2026!')).status).toBe(401);
  });

  it('an attacker failing on purpose from one address cannot lock the owner out of theirs', async () => {
    const owner = await register(server.url);
    const statuses: number[] = [];
    // LOGIN_RATE_BURST 12: at one account from one address, a third of it.
    for (let i = 0; i < 5; i++)
      statuses.push((await signIn('198.51.100.20', owner.username, 'wrong password')).status);
    expect(statuses).toEqual([...Array(4).fill(401), 429]);
    const refused = await refusal(await signIn('198.51.100.20', owner.username, 'correct horse'));
    expect(refused.message).toContain('sign-in attempts at this account from one address');
    // The owner, from their own address: a real second loopback address, no proxy header.
    const own = await rawHttp(`${server.url}/api/auth/login`, {
      method: 'POST',
      body: { username: owner.username, password: 'correct horse' },
      localAddress: '127.0.0.2',
    });
    expect(own.status).toBe(200);
    expect((await signIn('198.51.100.21', owner.username, 'correct horse')).status).toBe(200);
  });
});

describe('widget visitors and conversations', () => {
  it('150 visitors from one address in a burst: 5 created, the rest 429; another address still gets one', async () => {
    const site = await newSite();
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => widget(site, '/visitors', '203.0.113.50')),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(145);
    const refused = await refusal(answers.find((r) => r.status === 429) as Response);
    expect(refused.message).toContain('new widget visitors from one address');
    // The refusal still carries the site's CORS headers, so the widget can read it.
    expect(answers.find((r) => r.status === 429)?.headers.get('access-control-allow-origin')).toBe(
      SITE_ORIGIN,
    );
    expect((await widget(site, '/visitors', '203.0.113.51')).status).toBe(201);
  });

  it('caps one site at ten times the burst however many addresses ask', async () => {
    const site = await newSite();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await widget(site, '/visitors', `192.0.2.${i + 1}`)).status);
    expect(statuses.slice(0, 50)).toEqual(Array(50).fill(201));
    expect(statuses.slice(50)).toEqual(Array(10).fill(429));
    const refused = await refusal(await widget(site, '/visitors', '192.0.2.200'));
    expect(refused.message).toContain('new widget visitors on this site');
  });

  it('throttles conversations started from one address', async () => {
    const site = await newSite();
    const visitor = await widget(site, '/visitors', '203.0.113.60');
    const { token } = (await visitor.json()) as { token: string };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await widget(site, '/conversations', '203.0.113.61', { token, body: { text: `hello ${i}` } }))
          .status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
  });
});

describe('refusals are counted and logged once per burst', () => {
  it('exports switchboard_refusals_total by reason', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/switchboard_refusals_total\{reason="signup"\} [1-9]/);
    expect(text).toMatch(/switchboard_refusals_total\{reason="login_address"\} [1-9]/);
    expect(text).toMatch(/switchboard_refusals_total\{reason="login_account"\} [1-9]/);
    expect(text).toMatch(/switchboard_refusals_total\{reason="visitor_address"\} 14\d/);
  });

  it('wrote one log line for the burst of 145 refused visitors, not one per request', () => {
    const lines = server.logs.filter((l) => l.includes('refused reason=visitor_address'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(server.logs.join('\n')).not.toMatch(/\n\s+at /);
  });
});

describe('sends to Transport lab streams', () => {
  let labServer: ServerProcess;
  beforeAll(async () => {
    labServer = await startServerProcess({ env: { RATE_BURST: '20', RATE_REFILL_MS: '1000' } });
  });
  afterAll(async () => {
    await labServer?.stop();
  });

  it('a burst of 600 sends over two lab runs stores at most the user’s burst of 20 (plus refill)', async () => {
    const user = await register(labServer.url);
    const socket = await RawSocket.hello(labServer.wsUrl, user.token);
    const started = Date.now();
    for (let i = 0; i < 600; i++) {
      const run = i % 2 === 0 ? 'runaaaaaaaa' : 'runbbbbbbbb';
      socket.send({
        type: 'send',
        stream: `lab:${user.id}.${run}`,
        clientMsgId: `m${i}`,
        text: `burst ${i}`,
      });
    }
    const answered = () => socket.frames.filter((f) => f.type === 'ack' || f.type === 'error');
    await until(() => answered().length === 600, 20_000, '600 acks or errors');
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const acks = answered().filter((f) => f.type === 'ack').length;
    const limited = answered().filter((f) => f.type === 'error' && f.code === 'rate_limited').length;
    expect(acks).toBeGreaterThanOrEqual(20);
    expect(acks).toBeLessThanOrEqual(20 + seconds);
    expect(acks + limited).toBe(600);
    socket.close();
  });
});
