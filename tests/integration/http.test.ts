/** The HTTP API: accounts, sessions, rooms and history, and its bad-input answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser, uniqueName } from '../support/api.js';
import { RawSocket } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let first: TestUser;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '10000' } });
  first = await register(server.url, 'founder');
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    // A browser names the page's origin on every POST; a cookie POST without one is refused.
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('health', () => {
  it('answers 200 with the version and protocol', async () => {
    const res = await api(server.url, null, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ok: true,
      version: expect.any(String),
      protocol: 1,
      storage: { name: 'sqlite', ok: true },
      broker: { name: 'memory', ok: true },
    });
  });
});

describe('accounts', () => {
  it('makes the first account an admin and later ones users', async () => {
    expect((await api(server.url, first, 'GET', '/api/me')).json.user).toMatchObject({
      username: 'founder',
      role: 'admin',
    });
    const second = await register(server.url);
    expect((await api(server.url, second, 'GET', '/api/me')).json.user.role).toBe('user');
  });

  it('sets the session as an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await post('/api/auth/register', { username: uniqueName(), password: 'long enough' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sb_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
  });

  it.each([
    ['ab', 'username is 2 bytes; the minimum is 3'],
    ['a'.repeat(33), 'username is 33 bytes in UTF-8; the limit is 32'],
    ['名字很长的用户名字很长的', 'username is 36 bytes in UTF-8; the limit is 32'],
    ['has space', '" " (U+0020) is not allowed'],
    ['<script>', '"<" (U+003C) is not allowed'],
    ['_under', 'must start with a letter or a digit'],
  ])('refuses the username %j with a clear message', async (username, message) => {
    const res = await post('/api/auth/register', { username, password: 'long enough' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain(message);
  });

  // Invisible characters have their own code since issue #12 (more in names.test.ts).
  it.each([
    ['evil\u202Eman', 'U+202E'],
    ['zero\u200Bwidth', 'U+200B'],
    ['bom\uFEFFname', 'U+FEFF'],
  ])('refuses the username %j with invisible_character, naming the code point', async (username, message) => {
    const res = await post('/api/auth/register', { username, password: 'long enough' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invisible_character');
    expect(body.error.message).toContain(message);
  });

  it('treats usernames equal after NFKC and case folding as taken', async () => {
    const base = uniqueName('taken');
    await register(server.url, base);
    const fullWidth = [...base.toUpperCase()]
      .map((ch) => (/[A-Z0-9]/.test(ch) ? String.fromCodePoint((ch.codePointAt(0) as number) + 0xfee0) : ch))
      .join('');
    for (const variant of [base.toUpperCase(), fullWidth]) {
      const res = await post('/api/auth/register', { username: variant, password: 'long enough' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('username_taken');
    }
  });

  it('refuses a short password', async () => {
    const res = await post('/api/auth/register', { username: uniqueName(), password: 'short' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('at least 8 characters');
  });

  it('signs in with the right password only, and sign-out ends the session and its sockets', async () => {
    const name = uniqueName();
    await register(server.url, name, 'the password');
    expect((await post('/api/auth/login', { username: name, password: 'wrong password' })).status).toBe(401);
    const ok = await post('/api/auth/login', { username: name.toUpperCase(), password: 'the password' });
    expect(ok.status).toBe(200);
    const token = ok.headers.get('set-cookie')?.match(/sb_session=([^;]+)/)?.[1] as string;
    const user: TestUser = { id: '', username: name, token, cookie: `sb_session=${token}` };
    const socket = await RawSocket.hello(server.wsUrl, token);
    const out = await api(server.url, user, 'POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    expect(await socket.closed).toBe(4005);
    expect((await api(server.url, user, 'GET', '/api/me')).status).toBe(401);
  });
});

describe('request hygiene', () => {
  it('answers a non-JSON POST with 415', async () => {
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: first.cookie, origin: server.url },
      body: '{"title":"x"}',
    });
    expect(res.status).toBe(415);
  });

  it('answers a cookie POST from a foreign Origin with 403', async () => {
    const res = await post(
      '/api/rooms',
      { title: 'csrf' },
      { cookie: first.cookie, origin: 'http://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_origin');
  });

  it('answers a body over 64 KiB with 413', async () => {
    const res = await post('/api/rooms', { title: 'x', topic: 'y'.repeat(70_000) }, { cookie: first.cookie });
    expect(res.status).toBe(413);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post('/api/rooms', '{"title":', { cookie: first.cookie });
    expect(res.status).toBe(400);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await api(server.url, first, 'GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });

  it('answers a plain GET on /ws with 426 and a sentence', async () => {
    const res = await fetch(`${server.url}/ws`);
    expect(res.status).toBe(426);
  });
});

describe('rooms', () => {
  it('lists the seeded rooms with member counts; new users are in General', async () => {
    const user = await register(server.url);
    const { rooms } = (await api(server.url, user, 'GET', '/api/rooms')).json;
    const ids = rooms.map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['general', 'random', 'help']));
    const general = rooms.find((r: { id: string }) => r.id === 'general');
    expect(general).toMatchObject({ joined: true, title: 'General' });
    expect(general.memberCount).toBeGreaterThanOrEqual(2);
    expect(rooms.find((r: { id: string }) => r.id === 'random').joined).toBe(false);
  });

  it('refuses a title over 200 bytes of UTF-8, naming the size', async () => {
    const ascii = await api(server.url, first, 'POST', '/api/rooms', { title: 'x'.repeat(201) });
    expect(ascii.status).toBe(400);
    expect(ascii.json.error.message).toBe('title: room title is 201 bytes; the limit is 200');
    const cjk = await api(server.url, first, 'POST', '/api/rooms', { title: '房'.repeat(67) });
    expect(cjk.json.error.message).toContain('201 bytes');
    expect((await api(server.url, first, 'POST', '/api/rooms', { title: '房'.repeat(66) })).status).toBe(201);
  });

  it('creates, joins, leaves, and counts members', async () => {
    const owner = await register(server.url);
    const guest = await register(server.url);
    const created = await api(server.url, owner, 'POST', '/api/rooms', {
      title: 'Plans',
      topic: 'next week',
    });
    expect(created.status).toBe(201);
    const id = created.json.room.id as string;
    const count = async () =>
      (await api(server.url, owner, 'GET', '/api/rooms')).json.rooms.find((r: { id: string }) => r.id === id)
        .memberCount;
    expect(await count()).toBe(1);
    expect((await api(server.url, guest, 'GET', `/api/rooms/${id}/messages`)).status).toBe(403);
    expect((await api(server.url, guest, 'POST', `/api/rooms/${id}/join`)).status).toBe(200);
    expect(await count()).toBe(2);
    expect((await api(server.url, guest, 'POST', `/api/rooms/${id}/leave`)).status).toBe(200);
    expect(await count()).toBe(1);
    expect((await api(server.url, guest, 'POST', '/api/rooms/no-such-room/join')).status).toBe(404);
  });

  it('a private room is listed to its members only, and to anyone else is a room that does not exist', async () => {
    const owner = await register(server.url);
    const outsider = await register(server.url);
    const created = await api(server.url, owner, 'POST', '/api/rooms', {
      title: 'Secret plans',
      kind: 'private',
    });
    expect(created.status).toBe(201);
    const id = created.json.room.id as string;
    const listed = async (user: TestUser) =>
      (await api(server.url, user, 'GET', '/api/rooms')).json.rooms.find((r: { id: string }) => r.id === id);
    expect(await listed(owner)).toMatchObject({
      kind: 'private',
      role: 'owner',
      joined: true,
      memberCount: 1,
    });
    expect(await listed(outsider)).toBeUndefined();
    expect((await api(server.url, outsider, 'GET', `/api/rooms/${id}/messages`)).status).toBe(404);
    expect((await api(server.url, outsider, 'POST', `/api/rooms/${id}/join`)).status).toBe(404);
    const socket = await RawSocket.hello(server.wsUrl, outsider.token);
    socket.send({ type: 'sub', stream: `room:${id}` });
    expect((await socket.next('error')).code).toBe('not_found');
    socket.close();
  });

  it('tells every tab of a user to fetch the room list again when their rooms change', async () => {
    const user = await register(server.url);
    const otherTab = await RawSocket.hello(server.wsUrl, user.token);
    const id = (await api(server.url, user, 'POST', '/api/rooms', { title: 'Fresh' })).json.room.id as string;
    await otherTab.next('rooms_changed');
    await api(server.url, user, 'POST', `/api/rooms/${id}/leave`);
    await otherTab.next('rooms_changed');
    otherTab.close();
  });

  it('counts unread messages from others after the read position', async () => {
    const reader = await register(server.url);
    const writer = await register(server.url);
    const id = (await api(server.url, reader, 'POST', '/api/rooms', { title: 'unread' })).json.room.id;
    await api(server.url, writer, 'POST', `/api/rooms/${id}/join`);
    const socket = await RawSocket.hello(server.wsUrl, writer.token);
    for (let i = 0; i < 3; i++)
      socket.send({ type: 'send', stream: `room:${id}`, clientMsgId: `u${i}`, text: `${i}` });
    for (let i = 0; i < 3; i++) await socket.next('ack');
    const room = () =>
      api(server.url, reader, 'GET', '/api/rooms').then((r) =>
        r.json.rooms.find((x: { id: string }) => x.id === id),
      );
    expect(await room()).toMatchObject({ unread: 3, head: 3, readSeq: 0 });
    const readerSocket = await RawSocket.hello(server.wsUrl, reader.token);
    readerSocket.send({ type: 'read', stream: `room:${id}`, seq: 2 });
    await readerSocket.next('read');
    expect(await room()).toMatchObject({ unread: 1, readSeq: 2 });
    socket.close();
    readerSocket.close();
  });

  it('pages history by seq, oldest first within a page', async () => {
    const user = await register(server.url);
    const id = (await api(server.url, user, 'POST', '/api/rooms', { title: 'long history' })).json.room.id;
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    for (let i = 1; i <= 120; i++)
      socket.send({ type: 'send', stream: `room:${id}`, clientMsgId: `h${i}`, text: `m${i}` });
    for (let i = 0; i < 120; i++) await socket.next('ack');
    const newest = await api(server.url, user, 'GET', `/api/rooms/${id}/messages?limit=50`);
    expect(newest.json.messages.map((m: { seq: number }) => m.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => 71 + i),
    );
    expect(newest.json.hasMore).toBe(true);
    const older = await api(server.url, user, 'GET', `/api/rooms/${id}/messages?limit=50&before=71`);
    expect(older.json.messages[0].seq).toBe(21);
    const oldest = await api(server.url, user, 'GET', `/api/rooms/${id}/messages?limit=50&before=21`);
    expect(oldest.json.messages.map((m: { seq: number }) => m.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(oldest.json.hasMore).toBe(false);
    expect((await api(server.url, user, 'GET', `/api/rooms/${id}/messages?limit=5000`)).status).toBe(400);
    socket.close();
  });
});
