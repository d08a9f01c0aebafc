/**
 * Direct messages over HTTP and the protocol, on a real server process: opening one (and finding
 * it again), who sees it, every refusal with its code, user search, the read receipts setting;
 * and receipts and the room list live across two processes on PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptFrame } from '../../shared/protocol.js';
import type { SwitchboardClient } from '../../web/client/index.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, sdkClient, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas } from '../support/services.js';

let server: ServerProcess;
/** The server's first account, so its admin. */
let admin: TestUser;
const clients: SwitchboardClient[] = [];
const schemas = new Set<string>();
const cluster: ServerProcess[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  admin = await register(server.url);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  for (const s of cluster) await s.stop('SIGKILL');
  await dropSchemas(schemas);
});

const openDm = (base: string, user: TestUser, userIds: string[]) =>
  api(base, user, 'POST', '/api/dms', { userIds });
const users = async (base: string, n: number): Promise<TestUser[]> => {
  const made: TestUser[] = [];
  for (let i = 0; i < n; i++) made.push(await register(base));
  return made;
};

function client(wsUrl: string, user: TestUser): SwitchboardClient {
  const c = sdkClient(wsUrl, user.token);
  clients.push(c);
  return c;
}

describe('opening a direct message', () => {
  it('opens a DM once per set of people: 201 the first time, then 200 with the same room from anyone in it, in any order', async () => {
    const [alice, bob, carol] = (await users(server.url, 3)) as [TestUser, TestUser, TestUser];

    const first = await openDm(server.url, alice, [bob.id]);
    const fromBob = await openDm(server.url, bob, [alice.id]);
    const withSelf = await openDm(server.url, alice, [alice.id, bob.id, bob.id]);
    const group = await openDm(server.url, carol, [bob.id, alice.id]);
    const groupAgain = await openDm(server.url, bob, [alice.id, carol.id]);

    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      created: true,
      room: {
        kind: 'dm',
        title: bob.username,
        memberCount: 2,
        joined: true,
        people: [{ id: bob.id, username: bob.username }],
      },
    });
    expect(fromBob.status).toBe(200);
    expect(fromBob.json.room).toMatchObject({
      id: first.json.room.id,
      title: alice.username,
    });
    expect(fromBob.json.created).toBe(false);
    expect(withSelf.json.room.id).toBe(first.json.room.id);
    expect(group.status).toBe(201);
    expect(group.json.room.id).not.toBe(first.json.room.id);
    expect(groupAgain.json.room.id).toBe(group.json.room.id);
    expect(groupAgain.json.room.title.split(', ').sort()).toEqual([alice.username, carol.username].sort());
  });

  it('lists a DM to its people only, titled with the others’ names; to anyone else it does not exist', async () => {
    const [alice, bob, eve] = (await users(server.url, 3)) as [TestUser, TestUser, TestUser];
    const { json } = await openDm(server.url, alice, [bob.id]);
    const id = json.room.id as string;

    const listed = async (user: TestUser) =>
      ((await api(server.url, user, 'GET', '/api/rooms')).json.rooms as { id: string; title: string }[]).find(
        (r) => r.id === id,
      );
    expect(await listed(alice)).toMatchObject({ kind: 'dm', title: bob.username, people: [{ id: bob.id }] });
    expect(await listed(bob)).toMatchObject({
      kind: 'dm',
      title: alice.username,
      people: [{ id: alice.id }],
    });
    expect(await listed(eve)).toBeUndefined();

    for (const [method, path] of [
      ['GET', `/api/rooms/${id}/messages`],
      ['POST', `/api/rooms/${id}/join`],
      ['POST', `/api/rooms/${id}/leave`],
    ] as const) {
      const res = await api(server.url, eve, method, path, method === 'POST' ? {} : undefined);
      expect([path, res.status, res.json.error.code]).toEqual([path, 404, 'not_found']);
    }
    const raw = new RawSocket(server.wsUrl);
    await raw.opened;
    raw.send({ type: 'hello', v: 1, token: eve.token });
    raw.send({ type: 'sub', stream: `room:${id}` });
    await until(() => raw.frames.some((f) => f.type === 'error'), 5000, 'the refusal');
    expect(raw.frames.find((f) => f.type === 'error')).toMatchObject({
      code: 'not_found',
      ref: `room:${id}`,
    });
    raw.ws.close();
  });

  it('its people cannot leave it, nor anyone join it: the people of a DM are fixed', async () => {
    const [alice, bob] = (await users(server.url, 2)) as [TestUser, TestUser];
    const id = (await openDm(server.url, alice, [bob.id])).json.room.id as string;

    const leave = await api(server.url, alice, 'POST', `/api/rooms/${id}/leave`, {});
    const join = await api(server.url, alice, 'POST', `/api/rooms/${id}/join`, {});

    expect([leave.status, leave.json.error.code]).toEqual([400, 'invalid_request']);
    expect(leave.json.error.message).toMatch(/fixed/);
    expect([join.status, join.json.error.code]).toEqual([404, 'not_found']);
    expect((await api(server.url, alice, 'GET', `/api/rooms/${id}/messages`)).status).toBe(200);
  });

  it('refuses, each with its code and nothing created: 10 people, 50 people, an unknown or deleted user, only yourself, a bad body, no session', async () => {
    const people = await users(server.url, 10);
    const [alice, ...others] = people as [TestUser, ...TestUser[]];
    const roomsOf = async (user: TestUser) =>
      (await api(server.url, user, 'GET', '/api/rooms')).json.rooms.length;
    const before = await roomsOf(alice);

    const ten = await openDm(
      server.url,
      alice,
      others.map((u) => u.id),
    );
    const fifty = await openDm(
      server.url,
      alice,
      Array.from({ length: 50 }, (_, i) => `someone${i}`),
    );
    const unknown = await openDm(server.url, alice, [others[0]?.id as string, 'nobody-at-all']);
    const self = await openDm(server.url, alice, [alice.id]);
    const empty = await openDm(server.url, alice, []);
    const badId = await openDm(server.url, alice, ['not an id!']);
    const anonymous = await api(server.url, null, 'POST', '/api/dms', { userIds: [alice.id] });

    expect([ten.status, ten.json.error.code]).toEqual([400, 'too_many_people']);
    expect(ten.json.error.message).toBe(
      'a direct message is for at most 9 people, you included; this names 10',
    );
    expect([fifty.status, fifty.json.error.code]).toEqual([400, 'too_many_people']);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'user_not_found']);
    expect(unknown.json.error.message).toContain('nobody-at-all');
    expect([self.status, self.json.error.code]).toEqual([400, 'invalid_request']);
    expect([empty.status, empty.json.error.code]).toEqual([400, 'invalid_request']);
    expect([badId.status, badId.json.error.code]).toEqual([400, 'invalid_request']);
    expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'unauthorized']);
    expect(await roomsOf(alice)).toBe(before);
    for (const other of others) expect(await roomsOf(other)).toBe(before);

    // Nine is allowed.
    const nine = await openDm(
      server.url,
      alice,
      others.slice(0, 8).map((u) => u.id),
    );
    expect([nine.status, nine.json.room.memberCount]).toEqual([201, 9]);
  });

  it('refuses a DM with a deleted account (user_not_found), and finds no deleted account in search', async () => {
    const [alice, bob] = (await users(server.url, 2)) as [TestUser, TestUser];
    expect((await api(server.url, admin, 'DELETE', `/api/admin/users/${bob.id}`)).status).toBe(204);

    const res = await openDm(server.url, alice, [bob.id]);
    const search = await api(server.url, alice, 'GET', `/api/users?q=${bob.username}`);

    expect([res.status, res.json.error.code]).toEqual([404, 'user_not_found']);
    expect(search.json.users).toEqual([]);
  });

  it('opening DMs is rate-limited per user: 20 at once, then 429 rate_limited', async () => {
    const [alice, bob] = (await users(server.url, 2)) as [TestUser, TestUser];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await openDm(server.url, alice, [bob.id])).status);

    expect(statuses.slice(0, 20).every((s) => s === 200 || s === 201)).toBe(true);
    const limited = await openDm(server.url, alice, [bob.id]);
    expect([limited.status, limited.json.error.code]).toEqual([429, 'rate_limited']);
    // Bob's bucket is his own.
    expect((await openDm(server.url, bob, [alice.id])).status).toBe(200);
  });

  it('a new DM appears live in the room list of everyone in it (rooms_changed)', async () => {
    const [alice, bob] = (await users(server.url, 2)) as [TestUser, TestUser];
    const b = client(server.wsUrl, bob);
    let changed = 0;
    b.on('roomsChanged', () => changed++);
    b.subscribe(`user:${bob.id}`);
    b.connect();
    await until(() => b.cursor(`user:${bob.id}`) !== undefined, 5000, 'bob connected');

    await openDm(server.url, alice, [bob.id]);
    await until(() => changed > 0, 5000, 'rooms_changed for bob');
  });
});

