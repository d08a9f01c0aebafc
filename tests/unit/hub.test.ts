/**
 * The hub, driven through in-memory connections: no network, real SQLite in memory, the memory
 * broker. Each test reads as one clause of the protocol's contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessions, type Sessions } from '../../server/auth/sessions.js';
import type { Broker } from '../../server/broker/broker.js';
import { streamChannel } from '../../server/broker/broker.js';
import { createMemoryBroker } from '../../server/broker/memory.js';
import type { HubConfig } from '../../server/hub/conn.js';
import { messageBody, msgFrame } from '../../server/hub/frames.js';
import { createHub, type Hub } from '../../server/hub/hub.js';
import { userIdentity } from '../../server/hub/identity.js';
import { createLogger } from '../../server/log.js';
import { openSqliteStorage } from '../../server/storage/sqlite.js';
import type { Storage } from '../../server/storage/storage.js';
import { until } from '../support/clients.js';
import { TestClient } from '../support/test-conn.js';

const ROOM = 'room:lobby';
let storage: Storage;
let broker: Broker;
let sessions: Sessions;
let hub: Hub;

async function makeHub(config: Partial<HubConfig> = {}): Promise<void> {
  storage = openSqliteStorage({ file: ':memory:' });
  broker = createMemoryBroker();
  sessions = createSessions(storage);
  hub = createHub({
    storage,
    broker,
    log: createLogger('silent'),
    authenticate: async ({ token }) => {
      const auth = token ? await sessions.resolve(token) : null;
      return auth ? userIdentity(auth) : null;
    },
    config: { heartbeatMs: 60_000, ...config },
  });
  await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
}

async function user(name: string, join = true): Promise<{ id: string; token: string }> {
  const created = await storage.createUser({
    username: name,
    usernameKey: name,
    usernameSkeletons: [name],
    passwordHash: 'x',
  });
  if (created.status !== 'created') throw new Error('user exists');
  if (join) await storage.joinRoom('lobby', created.user.id);
  const { token } = await sessions.create(created.user.id);
  return { id: created.user.id, token };
}

async function connected(token: string): Promise<TestClient> {
  const client = new TestClient(hub);
  await client.hello(token);
  return client;
}

/** Appends messages straight to the log, as another process would, without publishing. */
async function appendQuietly(count: number, senderId = 'other'): Promise<void> {
  const head = await storage.head(ROOM);
  await storage.append(
    Array.from({ length: count }, (_, i) => ({
      stream: ROOM,
      senderId,
      senderName: senderId,
      clientMsgId: `q${head + i}`,
      kind: 'msg',
      body: messageBody(`quiet ${head + i + 1}`),
    })),
  );
}

beforeEach(async () => {
  await makeHub();
});
afterEach(async () => {
  await hub.shutdown('going_away', 'test over');
  await broker.close();
  await storage.close();
});

describe('handshake', () => {
  it('answers a frame before hello with hello_required and keeps the connection open', async () => {
    const client = new TestClient(hub);
    client.send({ type: 'sub', stream: ROOM });
    await client.waitFor('error', (e) => e.code === 'hello_required');
    expect(client.conn.closedWith).toBeNull();
    const { token } = await user('ann');
    await client.hello(token);
  });

  it('closes with protocol_version when hello carries another version', async () => {
    const client = new TestClient(hub);
    client.send({ type: 'hello', v: 2 });
    await until(() => client.conn.closedWith !== null);
    expect(client.conn.closedWith?.name).toBe('protocol_version');
  });

  it('closes with unauthorized when there is neither a cookie session nor a valid token', async () => {
    const client = new TestClient(hub);
    client.send({ type: 'hello', v: 1, token: 'not-a-token' });
    await until(() => client.conn.closedWith !== null);
    expect(client.conn.closedWith?.name).toBe('unauthorized');
  });

  it('accepts the cookie session given at connect and welcomes with the user', async () => {
    const { token } = await user('cookie');
    const client = new TestClient(hub, await sessions.resolve(token));
    client.send({ type: 'hello', v: 1 });
    const welcome = await client.waitFor('welcome');
    expect(welcome.user.name).toBe('cookie');
    expect(welcome.v).toBe(1);
  });

  it('buffers frames that arrive while hello is being authenticated', async () => {
    const { token } = await user('eager');
    const client = new TestClient(hub);
    client.send({ type: 'hello', v: 1, token });
    client.send({ type: 'sub', stream: ROOM });
    await client.waitFor('subscribed');
    expect(client.of('error')).toEqual([]);
  });
});

