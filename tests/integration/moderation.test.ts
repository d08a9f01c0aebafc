/**
 * Room membership and moderation, across two processes on PostgreSQL and Redis: invitations by
 * name and by link, room roles, and a moderator's remove, ban and mute, each checked at use, each
 * a `member` change in the room's log, each in the audit log, and live on the other process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas } from '../support/services.js';

const schemas = new Set<string>();
let a: ServerProcess;
let b: ServerProcess;
let admin: TestUser;

beforeAll(async () => {
  const env = clusterEnv(schemas, { RATE_BURST: '1000' });
  [a, b] = (await Promise.all([startServerProcess({ env }), startServerProcess({ env })])) as [
    ServerProcess,
    ServerProcess,
  ];
  admin = await register(a.url, 'modadmin');
});
afterAll(async () => {
  await a?.stop('SIGKILL');
  await b?.stop('SIGKILL');
  await dropSchemas(schemas);
});

async function room(owner: TestUser, kind: 'public' | 'private' = 'public'): Promise<string> {
  const made = await api(a.url, owner, 'POST', '/api/rooms', { title: `Mod ${owner.username}`, kind });
  expect(made.status).toBe(201);
  return made.json.room.id as string;
}

/** Sends one message and waits for its answer: `ack`, or the error's code. */
async function trySend(socket: RawSocket, id: string, ref: string): Promise<string> {
  socket.send({ type: 'send', stream: `room:${id}`, clientMsgId: ref, text: 'let me speak' });
  const answer = (f: ServerFrame) =>
    (f.type === 'ack' && f.clientMsgId === ref) || (f.type === 'error' && f.ref === ref);
  await until(() => socket.frames.some(answer), 5000, `the answer to ${ref}`);
  const frame = socket.frames.find(answer) as ServerFrame;
  return frame.type === 'error' ? frame.code : 'ack';
}

const changes = async (user: TestUser, id: string) =>
  (await api(a.url, user, 'GET', `/api/rooms/${id}/messages`)).json.messages
    .filter((m: { type: string }) => m.type === 'change')
    .map(
      (m: { change: { action: string; user: { name: string } } }) =>
        `${m.change.action} ${m.change.user.name}`,
    );

describe('invitations', () => {
  it('a moderator adds someone to a private room by name; an unknown name is user_not_found; a member cannot invite', async () => {
    const owner = await register(a.url);
    const guest = await register(a.url);
    const other = await register(a.url);
    const id = await room(owner, 'private');
    const added = await api(a.url, owner, 'POST', `/api/rooms/${id}/members`, { username: guest.username });
    expect(added.status).toBe(201);
    const listed = (await api(b.url, guest, 'GET', '/api/rooms')).json.rooms.find(
      (r: { id: string }) => r.id === id,
    );
    expect(listed).toMatchObject({ kind: 'private', role: 'member', joined: true });
    expect(
      (await api(a.url, owner, 'POST', `/api/rooms/${id}/members`, { username: 'nobody-here' })).json.error
        .code,
    ).toBe('user_not_found');
    // A plain member may not invite; an outsider does not learn the room exists.
    expect(
      (await api(a.url, guest, 'POST', `/api/rooms/${id}/members`, { username: other.username })).status,
    ).toBe(403);
    expect(
      (await api(a.url, other, 'POST', `/api/rooms/${id}/members`, { username: other.username })).status,
    ).toBe(404);
    expect(await changes(owner, id)).toEqual([`invite ${guest.username}`]);
  });

  it('an invite link admits anyone signed in, once per person, until it is revoked; a made-up one is invite_invalid', async () => {
    const owner = await register(a.url);
    const guest = await register(a.url);
    const late = await register(a.url);
    const id = await room(owner, 'private');
    const link = await api(a.url, owner, 'POST', `/api/rooms/${id}/invite-links`, { expiresInMinutes: 60 });
    expect(link.status).toBe(201);
    expect(link.json.path).toBe(`/invite/${link.json.token}`);
    const accepted = await api(b.url, guest, 'POST', `/api/invites/${link.json.token}/accept`);
    expect(accepted).toMatchObject({ status: 200, json: { room: { id, kind: 'private' } } });
    const invites = (await api(a.url, owner, 'GET', `/api/rooms/${id}/invite-links`)).json.invites;
    expect(invites[0]).toMatchObject({ id: link.json.invite.id, uses: 1, revokedAt: null });
    expect(JSON.stringify(invites)).not.toContain(link.json.token);

    expect(
      (await api(a.url, owner, 'DELETE', `/api/rooms/${id}/invite-links/${link.json.invite.id}`)).status,
    ).toBe(200);
    const refused = await api(a.url, late, 'POST', `/api/invites/${link.json.token}/accept`);
    expect(refused).toMatchObject({ status: 404, json: { error: { code: 'invite_invalid' } } });
    expect((await api(a.url, late, 'POST', '/api/invites/made-up-token/accept')).json.error.code).toBe(
      'invite_invalid',
    );
    expect((await api(a.url, late, 'GET', `/api/rooms/${id}/messages`)).status).toBe(404);
  });
});