describe('user search', () => {
  it('finds active users by the start of their username, case-folded, never yourself, ids and usernames only', async () => {
    const tag = `srch${Date.now().toString(36)}`;
    const [me, a, b] = [
      await register(server.url, `${tag}me`),
      await register(server.url, `${tag}Ann`),
      await register(server.url, `${tag}anna`),
    ];

    const res = await api(server.url, me, 'GET', `/api/users?q=${tag.toUpperCase()}`);
    const one = await api(server.url, me, 'GET', `/api/users?q=${tag}&limit=1`);
    const none = await api(server.url, me, 'GET', '/api/users?q=zzzznobody');

    expect(res.status).toBe(200);
    expect(res.json.users).toEqual([
      { id: a.id, username: a.username },
      { id: b.id, username: b.username },
    ]);
    expect(one.json.users).toEqual([{ id: a.id, username: a.username }]);
    expect(none.json.users).toEqual([]);
  });

  it('refuses a bad limit or an overlong query, and anyone not signed in', async () => {
    const me = await register(server.url);
    for (const query of ['limit=0', 'limit=21', 'limit=x', `q=${'a'.repeat(65)}`]) {
      const res = await api(server.url, me, 'GET', `/api/users?${query}`);
      expect([query, res.status, res.json.error.code]).toEqual([query, 400, 'invalid_request']);
    }
    expect((await api(server.url, null, 'GET', '/api/users?q=a')).status).toBe(401);
  });
});