describe('sending', () => {
  it('commits, acks with the seq, and delivers to subscribers including the sender', async () => {
    const a = await connected((await user('a')).token);
    const b = await connected((await user('b')).token);
    await a.subscribe(ROOM);
    await b.subscribe(ROOM);
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'm1', text: 'hello' });
    const ack = await a.waitFor('ack');
    expect(ack).toMatchObject({ clientMsgId: 'm1', seq: 1, stream: ROOM });
    const got = await b.waitFor('msg');
    expect(got).toMatchObject({ seq: 1, text: 'hello', from: { name: 'a' }, clientMsgId: 'm1' });
    await a.waitFor('msg', (m) => m.seq === 1);
  });

  it('a retry with the same clientMsgId returns the original ack and stores one message', async () => {
    const a = await connected((await user('a')).token);
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'dup', text: 'once' });
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'dup', text: 'once' });
    await until(() => a.of('ack').length === 2);
    const [first, second] = a.of('ack');
    expect(second).toEqual(first);
    expect(await storage.head(ROOM)).toBe(1);
  });

  it('the same clientMsgId with another body gets idempotency_conflict and stores nothing', async () => {
    const a = await connected((await user('a')).token);
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'c1', text: 'first' });
    await a.waitFor('ack');
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'c1', text: 'second' });
    const error = await a.waitFor('error');
    expect(error).toMatchObject({ code: 'idempotency_conflict', ref: 'c1' });
    expect(await storage.head(ROOM)).toBe(1);
  });

  it('keeps one connection’s messages in the order they were sent', async () => {
    const a = await connected((await user('a')).token);
    for (let i = 0; i < 15; i++) a.send({ type: 'send', stream: ROOM, clientMsgId: `o${i}`, text: `${i}` });
    await until(() => a.of('ack').length === 15);
    const entries = await storage.readAfter(ROOM, 0, 100);
    expect(entries.map((e) => e.clientMsgId)).toEqual(Array.from({ length: 15 }, (_, i) => `o${i}`));
  });

  it('refuses rooms the user has not joined (forbidden) and rooms that do not exist (not_found)', async () => {
    const outsider = await connected((await user('out', false)).token);
    outsider.send({ type: 'send', stream: ROOM, clientMsgId: 'x1', text: 'hi' });
    outsider.send({ type: 'sub', stream: 'room:nowhere' });
    await outsider.waitFor('error', (e) => e.code === 'forbidden' && e.ref === 'x1');
    await outsider.waitFor('error', (e) => e.code === 'not_found' && e.ref === 'room:nowhere');
    expect(await storage.head(ROOM)).toBe(0);
  });

  it('rate-limits after the burst with retryAfterMs, storing nothing for refused sends', async () => {
    await hub.shutdown('going_away', 'reconfigure');
    await makeHub({ sendRate: { burst: 5, refillMs: 10_000 } });
    const a = await connected((await user('fast')).token);
    for (let i = 0; i < 7; i++) a.send({ type: 'send', stream: ROOM, clientMsgId: `r${i}`, text: `${i}` });
    await until(() => a.of('ack').length + a.of('error').length === 7);
    const errors = a.of('error');
    expect(a.of('ack')).toHaveLength(5);
    expect(errors.map((e) => [e.code, e.ref])).toEqual([
      ['rate_limited', 'r5'],
      ['rate_limited', 'r6'],
    ]);
    expect(errors[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(await storage.head(ROOM)).toBe(5);
  });
});

