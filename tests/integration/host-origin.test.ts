/**
 * Host and Origin (issue #12 item 9): the server answers only the hosts it is meant to (so a
 * DNS-rebinding page cannot reach it), a cookie-authenticated upgrade or change needs our Origin,
 * and the first account (the admin) needs a loopback address or the setup code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { register, type TestUser, uniqueName } from '../support/api.js';
import { until } from '../support/clients.js';
import { rawHttp } from '../support/raw-http.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

/** The status an upgrade request gets (101 when it opens) and its body when refused. */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('upgrade', (res) => {
      resolve({ status: res.statusCode ?? 0, body: '' });
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => {
      if (!String(err).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('with the defaults (localhost names only)', () => {
  let server: ServerProcess;
  let user: TestUser;
  beforeAll(async () => {
    server = await startServerProcess();
    user = await register(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    [() => `127.0.0.1:${server.port}`],
    [() => `localhost:${server.port}`],
    [() => `app.localhost:${server.port}`],
    [() => `[::1]:${server.port}`],
  ])('answers Host %s', async (host) => {
    expect((await rawHttp(`${server.url}/api/me`, { headers: { host: host() } })).status).toBe(401);
  });

  it('refuses a rebinding page’s Host with 421 bad_host, saying what to set', async () => {
    const res = await rawHttp(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { host: `attacker.example:${server.port}` },
      body: { username: uniqueName(), password: 'correct horse' },
    });
    expect(res.status).toBe(421);
    expect(res.json.error.code).toBe('bad_host');
    expect(res.json.error.message).toContain('PUBLIC_URL or ALLOWED_HOSTS');
    // The SPA's pages and the metrics too, not only the API; only the health check answers (probes).
    expect((await rawHttp(`${server.url}/`, { headers: { host: 'attacker.example' } })).status).toBe(421);
    expect((await rawHttp(`${server.url}/metrics`, { headers: { host: '10.0.0.5' } })).status).toBe(421);
    expect((await rawHttp(`${server.url}/api/health`, { headers: { host: '10.0.0.5' } })).status).toBe(200);
  });

  it('refuses a WebSocket upgrade for a foreign Host with 421', async () => {
    const res = await upgrade(server.wsUrl, { host: 'attacker.example', origin: 'http://attacker.example' });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body).error.code).toBe('bad_host');
  });

  it('refuses a cookie upgrade with no Origin header with 403; a token client needs none', async () => {
    const refused = await upgrade(server.wsUrl, { cookie: user.cookie });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.code).toBe('bad_origin');
    expect((await upgrade(server.wsUrl, { cookie: user.cookie, origin: server.url })).status).toBe(101);
    expect((await upgrade(server.wsUrl, {})).status).toBe(101);
  });

  it('refuses a cookie POST with no Origin header with 403; with ours it goes through', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: user.cookie, ...headers },
        body: JSON.stringify({ title: uniqueName('room'), topic: '' }),
      });
    const refused = await post({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('bad_origin');
    expect((await post({ origin: server.url })).status).toBe(201);
  });

  it('counts host and origin refusals in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/switchboard_refusals_total\{reason="host"\} [1-9]/);
    expect(text).toMatch(/switchboard_refusals_total\{reason="origin"\} [1-9]/);
  });
});

describe('with PUBLIC_URL and ALLOWED_HOSTS', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      env: { PUBLIC_URL: 'https://chat.example.com', ALLOWED_HOSTS: 'intranet.example:8443' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    // /api/me answers 401 (signed out) to a host it serves.
    ['chat.example.com', 401],
    ['CHAT.example.com:443', 401],
    ['intranet.example:8443', 401],
    ['intranet.example:8080', 421],
    ['example.com', 421],
  ])('Host %s answers %i', async (host, status) => {
    expect((await rawHttp(`${server.url}/api/me`, { headers: { host } })).status).toBe(status);
  });

  it('takes PUBLIC_URL as our origin for cookie requests', async () => {
    const user = await register(server.url);
    const res = await rawHttp(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { host: 'chat.example.com', origin: 'https://chat.example.com', cookie: user.cookie },
      body: { title: uniqueName('room'), topic: '' },
    });
    expect(res.status).toBe(201);
  });
});

describe('the first account (the admin) on a fresh install', () => {
  let server: ServerProcess;
  let code: string;
  beforeAll(async () => {
    server = await startServerProcess({ env: { TRUST_PROXY: 'true' } });
    await until(() => server.logs.some((l) => l.includes('server.setup_code')), 5000, 'the setup code line');
    code = /server\.setup_code code=(\S+)/.exec(server.logs.join('\n'))?.[1] ?? '';
    expect(code).toMatch(/^[\w-]{12}$/);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const registerFrom = (ip: string, body: Record<string, string>) =>
    fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username: uniqueName(), password: 'correct horse', ...body }),
    });

  it('from another machine needs the setup code the server printed', async () => {
    const without = await registerFrom('203.0.113.5', {});
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('setup_code_required');
    const wrong = await registerFrom('203.0.113.5', { setupCode: 'not-the-code' });
    expect(wrong.status).toBe(403);
    const right = await registerFrom('203.0.113.5', { setupCode: code });
    expect(right.status).toBe(201);
    expect(((await right.json()) as { user: { role: string } }).user.role).toBe('admin');
  });

  it('once an account exists, anyone signs up without a code (as a plain user)', async () => {
    const next = await registerFrom('203.0.113.6', {});
    expect(next.status).toBe(201);
    expect(((await next.json()) as { user: { role: string } }).user.role).toBe('user');
  });

  it('prints no setup code once there are accounts', async () => {
    const restarted = await startServerProcess({ dataDir: server.dataDir, env: { TRUST_PROXY: 'true' } });
    try {
      expect(restarted.logs.some((l) => l.includes('server.setup_code'))).toBe(false);
    } finally {
      await restarted.stop();
    }
  });
});
