/**
 * Mentions end to end (#13): a real server process, users over the HTTP API and raw sockets.
 * `@name` resolves to members, counts after the read position, `@room` only from owners and
 * moderators, and at most 50 people per message; a refused message stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MENTIONS } from '../../shared/mentions.js';
import type { MsgFrame } from '../../shared/protocol.js';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { RawSocket } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '1000' } });
});
afterAll(async () => {
  await server?.stop();
});

async function roomWith(owner: TestUser, ...members: TestUser[]): Promise<string> {
  const created = await api(server.url, owner, 'POST', '/api/rooms', { title: `Mentions ${Date.now()}` });
  expect(created.status).toBe(201);
  const id = created.json.room.id as string;
  for (const member of members) {
    expect((await api(server.url, member, 'POST', `/api/rooms/${id}/join`)).status).toBe(200);
  }
  return id;
}

async function roomOf(user: TestUser, id: string) {
  const res = await api(server.url, user, 'GET', '/api/rooms');
  return (res.json.rooms as { id: string; mentions: number; unread: number; readSeq: number }[]).find(
    (r) => r.id === id,
  );
}

async function socketIn(user: TestUser, stream: string): Promise<RawSocket> {
  const socket = await RawSocket.hello(server.wsUrl, user.token);
  socket.send({ type: 'sub', stream });
  await socket.next('subscribed', (f) => f.stream === stream);
  return socket;
}

let sent = 0;
async function send(socket: RawSocket, stream: string, text: string) {
  const clientMsgId = `m${++sent}`;
  socket.send({ type: 'send', stream, clientMsgId, text });
  const answer = await Promise.race([
    socket.next('ack', (f) => f.clientMsgId === clientMsgId),
    socket.next('error', (f) => f.ref === clientMsgId),
  ]);
  return answer;
}

describe('mentions', () => {
  it('resolve @names to members (any case), leave others as text, and count after the read position', async () => {
    const alice = await register(server.url);
    const bob = await register(server.url);
    const carol = await register(server.url);
    const outsider = await register(server.url);
    const id = await roomWith(alice, bob, carol);
    const stream = `room:${id}`;
    const a = await socketIn(alice, stream);
    const b = await socketIn(bob, stream);

    const text = `hi @${alice.username.toUpperCase()} and @${carol.username}, not @${outsider.username} or @nobody; me: @${bob.username}`;
    const ack = await send(b, stream, text);
    expect(ack.type).toBe('ack');
    const live = await a.next('msg', (m) => m.text === text);
    expect([...(live.mentions ?? [])].sort()).toEqual([alice.id, carol.id].sort());

    const [stored] = (await fetchHistory(server.url, alice, id)).filter((m) => m.text === text) as MsgFrame[];
    expect([...(stored?.mentions ?? [])].sort()).toEqual([alice.id, carol.id].sort());
    expect(await roomOf(alice, id)).toMatchObject({ unread: 1, mentions: 1 });
    expect(await roomOf(carol, id)).toMatchObject({ mentions: 1 });
    expect(await roomOf(bob, id)).toMatchObject({ mentions: 0 });

    // A message without mentions counts as unread, not as a mention.
    await send(b, stream, 'just chatting');
    expect(await roomOf(alice, id)).toMatchObject({ unread: 2, mentions: 1 });

    // Reading past the mention clears it, in the `read` frame every tab of Alice's gets.
    a.send({ type: 'read', stream, seq: live.seq });
    expect(await a.next('read', (f) => f.stream === stream)).toMatchObject({
      seq: live.seq,
      unread: 1,
      mentions: 0,
    });
    expect(await roomOf(alice, id)).toMatchObject({ unread: 1, mentions: 0 });

    // A new connection learns the count in `subscribed`.
    await send(b, stream, `@${alice.username} again`);
    const fresh = await RawSocket.hello(server.wsUrl, alice.token);
    fresh.send({ type: 'sub', stream });
    expect(await fresh.next('subscribed', (f) => f.stream === stream)).toMatchObject({
      unread: 2,
      mentions: 1,
    });
    for (const socket of [a, b, fresh]) socket.close();
  });

  it('@room from a member is refused with room_mention_forbidden and stores nothing; from the owner it reaches everyone else', async () => {
    const owner = await register(server.url);
    const member = await register(server.url);
    const other = await register(server.url);
    const id = await roomWith(owner, member, other);
    const stream = `room:${id}`;
    const o = await socketIn(owner, stream);
    const m = await socketIn(member, stream);

    const refused = await send(m, stream, 'hey @room, lunch?');
    expect(refused).toMatchObject({ type: 'error', code: 'room_mention_forbidden' });
    expect((await fetchHistory(server.url, owner, id)).map((e) => (e as MsgFrame).text)).not.toContain(
      'hey @room, lunch?',
    );

    // Written without the @, it is plain text.
    expect((await send(m, stream, 'hey room, lunch?')).type).toBe('ack');

    const ok = await send(o, stream, '@room the build is green');
    expect(ok.type).toBe('ack');
    const live = await m.next('msg', (f) => f.text === '@room the build is green');
    expect(live.mentions).toEqual(['room']);
    expect(await roomOf(member, id)).toMatchObject({ mentions: 1 });
    expect(await roomOf(other, id)).toMatchObject({ mentions: 1 });
    expect(await roomOf(owner, id)).toMatchObject({ mentions: 0 });
    o.close();
    m.close();
  });

  it(`refuses a message mentioning ${MAX_MENTIONS + 1} members with too_many_mentions, and takes ${MAX_MENTIONS}`, async () => {
    const owner = await register(server.url);
    const crowd: TestUser[] = [];
    for (let i = 0; i <= MAX_MENTIONS; i++) crowd.push(await register(server.url));
    const id = await roomWith(owner, ...crowd);
    const stream = `room:${id}`;
    const o = await socketIn(owner, stream);

    const all = crowd.map((u) => `@${u.username}`).join(' ');
    const refused = await send(o, stream, all);
    expect(refused).toMatchObject({ type: 'error', code: 'too_many_mentions' });
    expect(refused.type === 'error' && refused.message).toContain(`the limit is ${MAX_MENTIONS}`);
    expect(await fetchHistory(server.url, owner, id)).toEqual([]);
    expect(await roomOf(crowd[0] as TestUser, id)).toMatchObject({ mentions: 0 });

    const fifty = crowd
      .slice(0, MAX_MENTIONS)
      .map((u) => `@${u.username}`)
      .join(' ');
    expect((await send(o, stream, fifty)).type).toBe('ack');
    expect(await roomOf(crowd[0] as TestUser, id)).toMatchObject({ mentions: 1 });
    expect(await roomOf(crowd[MAX_MENTIONS] as TestUser, id)).toMatchObject({ mentions: 0 });
    o.close();
  });

  it('lists members by name prefix for @ completion, to members only', async () => {
    const alice = await register(server.url, `zed${Date.now().toString(36)}a`);
    const bob = await register(server.url, `zed${Date.now().toString(36)}b`);
    const outsider = await register(server.url);
    const id = await roomWith(alice, bob);

    const found = await api(
      server.url,
      alice,
      'GET',
      `/api/rooms/${id}/members?q=${alice.username.slice(0, 4).toUpperCase()}`,
    );
    expect(found.status).toBe(200);
    expect(found.json.members.map((m: { username: string }) => m.username)).toEqual([
      alice.username,
      bob.username,
    ]);
    expect(found.json.members[0]).toEqual({ id: alice.id, username: alice.username, role: 'owner' });

    expect((await api(server.url, outsider, 'GET', `/api/rooms/${id}/members`)).status).toBe(403);
    expect((await api(server.url, alice, 'GET', `/api/rooms/${id}/members?limit=500`)).status).toBe(400);
    expect((await api(server.url, alice, 'GET', '/api/rooms/nosuchroom/members')).status).toBe(404);
  });
});