describe('resume by cursor', () => {
  it('resumes from cursor 41 with exactly 42..57, then live ones', async () => {
    await appendQuietly(57);
    const a = await connected((await user('a')).token);
    await a.subscribe(ROOM, 41);
    expect(a.messages(ROOM)).toEqual(Array.from({ length: 16 }, (_, i) => 42 + i));
    expect(a.of('subscribed')[0]).toMatchObject({ stream: ROOM, head: 57 });
    const b = await connected((await user('b')).token);
    b.send({ type: 'send', stream: ROOM, clientMsgId: 'live', text: 'live' });
    await a.waitFor('msg', (m) => m.seq === 58);
  });

  it('holds live messages that commit during the replay and sends each once, in order', async () => {
    await appendQuietly(300);
    const b = await connected((await user('b')).token);
    const a = await connected((await user('a')).token);
    a.send({ type: 'sub', stream: ROOM, after: 0 });
    for (let i = 0; i < 10; i++) b.send({ type: 'send', stream: ROOM, clientMsgId: `s${i}`, text: 'x' });
    await until(() => a.messages(ROOM).length === 310, 3000, '310 messages');
    expect(a.messages(ROOM)).toEqual(Array.from({ length: 310 }, (_, i) => i + 1));
  });

  it('answers resync_required (cursor_ahead) for a cursor past the head', async () => {
    await appendQuietly(3);
    const a = await connected((await user('a')).token);
    await a.subscribe(ROOM, 10);
    expect(a.of('resync_required')).toEqual([
      { type: 'resync_required', stream: ROOM, head: 3, reason: 'cursor_ahead' },
    ]);
    expect(a.messages(ROOM)).toEqual([]);
  });

  it('answers resync_required (backlog) when the gap is over the replay limit', async () => {
    await hub.shutdown('going_away', 'reconfigure');
    await makeHub({ replayLimit: 10 });
    await appendQuietly(25);
    const a = await connected((await user('a')).token);
    await a.subscribe(ROOM, 5);
    expect(a.of('resync_required')[0]).toMatchObject({ reason: 'backlog', head: 25 });
    expect(a.messages(ROOM)).toEqual([]);
    expect(a.of('subscribed')[0]?.head).toBe(25);
  });

  it('fills a gap from the log when a live publish was lost', async () => {
    const a = await connected((await user('a')).token);
    await a.subscribe(ROOM);
    await appendQuietly(3); // seq 1..3 committed elsewhere, never published here
    const [fourth] = await storage.append([
      {
        stream: ROOM,
        senderId: 'z',
        senderName: 'z',
        clientMsgId: 'z4',
        kind: 'msg',
        body: messageBody('4'),
      },
    ]);
    broker.publish(streamChannel(ROOM), msgFrame(fourth?.entry as never));
    await until(() => a.messages(ROOM).length === 4);
    expect(a.messages(ROOM)).toEqual([1, 2, 3, 4]);
  });
});

describe('presence, typing and read positions', () => {
  it('sends a snapshot on subscribe, join to others, and leave when the last connection closes', async () => {
    const a = await connected((await user('a')).token);
    await a.subscribe(ROOM);
    const b = await connected((await user('b')).token);
    await b.subscribe(ROOM);
    const snapshot = await b.waitFor('presence', (p) => p.kind === 'snapshot');
    expect(snapshot.users.map((u) => u.name).sort()).toEqual(['a', 'b']);
    await a.waitFor('presence', (p) => p.kind === 'join' && p.users[0]?.name === 'b');
    b.session.closed(1000);
    await a.waitFor('presence', (p) => p.kind === 'leave' && p.users[0]?.name === 'b');
  });

  it('forwards typing at most once per throttle window and never stores it', async () => {
    const a = await connected((await user('a')).token);
    const b = await connected((await user('b')).token);
    await a.subscribe(ROOM);
    await b.subscribe(ROOM);
    for (let i = 0; i < 5; i++) a.send({ type: 'typing', stream: ROOM, active: true });
    a.send({ type: 'typing', stream: ROOM, active: false });
    await b.waitFor('typing', (t) => !t.active);
    expect(b.of('typing').map((t) => t.active)).toEqual([true, false]);
    expect(await storage.head(ROOM)).toBe(0);
  });

  it('shares the read position and unread count with every connection of the user', async () => {
    await appendQuietly(5);
    const { token } = await user('reader');
    const tab1 = await connected(token);
    const tab2 = await connected(token);
    await tab1.subscribe(ROOM);
    expect(tab1.of('subscribed')[0]).toMatchObject({ readSeq: 0, unread: 5 });
    tab1.send({ type: 'read', stream: ROOM, seq: 3 });
    const read = await tab2.waitFor('read');
    expect(read).toEqual({ type: 'read', stream: ROOM, seq: 3, unread: 2, mentions: 0 });
  });
});

