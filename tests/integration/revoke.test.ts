/**
 * Authority is checked at use, not at hello: an admin's change on process A reaches the user's
 * open connections on process B within a second, through Redis. Two real server processes on one
 * PostgreSQL (a fresh schema) and one Redis (a fresh prefix).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/codes.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas } from '../support/services.js';

const HOST = 'https://shop.example';
const schemas = new Set<string>();
let a: ServerProcess;
let b: ServerProcess;
let admin: TestUser;
let siteKey: string;

beforeAll(async () => {
  const env = clusterEnv(schemas, {
    RATE_BURST: '1000',
  });
  [a, b] = (await Promise.all([startServerProcess({ env }), startServerProcess({ env })])) as [
    ServerProcess,
    ServerProcess,
  ];
  admin = await register(a.url, 'revokeadmin');
  const site = await api(a.url, admin, 'POST', '/api/admin/sites', { name: 'Shop', allowedOrigins: [HOST] });
  expect(site.status).toBe(201);
  siteKey = site.json.site.key;
});
afterAll(async () => {
  await a?.stop('SIGKILL');
  await b?.stop('SIGKILL');
  await dropSchemas(schemas);
});

async function newAgent(): Promise<TestUser> {
  const user = await register(a.url);
  const promoted = await api(a.url, admin, 'PATCH', `/api/admin/users/${user.id}`, { role: 'agent' });
  expect(promoted.json.user.role).toBe('agent');
  return user;
}

/** A visitor's conversation, opened through the widget API (on A). */
async function newConversation(): Promise<string> {
  const headers = { origin: HOST, 'content-type': 'application/json' };
  const visitor = await fetch(`${a.url}/api/widget/visitors?site=${siteKey}`, { method: 'POST', headers });
  const { token } = (await visitor.json()) as { token: string };
  const started = await fetch(`${a.url}/api/widget/conversations?site=${siteKey}`, {
    method: 'POST',
    headers: { ...headers, 'x-switchboard-visitor': token },
    body: JSON.stringify({ text: 'help, please', name: 'Vera' }),
  });
  expect(started.status).toBe(201);
  return ((await started.json()) as { conversation: { id: string } }).conversation.id;
}

/**
 * A room of the user's own with the admin in it as an observer (on A): nothing else happens there,
 * so a poll held in it answers only for what the test does.
 */
async function quietRoom(user: TestUser): Promise<{ stream: string; observer: RawSocket }> {
  const made = await api(a.url, user, 'POST', '/api/rooms', { title: `quiet ${user.username}` });
  expect(made.status).toBe(201);
  const stream = `room:${made.json.room.id}`;
  expect((await api(a.url, admin, 'POST', `/api/rooms/${made.json.room.id}/join`)).status).toBe(200);
  const observer = await RawSocket.hello(a.wsUrl, admin.token);
  observer.send({ type: 'sub', stream });
  await observer.next('subscribed');
  return { stream, observer };
}

/** Long-polls `server` holds now (the `switchboard_held_polls` gauge). */
async function heldPolls(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(text.match(/^switchboard_held_polls (\d+)/m)?.[1] ?? 0);
}

/**
 * A long-poll on `server` with the user's cookie, held in `stream` with nothing to say: a first
 * poll learns the state the client holds (`known`), and the second, naming it, has no news and
 * is parked. Resolves once the server's gauge counts it held; the answer comes when something
 * happens to the user.
 */
async function heldPoll(
  server: ServerProcess,
  user: TestUser,
  cid: string,
  room: { stream: string; observer: RawSocket },
) {
  const poll = (body: object) =>
    fetch(`${server.url}/api/poll`, {
      method: 'POST',
      headers: { cookie: user.cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ cid, ...body }),
    }).then(
      async (res) =>
        (await res.json()) as {
          frames: { type: string; head?: number }[];
          close?: { code: number };
          known?: Record<string, string>;
        },
    );
  const first = await poll({
    hold: false,
    frames: [
      { type: 'hello', v: 1 },
      { type: 'sub', stream: room.stream },
    ],
  });
  const head = first.frames.find((f) => f.type === 'subscribed')?.head ?? 0;
  const known = first.known?.[room.stream];
  expect(known, 'the first poll names the state the client holds').toBeDefined();
  const before = await heldPolls(server);
  const answer = poll({
    frames: [
      { type: 'hello', v: 1, quiet: true },
      { type: 'sub', stream: room.stream, after: head, known },
    ],
  });
  const started = Date.now();
  while ((await heldPolls(server)) <= before) {
    if (Date.now() - started > 5000) throw new Error('the poll was not held within 5 s');
  }
  return { answer };
}

