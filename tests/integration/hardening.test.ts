/** Every bad input named by the protocol's hardening rules, against a real server over real sockets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let user: TestUser;

beforeAll(async () => {
  server = await startServerProcess({
    env: { RATE_BURST: '20', RATE_REFILL_MS: '1000', HEARTBEAT_MS: '300', REPLAY_LIMIT: '100000' },
  });
  user = await register(server.url);
});
afterAll(async () => {
  await server?.stop();
});

/** The HTTP status an upgrade request gets (101 when it opens). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, { headers });
    ws.once('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => {
      if (!String(err).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('origin check on cookie-authenticated upgrades', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('opens for the server’s own origin', async () => {
    expect(await upgradeStatus({ cookie: user.cookie, origin: origin() })).toBe(101);
  });

  it.each([
    ['a foreign origin', () => 'http://evil.example'],
    ['the null origin', () => 'null'],
    ['a look-alike host', () => `http://127.0.0.1:${server.port}.evil.example`],
    ['another port', () => `http://127.0.0.1:${server.port + 1}`],
    ['https instead of http', () => `https://127.0.0.1:${server.port}`],
  ])('refuses %s with 403 and no 101', async (_name, makeOrigin) => {
    expect(await upgradeStatus({ cookie: user.cookie, origin: makeOrigin() })).toBe(403);
  });

  it('says why in the API’s JSON error shape, and closes the connection', async () => {
    const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${server.wsUrl}?lab=abc`, {
        headers: { cookie: user.cookie, origin: 'http://evil.example' },
      });
      ws.once('unexpected-response', (_req, r) => {
        let body = '';
        r.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        r.on('end', () =>
          resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body }),
        );
      });
      ws.once('upgrade', () => reject(new Error('the upgrade was accepted')));
      ws.once('error', (err) => {
        if (!String(err).includes('Unexpected server response')) reject(err);
      });
    });
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'bad_origin', message: 'origin http://evil.example may not open a session socket' },
    });
  });

  it('lets a token client (no cookie, so nothing ambient to steal) connect from anywhere', async () => {
    expect(await upgradeStatus({ origin: 'http://evil.example' })).toBe(101);
  });
});

describe('socket-level limits', () => {
  it('closes a frame over 64 KiB with 1009', async () => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.send('x'.repeat(64 * 1024 + 1));
    expect(await socket.closed).toBe(1009);
  });

  it('closes on a binary frame with 1003', async () => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.closed).toBe(1003);
  });

  it('closes on invalid UTF-8 in a text frame with 1007', async () => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await socket.closed).toBe(1007);
  });
});

describe('malformed frames', () => {
  it.each([
    ['malformed JSON', '{"type": "send", ', 'bad_json'],
    ['a JSON array', '[1,2]', 'invalid_frame'],
    ['an unknown type', '{"type":"explode"}', 'unknown_type'],
    ['type __proto__', '{"type":"__proto__"}', 'unknown_type'],
    ['type constructor', '{"type":"constructor"}', 'unknown_type'],
    [
      'a wrong field type',
      '{"type":"send","stream":"room:general","clientMsgId":7,"text":"x"}',
      'invalid_frame',
    ],
    ['a bad stream name', '{"type":"sub","stream":"../etc/passwd"}', 'invalid_frame'],
    [
      'text over 4,000 characters',
      JSON.stringify({ type: 'send', stream: 'room:general', clientMsgId: 'long', text: 'é'.repeat(4001) }),
      'invalid_frame',
    ],
  ])('answers %s with an error frame within 1 s, and the socket keeps working', async (_name, raw, code) => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.send(raw);
    const error = await socket.next('error', () => true, 1000);
    expect(error.code).toBe(code);
    socket.send({ type: 'ping' });
    await socket.next('pong', () => true, 1000);
    expect(socket.closeCode).toBeNull();
    socket.close();
  });

  it('closes with the abuse code (4003) after more than 20 protocol errors in 5 s', async () => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    for (let i = 0; i < 21; i++) socket.send('not json');
    expect(await socket.closed).toBe(4003);
  });
});

describe('rate limit', () => {
  it('answers rate_limited with retryAfterMs past the burst and stores nothing for refused sends', async () => {
    const sender = await register(server.url);
    const room = (await api(server.url, sender, 'POST', '/api/rooms', { title: 'rate' })).json.room.id;
    const socket = await RawSocket.hello(server.wsUrl, sender.token);
    for (let i = 0; i < 25; i++) {
      socket.send({ type: 'send', stream: `room:${room}`, clientMsgId: `rl${i}`, text: `n${i}` });
    }
    await until(() => socket.frames.filter((f) => f.type === 'ack' || f.type === 'error').length === 25);
    const errors = socket.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(5);
    for (const e of errors) {
      expect(e).toMatchObject({ code: 'rate_limited' });
      expect(e.type === 'error' && e.retryAfterMs).toBeGreaterThan(0);
    }
    const stored = await fetchHistory(server.url, sender, room);
    expect(stored).toHaveLength(20);
    expect(stored.map((m) => m.clientMsgId)).not.toContain('rl24');
    socket.close();
  });
});

describe('slow consumers', () => {
  it('closes a socket over 1 MiB behind with 4000; others get everything; it catches up by cursor', async () => {
    const flood = await startServerProcess({ env: { RATE_BURST: '100000', REPLAY_LIMIT: '100000' } });
    try {
      const reader = await register(flood.url);
      const slowUser = await register(flood.url);
      const stream = 'room:general';
      const fast = await RawSocket.hello(flood.wsUrl, reader.token);
      const slow = await RawSocket.hello(flood.wsUrl, slowUser.token);
      fast.send({ type: 'sub', stream });
      slow.send({ type: 'sub', stream });
      await fast.next('subscribed');
      await slow.next('subscribed');
      // Stop reading: the kernel buffers fill, then the server's queue for this socket grows.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

      const text = 'z'.repeat(3990);
      let total = 0;
      while (!flood.logs.some((l) => l.includes('code=4000')) && total < 8000) {
        for (let i = 0; i < 500; i++) fast.send({ type: 'send', stream, clientMsgId: `f${total + i}`, text });
        total += 500;
        await until(
          () => fast.frames.filter((f) => f.type === 'msg').length >= total,
          20_000,
          `${total} delivered`,
        );
      }
      expect(flood.logs.some((l) => l.includes('code=4000'))).toBe(true);
      const seqs = (socket: RawSocket) => socket.frames.flatMap((f) => (f.type === 'msg' ? [f.seq] : []));
      const delivered = seqs(fast);
      expect(delivered).toEqual(delivered.map((_, i) => i + 1));

      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await slow.closed).toBe(4000);
      const got = seqs(slow);
      expect(got).toEqual(got.map((_, i) => i + 1));
      expect(got.length).toBeLessThan(delivered.length);

      const again = await RawSocket.hello(flood.wsUrl, slowUser.token);
      again.send({ type: 'sub', stream, after: got.at(-1) ?? 0 });
      await again.next('subscribed', () => true, 10_000);
      expect([...got, ...seqs(again)]).toEqual(delivered);
      fast.close();
      again.close();
    } finally {
      await flood.stop();
    }
  }, 60_000);
});

describe('heartbeat', () => {
  it('drops a socket that never answers pings, and keeps one that does', async () => {
    const silent = await RawSocket.hello(server.wsUrl, user.token, {}, { answerPings: false });
    const alive = await RawSocket.hello(server.wsUrl, user.token);
    // heartbeat 300 ms: silent for two intervals means dropped within about a second.
    await until(() => silent.closeCode !== null, 3000, 'silent socket dropped');
    expect(alive.closeCode).toBeNull();
    alive.close();
  });
});
