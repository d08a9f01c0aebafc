/**
 * DM read receipts (server/hub/receipts.ts) over SQLite in memory and the in-process broker: who
 * hears of a read, the throttle, the setting both ways, and "seen" as of now for a new subscriber.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userChannel } from '../../server/broker/broker.js';
import { createMemoryBroker } from '../../server/broker/memory.js';
import type { Identity } from '../../server/hub/identity.js';
import { createReceipts, type Receipts } from '../../server/hub/receipts.js';
import { createLogger } from '../../server/log.js';
import { openSqliteStorage } from '../../server/storage/sqlite.js';
import type { Storage, User } from '../../server/storage/storage.js';
import type { ServerFrame } from '../../shared/protocol.js';

let storage: Storage;
let receipts: Receipts;
let heard: Map<string, ServerFrame[]>;
let alice: User;
let bob: User;
let carol: User;
let dm: string;

const ref = (u: User) => ({ id: u.id, name: u.username });
const identity = (u: User): Identity => ({ id: u.id, name: u.username, role: u.role, sessionId: null });
const heardBy = (u: User) =>
  (heard.get(u.id) ?? []).map((f) => (f.type === 'receipt' ? [f.by.name, f.seq] : f.type));

beforeEach(async () => {
  vi.useFakeTimers();
  storage = openSqliteStorage({ file: ':memory:' });
  const broker = createMemoryBroker();
  receipts = createReceipts({ storage, broker, log: createLogger('silent'), throttleMs: 1000 });
  const make = async (name: string) => {
    const made = await storage.createUser({
      username: name,
      usernameKey: name,
      usernameSkeletons: [name],
      passwordHash: 'h',
    });
    if (made.status !== 'created') throw new Error(`test setup: ${name}`);
    return made.user;
  };
  [alice, bob, carol] = [await make('alice'), await make('bob'), await make('carol')];
  heard = new Map();
  for (const u of [alice, bob, carol]) {
    heard.set(u.id, []);
    broker.subscribe(userChannel(u.id), (m) => heard.get(u.id)?.push(m as ServerFrame));
  }
  dm = `room:${(await storage.openDm({ userIds: [alice.id, bob.id, carol.id], title: '', createdBy: alice.id })).room.id}`;
  for (let i = 1; i <= 5; i++) {
    await storage.append([
      { stream: dm, senderId: bob.id, senderName: 'bob', clientMsgId: `b${i}`, kind: 'msg', body: '{}' },
    ]);
  }
});
afterEach(async () => {
  vi.useRealTimers();
  await storage.close();
});

describe('DM read receipts', () => {
  it('a read in a DM goes to everyone else in it, each on their own channel, and not back to the reader', async () => {
    await receipts.read(ref(alice), dm, 3);

    expect(heardBy(bob)).toEqual([['alice', 3]]);
    expect(heardBy(carol)).toEqual([['alice', 3]]);
    expect(heardBy(alice)).toEqual([]);
    expect(heard.get(bob.id)?.[0]).toEqual({ type: 'receipt', stream: dm, by: ref(alice), seq: 3 });
  });

  it('a read in a public or private room, or in any other stream, tells nobody', async () => {
    await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
    await storage.createRoom({ id: 'hush', title: 'Hush', topic: '', kind: 'private', createdBy: null });

    await receipts.read(ref(alice), 'room:lobby', 1);
    await receipts.read(ref(alice), 'room:hush', 1);
    await receipts.read(ref(alice), `user:${alice.id}`, 1);

    expect([heardBy(bob), heardBy(carol)]).toEqual([[], []]);
  });

  it('reads within one second send one receipt at once and one more at the end of the second, with the newest seq', async () => {
    await receipts.read(ref(alice), dm, 1);
    await receipts.read(ref(alice), dm, 2);
    await receipts.read(ref(alice), dm, 4);
    await receipts.read(ref(alice), dm, 3);
    expect(heardBy(bob)).toEqual([['alice', 1]]);

    vi.advanceTimersByTime(999);
    await receipts.settled();
    expect(heardBy(bob)).toEqual([['alice', 1]]);
    vi.advanceTimersByTime(1);
    await receipts.settled();
    expect(heardBy(bob)).toEqual([
      ['alice', 1],
      ['alice', 4],
    ]);

    // A read long after the last receipt goes out at once; another reader has a window of their own.
    vi.advanceTimersByTime(5000);
    await receipts.read(ref(alice), dm, 5);
    await receipts.read(ref(carol), dm, 5);
    expect(heardBy(bob)).toEqual([
      ['alice', 1],
      ['alice', 4],
      ['alice', 5],
      ['carol', 5],
    ]);
  });

  it('someone with receipts off sends none and hears none; the others still hear each other', async () => {
    await storage.updateUserSettings(carol.id, { readReceipts: false });

    await receipts.read(ref(carol), dm, 2);
    await receipts.read(ref(alice), dm, 3);

    expect(heardBy(bob)).toEqual([['alice', 3]]);
    expect(heardBy(carol)).toEqual([]);
    expect(heardBy(alice)).toEqual([]);
  });

  it('a new subscriber gets "seen" of everyone else as of now; nothing if either side turned receipts off', async () => {
    await storage.markRead(alice.id, dm, 4);
    await storage.markRead(carol.id, dm, 2);
    await storage.markRead(bob.id, dm, 5);

    const seen = async (u: User) =>
      (await receipts.snapshot(identity(u), dm))
        .map((f) => (f.type === 'receipt' ? [f.by.name, f.seq] : f.type))
        .sort();
    expect(await seen(bob)).toEqual([
      ['alice', 4],
      ['carol', 2],
    ]);
    await storage.updateUserSettings(carol.id, { readReceipts: false });
    expect(await seen(bob)).toEqual([['alice', 4]]);
    expect(await seen(carol)).toEqual([]);
    expect(await receipts.snapshot(identity(bob), 'room:nowhere')).toEqual([]);
    const visitor: Identity = {
      id: 'v.x',
      name: 'Visitor',
      role: 'visitor',
      sessionId: null,
      visitor: { id: 'x', siteId: 's' },
    };
    expect(await receipts.snapshot(visitor, dm)).toEqual([]);
  });

  it('resend sends the user every DM’s "seen" as of now, on their own channel', async () => {
    await storage.markRead(alice.id, dm, 4);
    const oneToOne = (await storage.openDm({ userIds: [alice.id, carol.id], title: '', createdBy: carol.id }))
      .room.id;
    await storage.append([
      {
        stream: `room:${oneToOne}`,
        senderId: carol.id,
        senderName: 'carol',
        clientMsgId: 'c1',
        kind: 'msg',
        body: '{}',
      },
    ]);
    await storage.markRead(alice.id, `room:${oneToOne}`, 1);

    await receipts.resend(carol.id);

    expect(
      heard
        .get(carol.id)
        ?.map((f) => (f.type === 'receipt' ? [f.stream, f.by.name, f.seq] : f.type))
        .sort(),
    ).toEqual(
      [
        [dm, 'alice', 4],
        [`room:${oneToOne}`, 'alice', 1],
      ].sort(),
    );
  });
});
