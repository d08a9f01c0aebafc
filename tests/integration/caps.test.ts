/**
 * Connection caps over real sockets and real HTTP: per address (every WebSocket route, /path/
 * included), per account (sockets and polling tabs), across two processes on Redis, and a client
 * (the SDK) that hits a cap backing off instead of retrying in a loop. Small caps via env keep
 * this cheap.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../../shared/codes.js';
import { createClient } from '../../web/client/index.js';
import type { WebSocketConstructor } from '../../web/client/transport.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas } from '../support/services.js';

const running: ServerProcess[] = [];
const schemas = new Set<string>();
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  await dropSchemas(schemas);
});

async function server(env: Record<string, string>): Promise<ServerProcess> {
  const started = await startServerProcess({ env });
  running.push(started);
  return started;
}

type Attempt =
  | { status: 'open'; ws: WebSocket }
  | { status: number; retryAfter: string | undefined; body: string };

/** One upgrade attempt: the open socket, or the HTTP answer that refused it. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body,
        }),
      );
    });
    ws.once('error', (err) => reject(err));
  });
}

/** `n` upgrade attempts, `batch` at a time (a flood, without tripping the listen backlog). */
async function flood(url: string, n: number, batch = 200): Promise<Attempt[]> {
  const all: Attempt[] = [];
  for (let i = 0; i < n; i += batch) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => attempt(url)))));
  }
  return all;
}

const opened = (attempts: Attempt[]) =>
  attempts.filter((a): a is Extract<Attempt, { status: 'open' }> => a.status === 'open');

async function metric(base: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : 0;
}

describe('per address', () => {
  it('2,000 sockets from one address: exactly the cap open, every other one 429 + Retry-After; /path/ counts too', async () => {
    const s = await server({
      MAX_CONNECTIONS_PER_IP: '25',
      MAX_CONNECTIONS_PER_USER: '0',
      LOG_LEVEL: 'info',
    });
    const started = Date.now();
    const attempts = await flood(s.wsUrl, 2000);
    const open = opened(attempts);
    expect(open).toHaveLength(25);
    const refused = attempts.filter((a) => a.status !== 'open') as Exclude<Attempt, { status: 'open' }>[];
    expect(refused).toHaveLength(1975);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.retryAfter).toBe('5');
      expect(JSON.parse(r.body).error.code).toBe('too_many_connections');
    }
    const floodMs = Date.now() - started;

    // The article API's /path/ socket is a WebSocket from the same address: refused too.
    const path = await attempt(`${s.url.replace(/^http/, 'ws')}/path/`);
    expect(path.status).toBe(429);

    // Counted in /metrics, and logged once per burst, not once per socket.
    expect(await metric(s.url, /^switchboard_refusals_total\{reason="too_many_connections"\}/)).toBe(1976);
    const lines = s.logs.filter((l) => / refused reason=too_many_connections/.test(l));
    // One line per 10 s burst: one here, unless the machine took over 10 s for the flood.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(1 + Math.floor(floodMs / 10_000));

    // A closed socket frees its slot at once.
    const first = open[0] as { ws: WebSocket };
    first.ws.close();
    let again: Attempt | null = null;
    for (let i = 0; i < 50 && again?.status !== 'open'; i++) {
      again = await attempt(s.wsUrl);
      if (again.status !== 'open') await new Promise((r) => setTimeout(r, 20));
    }
    expect(again?.status).toBe('open');
    for (const a of [...open, again as { ws: WebSocket }]) a.ws.terminate();
    console.info(`flood of 2,000 upgrades against a cap of 25: ${floodMs} ms`);
  });

  it('/path/ sockets that never send anything are closed with 4006 after HELLO_TIMEOUT_MS, and free their slot', async () => {
    const s = await server({ MAX_CONNECTIONS_PER_IP: '3', HELLO_TIMEOUT_MS: '300' });
    const pathUrl = `${s.url.replace(/^http/, 'ws')}/path/`;
    const silent = opened(await Promise.all([attempt(pathUrl), attempt(pathUrl), attempt(pathUrl)]));
    expect(silent).toHaveLength(3);
    expect((await attempt(pathUrl)).status).toBe(429);
    const started = Date.now();
    const codes = await Promise.all(
      silent.map((a) => new Promise<number>((resolve) => a.ws.once('close', (code) => resolve(code)))),
    );
    expect(codes).toEqual([4006, 4006, 4006]);
    expect(Date.now() - started).toBeLessThan(2000);
    // Slots free once the sockets are gone: the demo works again.
    let answer: string | null = null;
    for (let i = 0; i < 50 && answer === null; i++) {
      const next = await attempt(pathUrl);
      if (next.status !== 'open') {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      next.ws.send('发送数据');
      answer = await new Promise<string>((resolve) => next.ws.once('message', (d) => resolve(String(d))));
    }
    expect(answer).toBe('下载完成');
    expect(await metric(s.url, /^switchboard_refusals_total\{reason="hello_timeout"\}/)).toBe(3);
  });
});