describe('moderation', () => {
  it('roles: only the owner makes moderators; a moderator cannot act on the owner; a member moderates no one', async () => {
    const owner = await register(a.url);
    const mod = await register(a.url);
    const member = await register(a.url);
    const id = await room(owner);
    for (const u of [mod, member]) await api(a.url, u, 'POST', `/api/rooms/${id}/join`);
    expect(
      (await api(a.url, member, 'PUT', `/api/rooms/${id}/members/${mod.id}/role`, { role: 'moderator' }))
        .status,
    ).toBe(403);
    expect(
      (await api(a.url, owner, 'PUT', `/api/rooms/${id}/members/${mod.id}/role`, { role: 'moderator' }))
        .status,
    ).toBe(200);
    expect((await api(a.url, mod, 'POST', `/api/rooms/${id}/members/${owner.id}/remove`)).status).toBe(403);
    expect((await api(a.url, member, 'POST', `/api/rooms/${id}/members/${mod.id}/remove`)).status).toBe(403);
    expect((await api(a.url, mod, 'POST', `/api/rooms/${id}/members/${member.id}/remove`)).status).toBe(200);
    expect(await changes(owner, id)).toEqual([`role ${mod.username}`, `remove ${member.username}`]);
  });

  it('a mute refuses the member’s sends with muted at once on the other process, and lifting it lets them send', async () => {
    const owner = await register(a.url);
    const member = await register(a.url);
    const id = await room(owner);
    await api(a.url, member, 'POST', `/api/rooms/${id}/join`);
    const socket = await RawSocket.hello(b.wsUrl, member.token);
    socket.send({ type: 'sub', stream: `room:${id}` });
    await socket.next('subscribed');
    expect(await trySend(socket, id, 'before')).toBe('ack');

    expect(
      (await api(a.url, owner, 'POST', `/api/rooms/${id}/members/${member.id}/mute`, { minutes: 10 })).status,
    ).toBe(200);
    // Another process learns of the mute within its 1 s cache; every send after that is refused.
    const started = Date.now();
    let i = 0;
    while ((await trySend(socket, id, `try${i}`)) === 'ack') {
      i++;
      expect(Date.now() - started).toBeLessThan(2000);
    }
    const refused = socket.frames.find((f) => f.type === 'error' && f.ref === `try${i}`);
    expect(refused).toMatchObject({ code: 'muted' });
    expect((refused as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(9 * 60_000);

    expect((await api(a.url, owner, 'DELETE', `/api/rooms/${id}/members/${member.id}/mute`)).status).toBe(
      200,
    );
    let j = 0;
    while ((await trySend(socket, id, `after${j}`)) === 'muted') {
      j++;
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect(socket.frames.some((f) => f.type === 'ack' && f.clientMsgId === `after${j}`)).toBe(true);
    socket.close();
    const audit = (await api(a.url, admin, 'GET', '/api/admin/audit?limit=200')).json.entries
      .filter((e: { targetUserId: string }) => e.targetUserId === member.id)
      .map((e: { action: string; details: { minutes?: number } }) => [e.action, e.details.minutes ?? null]);
    expect(audit).toEqual([
      ['room.unmute', null],
      ['room.mute', 10],
    ]);
  });

  it('a ban on A takes the room from the member’s socket on B at once, keeps them out (join, link), and is audited', async () => {
    const owner = await register(a.url);
    const member = await register(a.url);
    const id = await room(owner);
    await api(a.url, member, 'POST', `/api/rooms/${id}/join`);
    const watcher = await RawSocket.hello(a.wsUrl, owner.token);
    watcher.send({ type: 'sub', stream: `room:${id}` });
    await watcher.next('subscribed');
    const socket = await RawSocket.hello(b.wsUrl, member.token);
    socket.send({ type: 'sub', stream: `room:${id}` });
    await socket.next('subscribed');

    expect((await api(a.url, owner, 'POST', `/api/rooms/${id}/members/${member.id}/ban`)).status).toBe(200);
    await socket.next('rooms_changed');
    // The ban is in the log: the watcher gets it live.
    const change = await watcher.next('change');
    expect(change.change).toMatchObject({ kind: 'member', action: 'ban', user: { id: member.id } });
    // Nothing more reaches the banned member, and their sends are refused.
    watcher.send({ type: 'send', stream: `room:${id}`, clientMsgId: 'after-ban', text: 'not for you' });
    await watcher.next('ack');
    socket.send({ type: 'send', stream: `room:${id}`, clientMsgId: 'banned-send', text: 'hello?' });
    expect((await socket.next('error', (f) => f.ref === 'banned-send')).code).toBe('forbidden');
    expect(socket.frames.some((f) => f.type === 'msg')).toBe(false);

    expect((await api(b.url, member, 'POST', `/api/rooms/${id}/join`)).json.error.code).toBe('banned');
    const link = await api(a.url, owner, 'POST', `/api/rooms/${id}/invite-links`, {});
    expect((await api(b.url, member, 'POST', `/api/invites/${link.json.token}/accept`)).json.error.code).toBe(
      'banned',
    );

    const audit = (await api(a.url, admin, 'GET', '/api/admin/audit?limit=200')).json.entries;
    expect(
      audit.find(
        (e: { action: string; targetUserId: string }) =>
          e.action === 'room.ban' && e.targetUserId === member.id,
      ),
    ).toMatchObject({
      actorId: owner.id,
      roomId: id,
    });
    expect((await api(a.url, member, 'GET', '/api/admin/audit')).status).toBe(403);

    expect((await api(a.url, owner, 'DELETE', `/api/rooms/${id}/members/${member.id}/ban`)).status).toBe(200);
    expect((await api(b.url, member, 'POST', `/api/rooms/${id}/join`)).status).toBe(200);
    watcher.close();
    socket.close();
  });
});