describe('polling sessions', () => {
  it('keep a polling client present between polls, and drop it by TTL when it stops polling', async () => {
    await hub.shutdown('going_away', 'reconfigure');
    await broker.close();
    await storage.close();
    storage = openSqliteStorage({ file: ':memory:' });
    broker = createMemoryBroker({ sweepMs: 20 });
    sessions = createSessions(storage);
    hub = createHub({
      storage,
      broker,
      log: createLogger('silent'),
      authenticate: async ({ token }) => {
        const auth = token ? await sessions.resolve(token) : null;
        return auth ? userIdentity(auth) : null;
      },
      config: { heartbeatMs: 60_000, pollHoldMs: 100, pollPresenceGraceMs: 100 },
    });
    await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
    const watcher = await connected((await user('watcher')).token);
    await watcher.subscribe(ROOM);
    const { token } = await user('poller');
    const poll = async () => {
      const p = new TestClient(hub, null, { transport: 'polling', connId: 'tab-1' });
      await p.hello(token);
      await p.subscribe(ROOM, 0);
      p.session.closed(); // the poll's HTTP answer went out
    };
    await poll();
    await watcher.waitFor('presence', (f) => f.kind === 'join' && f.users[0]?.name === 'poller');
    await poll(); // a second poll of the same tab renews the entry: no second join, no leave
    await new Promise((r) => setTimeout(r, 120));
    await poll();
    expect(
      watcher
        .of('presence')
        .filter((f) => f.users[0]?.name === 'poller')
        .map((f) => f.kind),
    ).toEqual(['join']);
    await watcher.waitFor('presence', (f) => f.kind === 'leave' && f.users[0]?.name === 'poller', 1000);
  });
});

