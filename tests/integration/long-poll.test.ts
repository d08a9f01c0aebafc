/** The long-polling transport over a real server: stateless polls, re-served answers, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../shared/protocol.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import type { TransportFactory, WebSocketConstructor } from '../../web/client/transport.js';
import { webSocketTransport } from '../../web/client/transport.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '10000', POLL_HOLD_MS: '2000' } });
  alice = await register(server.url);
  bob = await register(server.url);
});
afterAll(async () => {
  await server?.stop();
});

interface PollAnswer {
  frames: ServerFrame[];
  close?: { code: number; reason: string };
}

async function poll(
  baseUrl: string,
  user: TestUser,
  cid: string,
  frames: unknown[],
  options: { hold?: boolean; path?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: PollAnswer }> {
  const res = await fetch(`${baseUrl}${options.path ?? '/api/poll'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: user.cookie, origin: baseUrl, ...options.headers },
    body: JSON.stringify({ cid, frames, hold: options.hold ?? true }),
  });
  return { status: res.status, body: (await res.json()) as PollAnswer };
}

const hello = { type: 'hello', v: 1 };
const seqsOf = (answer: PollAnswer) => answer.frames.flatMap((f) => (f.type === 'msg' ? [f.seq] : []));

async function newRoom(owner: TestUser, ...members: TestUser[]): Promise<string> {
  const id = (await api(server.url, owner, 'POST', '/api/rooms', { title: `poll ${Date.now()}` })).json.room
    .id;
  for (const m of members) await api(server.url, m, 'POST', `/api/rooms/${id}/join`);
  return id;
}

async function sendOverSocket(user: TestUser, stream: string, count: number, prefix: string): Promise<void> {
  const socket = await RawSocket.hello(server.wsUrl, user.token);
  for (let i = 0; i < count; i++)
    socket.send({ type: 'send', stream, clientMsgId: `${prefix}${i}`, text: `${prefix} ${i}` });
  for (let i = 0; i < count; i++) await socket.next('ack');
  socket.close();
}

describe('stateless polls', () => {
  it('re-serves an answer that was lost: the same cursor gets the same messages again', async () => {
    const stream = `room:${await newRoom(alice, bob)}`;
    await sendOverSocket(bob, stream, 3, 'lost');
    const first = await poll(server.url, alice, 'cid-lost-1', [hello, { type: 'sub', stream, after: 0 }]);
    expect(seqsOf(first.body)).toEqual([1, 2, 3]);
    // The client never saw that answer, so its cursor is still 0.
    const again = await poll(server.url, alice, 'cid-lost-1', [hello, { type: 'sub', stream, after: 0 }]);
    expect(seqsOf(again.body)).toEqual([1, 2, 3]);
    const next = await poll(server.url, alice, 'cid-lost-1', [hello, { type: 'sub', stream, after: 3 }], {
      hold: false,
    });
    expect(seqsOf(next.body)).toEqual([]);
  });

  it('holds a poll until a message arrives, then answers with it', async () => {
    const stream = `room:${await newRoom(alice, bob)}`;
    const started = Date.now();
    const held = poll(server.url, alice, 'cid-held-1', [hello, { type: 'sub', stream, after: 0 }]);
    await new Promise((r) => setTimeout(r, 300));
    await sendOverSocket(bob, stream, 1, 'wake');
    const answer = await held;
    expect(seqsOf(answer.body)).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('answers an empty poll when the hold time passes', async () => {
    const stream = `room:${await newRoom(alice)}`;
    const started = Date.now();
    const answer = await poll(server.url, alice, 'cid-idle-1', [hello, { type: 'sub', stream, after: 0 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(seqsOf(answer.body)).toEqual([]);
    expect(answer.status).toBe(200);
  });

  it('answers the older of two concurrent polls of one client at once, empty', async () => {
    const stream = `room:${await newRoom(alice, bob)}`;
    const frames = [hello, { type: 'sub', stream, after: 0 }];
    const older = poll(server.url, alice, 'cid-twice-1', frames);
    await new Promise((r) => setTimeout(r, 200));
    const startedSecond = Date.now();
    const newer = poll(server.url, alice, 'cid-twice-1', frames);
    const olderAnswer = await older;
    expect(Date.now() - startedSecond).toBeLessThan(500);
    expect(seqsOf(olderAnswer.body)).toEqual([]);
    await sendOverSocket(bob, stream, 1, 'second');
    expect(seqsOf((await newer).body)).toEqual([1]);
  });

  it('acks sends over /api/poll/send, and a duplicate gets the first ack', async () => {
    const stream = `room:${await newRoom(alice)}`;
    const send = { type: 'send', stream, clientMsgId: 'poll-send-1', text: 'over http' };
    const first = await poll(server.url, alice, 'cid-send-1', [hello, send], { path: '/api/poll/send' });
    const ack = first.body.frames.find((f) => f.type === 'ack');
    expect(ack).toMatchObject({ clientMsgId: 'poll-send-1', seq: 1 });
    const again = await poll(server.url, alice, 'cid-send-1', [hello, send], { path: '/api/poll/send' });
    expect(again.body.frames.find((f) => f.type === 'ack')).toEqual(ack);
  });

  it('answers bad frames with error frames, like the WebSocket', async () => {
    const answer = await poll(
      server.url,
      alice,
      'cid-bad-1',
      [hello, { type: '__proto__' }, { type: 'send' }],
      {
        path: '/api/poll/send',
      },
    );
    expect(
      answer.body.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.code),
    ).toEqual(['unknown_type', 'invalid_frame']);
  });

  it('closes a poll without a session with unauthorized', async () => {
    const anonymous: TestUser = { ...alice, cookie: '' };
    const answer = await poll(server.url, anonymous, 'cid-anon-1', [hello]);
    expect(answer.body.close).toMatchObject({ code: 4002 });
  });
});

describe('HTTP rules for polls', () => {
  it('answers a text/plain POST with 415', async () => {
    const res = await fetch(`${server.url}/api/poll/send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: alice.cookie, origin: server.url },
      body: JSON.stringify({ cid: 'cid-plain-1', frames: [hello] }),
    });
    expect(res.status).toBe(415);
  });

  it('answers a cookie poll from a foreign Origin with 403', async () => {
    const res = await poll(server.url, alice, 'cid-csrf-1', [hello], {
      headers: { origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('answers an oversize body with 413 before reading it all', async () => {
    const res = await fetch(`${server.url}/api/poll/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie, origin: server.url },
      body: JSON.stringify({ cid: 'cid-huge-1', frames: [hello], pad: 'x'.repeat(200_000) }),
    });
    expect(res.status).toBe(413);
  });

  it('answers a malformed body with 400 naming the problem', async () => {
    const res = await fetch(`${server.url}/api/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie, origin: server.url },
      body: JSON.stringify({ cid: '!', frames: [] }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('cid');
  });
});

describe('the SDK over long-polling', () => {
  const pollingClient = (user: TestUser, base = server): SwitchboardClient =>
    createClient({
      url: base.wsUrl,
      token: user.token,
      transport: 'polling',
      backoff: { baseMs: 50, maxMs: 300 },
    });

  it('chats both ways with a WebSocket user, with typing', async () => {
    const stream = `room:${await newRoom(alice, bob)}`;
    const p = pollingClient(alice);
    const w = createClient({
      url: server.wsUrl,
      token: bob.token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      transport: 'websocket',
    });
    const pSeen: string[] = [];
    const wSeen: string[] = [];
    const wTyping: string[] = [];
    p.on('message', (m) => pSeen.push(m.text));
    w.on('message', (m) => wSeen.push(m.text));
    w.on('typing', (t) => wTyping.push(t.user.name));
    for (const c of [p, w]) {
      c.subscribe(stream);
      c.connect();
    }
    await until(
      () => p.cursor(stream) !== undefined && w.cursor(stream) !== undefined,
      5000,
      'both subscribed',
    );
    expect(p.state).toMatchObject({ status: 'online', transport: 'polling' });
    p.typing(stream, true);
    await until(() => wTyping.includes(alice.username), 5000, 'typing over polling');
    p.send(stream, 'from polling');
    w.send(stream, 'from websocket');
    await until(() => pSeen.length === 2 && wSeen.length === 2, 5000, 'both see both');
    expect(new Set(pSeen)).toEqual(new Set(['from polling', 'from websocket']));
    p.close();
    w.close();
  });

  it('moves a receiver WebSocket -> polling -> WebSocket under a 20/s sender: every seq once, in order', async () => {
    const stream = `room:${await newRoom(alice, bob)}`;
    let blocked = false;
    const real = webSocketTransport(server.wsUrl, WebSocket as unknown as WebSocketConstructor);
    const switchable: TransportFactory = (handlers) => {
      if (!blocked) return real(handlers);
      // A proxy that refuses WebSocket: the link drops before it ever opens.
      queueMicrotask(() => handlers.onClose(1006, 'blocked by the test'));
      return { name: 'websocket', send() {}, close() {} };
    };
    const receiver = createClient({
      url: server.wsUrl,
      token: alice.token,
      transports: { websocket: switchable },
      backoff: { baseMs: 20, maxMs: 100 },
      probeIntervalMs: 300,
    });
    const seen: number[] = [];
    const transportsSeen = new Set<string>();
    receiver.on('message', (m) => seen.push(m.seq));
    receiver.on('state', (s) => {
      if (s.status === 'online') transportsSeen.add(s.transport);
    });
    receiver.subscribe(stream);
    receiver.connect();
    await until(() => receiver.state.status === 'online', 5000, 'receiver online');

    const sender = await RawSocket.hello(server.wsUrl, bob.token);
    let sent = 0;
    const timer = setInterval(() => {
      sender.send({ type: 'send', stream, clientMsgId: `move${sent}`, text: `n${sent}` });
      sent++;
    }, 50);
    try {
      await new Promise((r) => setTimeout(r, 600));
      blocked = true;
      (receiver as unknown as { transport: { close(): void } }).transport.close(); // the proxy cuts the socket
      await until(
        () =>
          receiver.state.status === 'online' &&
          (receiver.state as { transport: string }).transport === 'polling',
        5000,
        'on polling',
      );
      expect((receiver.state as { fallback?: { code: string } }).fallback?.code).toBe('websocket_blocked');
      await new Promise((r) => setTimeout(r, 800));
      blocked = false;
      await until(
        () =>
          receiver.state.status === 'online' &&
          (receiver.state as { transport: string }).transport === 'websocket',
        5000,
        'back on websocket',
      );
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      clearInterval(timer);
    }
    await until(() => sender.frames.filter((f) => f.type === 'ack').length === sent, 5000, 'all acked');
    await until(() => seen.length >= sent, 5000, `receiver saw ${sent}`);
    expect(seen).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect([...transportsSeen].sort()).toEqual(['polling', 'websocket']);
    expect(sent).toBeGreaterThan(30);
    receiver.close();
    sender.close();
  });

  it('resumes across a server restart from its cursor, with no unknown-session error', async () => {
    const own = await startServerProcess({ env: { RATE_BURST: '10000', POLL_HOLD_MS: '2000' } });
    try {
      const user = await register(own.url);
      const p = pollingClient(user, own);
      const seen: number[] = [];
      const errors: string[] = [];
      p.on('message', (m) => seen.push(m.seq));
      p.on('error', (e) => errors.push(e.code));
      p.subscribe('room:general');
      p.connect();
      await until(() => p.cursor('room:general') !== undefined, 5000, 'subscribed');
      const a = p.send('room:general', 'before restart');
      await until(() => a.status === 'sent' && seen.length === 1, 5000);
      await own.stop();
      const restarted = await startServerProcess({
        dataDir: own.dataDir,
        port: own.port,
        env: { POLL_HOLD_MS: '2000' },
      });
      try {
        const b = p.send('room:general', 'after restart');
        await until(() => b.status === 'sent' && seen.length === 2, 10_000, 'resumed');
        expect(seen).toEqual([1, 2]);
        expect(errors).toEqual([]);
      } finally {
        p.close();
        await restarted.stop();
      }
    } finally {
      await own.stop();
    }
  });
});