describe('the read receipts setting', () => {
  it('is on by default, turns off and on, and refuses anything else', async () => {
    const me = await register(server.url);

    expect((await api(server.url, me, 'GET', '/api/me/settings')).json).toEqual({
      settings: { readReceipts: true },
    });
    const off = await api(server.url, me, 'PATCH', '/api/me/settings', { readReceipts: false });
    expect(off.json).toEqual({ settings: { readReceipts: false } });
    expect((await api(server.url, me, 'GET', '/api/me/settings')).json.settings.readReceipts).toBe(false);
    const bad = await api(server.url, me, 'PATCH', '/api/me/settings', { readReceipts: 'yes' });
    const extra = await api(server.url, me, 'PATCH', '/api/me/settings', { email: 'x@example.com' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_request']);
    expect([extra.status, extra.json.error.code]).toEqual([400, 'invalid_request']);
    expect((await api(server.url, null, 'GET', '/api/me/settings')).status).toBe(401);
  });
});

describe('read receipts across two processes on Redis', () => {
  const receiptsOf = (c: SwitchboardClient) => {
    const got: ReceiptFrame[] = [];
    c.on('receipt', (r) => got.push(r));
    return got;
  };
  /**
   * Connects `c` to `stream`; resolves once its presence snapshot arrived, which the server sends
   * after the latest-value frames (receipts among them): by then every receipt of the handshake is in.
   */
  const caughtUp = async (c: SwitchboardClient, stream: string): Promise<void> => {
    let done = false;
    c.on('presence', (p) => {
      if (p.stream === stream && p.kind === 'snapshot') done = true;
    });
    c.subscribe(stream);
    c.connect();
    await until(() => done, 5000, `${stream} caught up`);
  };

  it('a read in a DM on one process reaches the others on the other, live and on resubscribing; never outside DMs; not to or from someone with receipts off', async () => {
    const env = clusterEnv(schemas, { RATE_BURST: '100000' });
    const [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
    cluster.push(a, b);
    const [alice, bob, carol] = (await users(a.url, 3)) as [TestUser, TestUser, TestUser];

    // Bob on B hears of the DM alice opens on A.
    const bobClient = client(b.wsUrl, bob);
    let bobRoomsChanged = 0;
    bobClient.on('roomsChanged', () => bobRoomsChanged++);
    bobClient.subscribe(`user:${bob.id}`);
    bobClient.connect();
    await until(() => bobClient.cursor(`user:${bob.id}`) !== undefined, 5000, 'bob connected to B');
    const dm = (await openDm(a.url, alice, [bob.id, carol.id])).json.room.id as string;
    const stream = `room:${dm}`;
    await until(() => bobRoomsChanged > 0, 5000, 'rooms_changed on B');

    const toBob = receiptsOf(bobClient);
    bobClient.subscribe(stream);
    const aliceClient = client(a.wsUrl, alice);
    const toAlice = receiptsOf(aliceClient);
    aliceClient.subscribe(stream);
    aliceClient.connect();
    await until(
      () => aliceClient.cursor(stream) !== undefined && bobClient.cursor(stream) !== undefined,
      5000,
      'both subscribed',
    );

    const sent = bobClient.send(stream, 'hi both');
    await until(() => sent.status === 'sent', 5000, 'bob’s message acked');
    aliceClient.markRead(stream, sent.seq as number);
    await until(() => toBob.some((r) => r.by.id === alice.id), 5000, 'alice’s receipt on B');
    expect(toBob.find((r) => r.by.id === alice.id)).toEqual({
      type: 'receipt',
      stream,
      by: { id: alice.id, name: alice.username },
      seq: sent.seq,
    });
    // Bob reading tells alice, on A.
    bobClient.markRead(stream, sent.seq as number);
    await until(() => toAlice.some((r) => r.by.id === bob.id), 5000, 'bob’s receipt on A');

    // A client subscribing afresh gets "seen" as of now (carol has read nothing: no receipt of hers).
    const bob2 = client(a.wsUrl, bob);
    const toBob2 = receiptsOf(bob2);
    await caughtUp(bob2, stream);
    expect(toBob2.map((r) => [r.by.id, r.seq])).toEqual([[alice.id, sent.seq]]);

    // Alice turns receipts off: a fresh subscription of bob's shows none of hers, and she sees none.
    await api(a.url, alice, 'PATCH', '/api/me/settings', { readReceipts: false });
    const bob3 = client(b.wsUrl, bob);
    const toBob3 = receiptsOf(bob3);
    await caughtUp(bob3, stream);
    const alice2 = client(b.wsUrl, alice);
    const toAlice2 = receiptsOf(alice2);
    await caughtUp(alice2, stream);
    expect(toBob3).toEqual([]);
    expect(toAlice2).toEqual([]);

    // Turning them on again sends alice "seen" as of now, on every connection of hers.
    await api(a.url, alice, 'PATCH', '/api/me/settings', { readReceipts: true });
    await until(() => toAlice2.some((r) => r.by.id === bob.id), 5000, 'the resent receipts');
    expect(toAlice2.map((r) => [r.by.id, r.seq])).toEqual([[bob.id, sent.seq]]);

    // A public room has no receipts: a fresh subscription there gets none, though alice read it.
    await api(a.url, alice, 'POST', '/api/rooms/general/join', {});
    await api(a.url, bob, 'POST', '/api/rooms/general/join', {});
    const hello = bobClient.send('room:general', 'hello room');
    bobClient.subscribe('room:general');
    await until(() => hello.status === 'sent', 5000, 'the room message acked');
    aliceClient.subscribe('room:general');
    await until(() => aliceClient.cursor('room:general') !== undefined);
    aliceClient.markRead('room:general', hello.seq as number);
    const bob4 = client(a.wsUrl, bob);
    const toBob4 = receiptsOf(bob4);
    await caughtUp(bob4, 'room:general');
    expect(toBob4).toEqual([]);
    expect(toBob.every((r) => r.stream === stream)).toBe(true);
  });
});