describe('protection', () => {
  it('closes with abuse after more than 20 protocol errors in the window', async () => {
    const a = await connected((await user('a')).token);
    for (let i = 0; i < 20; i++) a.raw('{nope');
    expect(a.conn.closedWith).toBeNull();
    a.raw('{nope');
    expect(a.conn.closedWith?.name).toBe('abuse');
  });

  it('closes a slow consumer with catch_up and keeps delivering to the others', async () => {
    const slow = await connected((await user('slow')).token);
    const fine = await connected((await user('fine')).token);
    await slow.subscribe(ROOM);
    await fine.subscribe(ROOM);
    slow.conn.buffered = 2 * 1024 * 1024;
    fine.send({ type: 'send', stream: ROOM, clientMsgId: 'f1', text: 'one' });
    await until(() => slow.conn.closedWith !== null);
    expect(slow.conn.closedWith?.name).toBe('catch_up');
    fine.send({ type: 'send', stream: ROOM, clientMsgId: 'f2', text: 'two' });
    await fine.waitFor('msg', (m) => m.seq === 2);
  });

  it('answers internal when storage fails, and the connection keeps working', async () => {
    const a = await connected((await user('a')).token);
    const realAppend = storage.append;
    storage.append = async () => {
      throw new Error('disk on fire');
    };
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'e1', text: 'x' });
    const error = await a.waitFor('error');
    expect(error).toMatchObject({ code: 'internal', ref: 'e1' });
    storage.append = realAppend;
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'e1', text: 'x' });
    await a.waitFor('ack');
    expect(a.conn.closedWith).toBeNull();
  });

  it('drops a connection that stays silent for two heartbeat intervals', async () => {
    await hub.shutdown('going_away', 'reconfigure');
    await makeHub({ heartbeatMs: 40 });
    const a = await connected((await user('quiet')).token);
    await a.waitFor('ping', () => true, 1000);
    await until(() => a.conn.closedWith !== null, 1000, 'heartbeat close');
    expect(a.conn.closedWith?.name).toBe('heartbeat_timeout');
  });

  it('stops delivering a room after the user leaves it', async () => {
    const { id, token } = await user('leaver');
    const a = await connected(token);
    await a.subscribe(ROOM);
    await storage.leaveRoom('lobby', id);
    hub.membershipEnded(id, ROOM);
    const b = await connected((await user('b')).token);
    b.send({ type: 'send', stream: ROOM, clientMsgId: 'after', text: 'after leave' });
    await b.waitFor('ack');
    a.send({ type: 'send', stream: ROOM, clientMsgId: 'try', text: 'still here?' });
    await a.waitFor('error', (e) => e.code === 'forbidden');
    expect(a.messages(ROOM)).toEqual([]);
  });

  it('a demoted agent loses the queue at once (forbidden) and may not subscribe it again; promoted, it may', async () => {
    const { id, token } = await user('agent7');
    await storage.setRole(id, 'agent');
    const a = await connected(token);
    await a.subscribe('queue:support');
    await storage.setRole(id, 'user');
    hub.roleChanged(id, 'user');
    await a.waitFor('error', (e) => e.code === 'forbidden' && e.ref === 'queue:support');
    a.send({ type: 'sub', stream: 'queue:support' });
    await until(() => a.of('error').filter((e) => e.ref === 'queue:support').length === 2);
    expect(a.conn.closedWith).toBeNull();
    hub.roleChanged(id, 'agent');
    await a.subscribe('queue:support');
  });

  it('closes every connection of the user with the account close code (suspended, deleted, signed out everywhere)', async () => {
    const { id, token } = await user('gone');
    const [a, b] = [await connected(token), await connected(token)];
    const other = await connected((await user('stays')).token);
    hub.closeUser(id, 'account_suspended');
    expect(a.conn.closedWith?.name).toBe('account_suspended');
    expect(b.conn.closedWith?.name).toBe('account_suspended');
    expect(other.conn.closedWith).toBeNull();
  });

  it('after a broker outage, re-reads each connected user: changes published meanwhile are not lost', async () => {
    await hub.shutdown('going_away', 'reconfigure');
    // A broker that lost its publishes during an outage and says when it is back.
    const reconnected: (() => void)[] = [];
    const memory = createMemoryBroker();
    broker = { ...memory, publish: () => {}, onReconnect: (handler) => reconnected.push(handler) };
    storage = openSqliteStorage({ file: ':memory:' });
    sessions = createSessions(storage);
    hub = createHub({
      storage,
      broker,
      log: createLogger('silent'),
      authenticate: async ({ token }) => {
        const auth = token ? await sessions.resolve(token) : null;
        return auth ? userIdentity(auth) : null;
      },
      config: { heartbeatMs: 60_000 },
    });
    const suspended = await user('suspended', false);
    const demoted = await user('demoted', false);
    await storage.setRole(demoted.id, 'agent');
    const s = await connected(suspended.token);
    const d = await connected(demoted.token);
    await d.subscribe('queue:support');

    await storage.setUserStatus(suspended.id, 'suspended');
    hub.closeUser(suspended.id, 'account_suspended'); // lost
    await storage.setRole(demoted.id, 'user');
    hub.roleChanged(demoted.id, 'user'); // lost
    expect(s.conn.closedWith).toBeNull();

    for (const handler of reconnected) handler();
    await until(() => s.conn.closedWith !== null, 2000, 'the suspended user closed');
    expect(s.conn.closedWith?.name).toBe('account_suspended');
    await d.waitFor('error', (e) => e.code === 'forbidden' && e.ref === 'queue:support');
    await memory.close();
  });

  it('closes every connection of a signed-out session with signed_out', async () => {
    const { id, token } = await user('bye');
    const a = await connected(token);
    const session = await sessions.resolve(token);
    hub.revokeSession(id, session?.sessionId as string);
    expect(a.conn.closedWith?.name).toBe('signed_out');
  });
});