describe('authority checked at use, across processes', () => {
  it('an agent on B demoted through A: within 1 s its claim and its reply on B are refused with forbidden', async () => {
    const agent = await newAgent();
    const conversation = await newConversation();
    const stream = `conv:${conversation}`;
    const socket = await RawSocket.hello(b.wsUrl, agent.token);
    socket.send({ type: 'sub', stream, after: 0 });
    await socket.next('subscribed', (f) => f.stream === stream);
    // As an agent it may claim and reply.
    socket.send({ type: 'send', stream, clientMsgId: 'before', text: 'hello from the agent' });
    await socket.next('ack', (f) => f.clientMsgId === 'before');

    const demotedAt = Date.now();
    const demoted = await api(a.url, admin, 'PATCH', `/api/admin/users/${agent.id}`, { role: 'user' });
    expect(demoted.json.user.role).toBe('user');
    // B closes the conversation to it at once.
    const closed = await socket.next('error', (f) => f.ref === stream, 1000);
    expect(closed.code).toBe('forbidden');
    expect(Date.now() - demotedAt).toBeLessThan(1000);

    socket.send({ type: 'assign', stream, to: agent.id });
    expect((await socket.next('error', (f) => f.ref === stream, 1000)).code).toBe('forbidden');
    socket.send({ type: 'send', stream, clientMsgId: 'after', text: 'still here?' });
    expect((await socket.next('error', (f) => f.ref === 'after', 1000)).code).toBe('forbidden');
    socket.send({ type: 'sub', stream: 'queue:support' });
    expect((await socket.next('error', (f) => f.ref === 'queue:support', 1000)).code).toBe('forbidden');
    expect(Date.now() - demotedAt).toBeLessThan(1000 + 500);
    expect(socket.closeCode).toBeNull();

    // Nothing of it reached the log.
    const messages = await api(a.url, admin, 'GET', `/api/support/conversations/${conversation}/messages`);
    expect(messages.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'help, please',
      'hello from the agent',
    ]);
    // Promoted again, it may.
    await api(a.url, admin, 'PATCH', `/api/admin/users/${agent.id}`, { role: 'agent' });
    let acked = false;
    for (let i = 0; i < 20 && !acked; i++) {
      socket.send({ type: 'send', stream, clientMsgId: `again${i}`, text: 'back again' });
      const answer = await Promise.race([
        socket.next('ack', (f) => f.clientMsgId === `again${i}`, 1000).then(() => true),
        socket.next('error', (f) => f.ref === `again${i}`, 1000).then(() => false),
      ]);
      acked = answer;
    }
    expect(acked).toBe(true);
    socket.close();
  });

  it('signing out everywhere on A closes the sockets and the held polls of every session on B with 4005', async () => {
    const user = await register(a.url);
    // A second session of the same account (another device).
    const login = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: 'correct horse' }),
    });
    const otherToken = login.headers.get('set-cookie')?.match(/sb_session=([^;]+)/)?.[1] as string;
    const other: TestUser = { ...user, token: otherToken, cookie: `sb_session=${otherToken}` };

    const socketB = await RawSocket.hello(b.wsUrl, user.token);
    const otherSocketB = await RawSocket.hello(b.wsUrl, other.token);
    const room = await quietRoom(user);
    const { answer: poll } = await heldPoll(b, other, 'devicetwo01', room);

    const started = Date.now();
    expect((await api(a.url, user, 'POST', '/api/auth/logout-all')).status).toBe(204);
    expect(await socketB.closed).toBe(CloseCode.signed_out.code);
    expect(await otherSocketB.closed).toBe(CloseCode.signed_out.code);
    expect((await poll).close?.code).toBe(CloseCode.signed_out.code);
    room.observer.close();
    expect(Date.now() - started).toBeLessThan(1000);
    // Neither session works any more, anywhere.
    expect((await api(b.url, user, 'GET', '/api/me')).status).toBe(401);
    expect((await api(b.url, other, 'GET', '/api/me')).status).toBe(401);
  });

  it('signing out one session on A closes only that session’s connections on B', async () => {
    const user = await register(a.url);
    const login = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: 'correct horse' }),
    });
    const otherToken = login.headers.get('set-cookie')?.match(/sb_session=([^;]+)/)?.[1] as string;
    const mine = await RawSocket.hello(b.wsUrl, user.token);
    const theirs = await RawSocket.hello(b.wsUrl, otherToken);
    const room = await quietRoom(user);
    const { answer: poll } = await heldPoll(b, user, 'deviceone001', room);

    expect((await api(a.url, user, 'POST', '/api/auth/logout')).status).toBe(204);
    expect(await mine.closed).toBe(CloseCode.signed_out.code);
    expect((await poll).close?.code).toBe(CloseCode.signed_out.code);
    room.observer.close();
    theirs.send({ type: 'ping' });
    await theirs.next('pong');
    expect(theirs.closeCode).toBeNull();
    theirs.close();
  });

  it('suspending on A closes the user’s socket on B with 4007 and a held poll too; sign-in is refused until lifted', async () => {
    const user = await register(a.url, undefined, 'correct horse');
    const socket = await RawSocket.hello(b.wsUrl, user.token);
    const room = await quietRoom(user);
    const { answer: poll } = await heldPoll(b, user, 'suspended01', room);

    const started = Date.now();
    const suspended = await api(a.url, admin, 'PUT', `/api/admin/users/${user.id}/status`, {
      status: 'suspended',
    });
    expect(suspended.json.user.status).toBe('suspended');
    expect(await socket.closed).toBe(CloseCode.account_suspended.code);
    expect((await poll).close?.code).toBe(CloseCode.account_suspended.code);
    room.observer.close();
    expect(Date.now() - started).toBeLessThan(1000);

    const credentials = { username: user.username, password: 'correct horse' };
    const refused = await api(b.url, null, 'POST', '/api/auth/login', credentials);
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'account_suspended' } } });
    // The old token no longer opens a socket.
    const again = new RawSocket(b.wsUrl);
    await again.opened;
    again.send({ type: 'hello', v: 1, token: user.token });
    expect(await again.closed).toBe(CloseCode.unauthorized.code);

    await api(a.url, admin, 'PUT', `/api/admin/users/${user.id}/status`, { status: 'active' });
    expect((await api(b.url, null, 'POST', '/api/auth/login', credentials)).status).toBe(200);
  });

  it('deleting on A closes the user’s socket on B with 4008; the messages stay, the account signs in nowhere', async () => {
    const user = await register(a.url, undefined, 'correct horse');
    const socket = await RawSocket.hello(b.wsUrl, user.token);
    socket.send({ type: 'sub', stream: 'room:general' });
    await socket.next('subscribed');
    socket.send({ type: 'send', stream: 'room:general', clientMsgId: 'last', text: 'my last words' });
    await socket.next('ack');

    const started = Date.now();
    expect((await api(a.url, admin, 'DELETE', `/api/admin/users/${user.id}`)).status).toBe(204);
    expect(await socket.closed).toBe(CloseCode.account_deleted.code);
    expect(Date.now() - started).toBeLessThan(1000);

    const credentials = { username: user.username, password: 'correct horse' };
    expect((await api(b.url, null, 'POST', '/api/auth/login', credentials)).json.error.code).toBe(
      'invalid_credentials',
    );
    const history = await api(a.url, admin, 'GET', '/api/rooms/general/messages');
    expect(history.json.messages.some((m: { text: string }) => m.text === 'my last words')).toBe(true);
    const listed = await api(a.url, admin, 'GET', '/api/admin/users');
    expect(listed.json.users.find((u: { id: string }) => u.id === user.id).status).toBe('deleted');
    expect((await api(a.url, admin, 'DELETE', `/api/admin/users/${user.id}`)).status).toBe(404);
  });

  it('an admin cannot suspend or delete themselves', async () => {
    expect(
      (await api(a.url, admin, 'PUT', `/api/admin/users/${admin.id}/status`, { status: 'suspended' })).status,
    ).toBe(400);
    expect((await api(a.url, admin, 'DELETE', `/api/admin/users/${admin.id}`)).status).toBe(400);
  });
});