describe('per account', () => {
  let s: ServerProcess;
  let user: TestUser;

  it('300 sockets of one account: exactly the cap welcomed, the rest closed at hello with 4009', async () => {
    s = await server({ MAX_CONNECTIONS_PER_IP: '0', MAX_CONNECTIONS_PER_USER: '5' });
    user = await register(s.url);
    const sockets = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const socket = new RawSocket(s.wsUrl);
        await socket.opened;
        socket.send({ type: 'hello', v: 1, token: user.token });
        return socket;
      }),
    );
    await until(
      () => sockets.every((k) => k.closeCode !== null || k.frames.some((f) => f.type === 'welcome')),
      10_000,
    );
    const welcomed = sockets.filter((k) => k.closeCode === null);
    expect(welcomed).toHaveLength(5);
    const closed = sockets.filter((k) => k.closeCode !== null);
    expect(closed.map((k) => k.closeCode)).toEqual(Array(295).fill(CloseCode.too_many_connections.code));
    expect(closed[0]?.closeReason).toMatch(/MAX_CONNECTIONS_PER_USER/);

    // With the cookie, the account is known before the upgrade: refused there, with 429.
    const cookie = await attempt(s.wsUrl, { cookie: user.cookie, origin: s.url });
    expect(cookie.status).toBe(429);
    // Polling tabs count as connections too: 429 + Retry-After.
    const poll = await fetch(`${s.url}/api/poll`, {
      method: 'POST',
      headers: { cookie: user.cookie, origin: s.url, 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'polltab0001', hold: false, frames: [{ type: 'hello', v: 1 }] }),
    });
    expect(poll.status).toBe(429);
    expect(poll.headers.get('retry-after')).toBe('5');
    expect(((await poll.json()) as { error: { code: string } }).error.code).toBe('too_many_connections');
    // Another account is not affected.
    const other = await register(s.url);
    (await RawSocket.hello(s.wsUrl, other.token)).close();
    for (const k of welcomed) k.close();
  });

  it('the SDK at the cap backs off (full jitter) instead of retrying in a loop: attempts counted over 8 s', async () => {
    // The account's 5 slots are taken by other sockets.
    const holders = await Promise.all(Array.from({ length: 5 }, () => RawSocket.hello(s.wsUrl, user.token)));
    const windowMs = 8000;
    const attempts = { websocket: 0, polling: 0 };
    const clients = [
      createClient({
        url: s.wsUrl,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        token: user.token,
        transport: 'websocket',
        backoff: { baseMs: 100, maxMs: 4000 },
      }),
      createClient({
        url: s.wsUrl,
        token: user.token,
        transport: 'polling',
        backoff: { baseMs: 100, maxMs: 4000 },
      }),
    ];
    const reasons: string[] = [];
    for (const client of clients) {
      client.on('state', (state) => {
        if (state.status === 'connecting') attempts[state.transport]++;
        if (state.status === 'reconnecting') reasons.push(state.reason);
        expect(state.status).not.toBe('online');
      });
      client.connect();
    }
    await new Promise((r) => setTimeout(r, windowMs));
    for (const client of clients) client.close();
    // Full jitter from 100 ms doubling to 4 s: about 8 attempts in 8 s on average; 16 would need
    // 15 random waits summing to under 8 s where they average 23 s (odds below 1 in 10,000). A
    // client retrying in a loop would make hundreds.
    expect(attempts.websocket).toBeGreaterThanOrEqual(2);
    expect(attempts.websocket).toBeLessThanOrEqual(16);
    // The poll's 429 carries Retry-After: 5 s, which the SDK waits at least: 2 attempts.
    expect(attempts.polling).toBeGreaterThanOrEqual(1);
    expect(attempts.polling).toBeLessThanOrEqual(3);
    expect(reasons.every((r) => /connections/.test(r))).toBe(true);
    console.info(
      `in ${windowMs} ms at the cap: websocket ${attempts.websocket} attempts, polling ${attempts.polling}`,
    );
    for (const h of holders) h.close();
  }, 20_000);
});

describe('across processes (Redis)', () => {
  it('connections on A and on B count against one cap; a closed one on A frees a slot for B', async () => {
    const env = clusterEnv(schemas, {
      MAX_CONNECTIONS_PER_IP: '0',
      MAX_CONNECTIONS_PER_USER: '4',
    });
    const [a, b] = await Promise.all([server(env), server(env)]);
    const user = await register(a.url);
    const onA = await Promise.all(Array.from({ length: 3 }, () => RawSocket.hello(a.wsUrl, user.token)));
    const onB = await RawSocket.hello(b.wsUrl, user.token);
    const fifth = new RawSocket(b.wsUrl);
    await fifth.opened;
    fifth.send({ type: 'hello', v: 1, token: user.token });
    expect(await fifth.closed).toBe(CloseCode.too_many_connections.code);
    expect((await attempt(a.wsUrl, { cookie: user.cookie, origin: a.url })).status).toBe(429);

    (onA[0] as RawSocket).close();
    let admitted: RawSocket | null = null;
    for (let i = 0; i < 50 && !admitted; i++) {
      const next = new RawSocket(b.wsUrl);
      await next.opened;
      next.send({ type: 'hello', v: 1, token: user.token });
      await until(() => next.closeCode !== null || next.frames.some((f) => f.type === 'welcome'));
      if (next.closeCode === null) admitted = next;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(admitted).not.toBeNull();
    for (const k of [...onA, onB, admitted as RawSocket]) k.close();
    const me = await api(a.url, user, 'GET', '/api/me');
    expect(me.status).toBe(200);
  });
});
