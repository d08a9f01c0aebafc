import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usernameSkeletons } from '../../server/auth/confusables.js';
import { createLogger, type Logger } from '../../server/log.js';
import { openSqliteStorage } from '../../server/storage/sqlite.js';
import { sqliteMigrations } from '../../server/storage/sqlite-schema.js';
import type { Storage } from '../../server/storage/storage.js';
import { runStorageContract } from './storage.contract.js';

runStorageContract('sqlite (:memory:)', async () => openSqliteStorage({ file: ':memory:' }));

describe('SQLite storage', () => {
  let dir: string;
  const opened: Storage[] = [];
  const open = (options: { file: string; synchronous?: 'NORMAL' | 'FULL'; log?: Logger }): Storage => {
    const storage = openSqliteStorage(options);
    opened.push(storage);
    return storage;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-sqlite-'));
  });
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file-backed database keeps users, sessions, rooms, the log and read positions across close and reopen', async () => {
    // A nested path: the directory is created on open.
    const file = join(dir, 'nested', 'switchboard.db');
    const first = open({ file });
    const created = await first.createUser({
      username: 'Alice',
      usernameKey: 'alice',
      usernameSkeletons: ['alice'],
      passwordHash: 'h',
    });
    if (created.status !== 'created') throw new Error('test setup: alice was taken');
    const alice = created.user;
    const sessionId = await first.createSession({
      tokenHash: 'th',
      userId: alice.id,
      expiresAt: Date.now() + 60_000,
    });
    const room = await first.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: alice.id });
    await first.joinRoom('lobby', alice.id);
    const appended = await first.append([
      {
        stream: 'room:lobby',
        senderId: 'u-bob',
        senderName: 'bob',
        clientMsgId: 'c1',
        kind: 'msg',
        body: '{}',
      },
      {
        stream: 'room:lobby',
        senderId: 'u-bob',
        senderName: 'bob',
        clientMsgId: 'c2',
        kind: 'msg',
        body: '{}',
      },
    ]);
    await first.markRead(alice.id, 'room:lobby', 1);
    await first.close();

    const second = open({ file });

    expect(await second.userByKey('alice')).toEqual({ ...alice, passwordHash: 'h' });
    expect((await second.sessionByTokenHash('th', Date.now()))?.sessionId).toBe(sessionId);
    expect(await second.roomById('lobby')).toEqual(room);
    expect(await second.isMember('lobby', alice.id)).toBe(true);
    expect(await second.readAfter('room:lobby', 0, 10)).toEqual(appended.map((r) => r.entry));
    expect(await second.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 1, unread: 1 });
    // The seq continues from the stored head, and idempotency survives the restart.
    const [next, again] = await second.append([
      {
        stream: 'room:lobby',
        senderId: 'u-bob',
        senderName: 'bob',
        clientMsgId: 'c3',
        kind: 'msg',
        body: '{}',
      },
      {
        stream: 'room:lobby',
        senderId: 'u-bob',
        senderName: 'bob',
        clientMsgId: 'c1',
        kind: 'msg',
        body: '{}',
      },
    ]);
    expect(next?.entry.seq).toBe(3);
    expect(again).toEqual({ status: 'duplicate', entry: appended[0]?.entry });
    // The admin role was decided by the first user ever, not the first since reopening.
    const bob = await second.createUser({
      username: 'Bob',
      usernameKey: 'bob',
      usernameSkeletons: ['bob'],
      passwordHash: 'h',
    });
    expect(bob.status === 'created' && bob.user.role).toBe('user');
  });

  it('a retry (same sender and clientMsgId) writes nothing: another connection sees no change to the file', async () => {
    const file = join(dir, 'retry.db');
    const storage = open({ file });
    const input = { stream: 'room:a', senderId: 'u1', senderName: 'Ann', clientMsgId: 'c1', kind: 'msg' };
    const [created] = await storage.append([{ ...input, body: '{"text":"one"}' }]);
    const watcher = new Database(file, { readonly: true });
    // data_version changes, for this connection, whenever another one commits a change.
    const version = () => watcher.pragma('data_version', { simple: true });
    const before = version();

    const [again, conflict] = await storage.append([
      { ...input, body: '{"text":"one"}' },
      { ...input, body: '{"text":"other"}' },
    ]);

    expect(again).toEqual({ status: 'duplicate', entry: created?.entry });
    expect(conflict).toEqual({ status: 'conflict', entry: created?.entry });
    expect(version()).toBe(before);
    await storage.append([{ ...input, clientMsgId: 'c2', body: '{"text":"two"}' }]);
    expect(version()).not.toBe(before);
    watcher.close();
  });

  it('two handles on one file opening the same DM at once make one room (two processes on one file)', async () => {
    const file = join(dir, 'switchboard.db');
    const [a, b] = [open({ file }), open({ file })];
    const users: string[] = [];
    for (const name of ['alice', 'bob']) {
      const made = await a.createUser({
        username: name,
        usernameKey: name,
        usernameSkeletons: [name],
        passwordHash: 'h',
      });
      if (made.status !== 'created') throw new Error(`test setup: ${name} was taken`);
      users.push(made.user.id);
    }

    const results = await Promise.all(
      [a, b, a, b, b, a].map((s, i) =>
        s.openDm({
          userIds: i % 2 ? users : [...users].reverse(),
          title: 'alice, bob',
          createdBy: users[0] as string,
        }),
      ),
    );

    expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('describe() reports WAL and synchronous FULL by default', async () => {
    const storage = open({ file: join(dir, 'a.db') });
    const facts = await storage.describe();
    expect(facts.journal_mode).toBe('wal');
    expect(facts.synchronous).toMatch(/^FULL\b/);
  });

  it('describe() reports synchronous NORMAL when asked', async () => {
    const storage = open({ file: join(dir, 'a.db'), synchronous: 'NORMAL' });
    expect((await storage.describe()).synchronous).toMatch(/^NORMAL\b/);
  });

  it('an in-memory database also reports synchronous FULL by default', async () => {
    const storage = open({ file: ':memory:' });
    expect((await storage.describe()).synchronous).toMatch(/^FULL\b/);
  });

  it('moves a log written before v4 (WITHOUT ROWID, a unique id) into the rowid table, rows and dedupe intact', async () => {
    const file = join(dir, 'v3.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const sql of sqliteMigrations.slice(0, 3)) db.exec(sql as string);
    db.pragma('user_version = 3');
    db.prepare("INSERT INTO streams (stream, head) VALUES ('room:a', 2)").run();
    const row = db.prepare(
      `INSERT INTO log (stream, seq, id, ts, sender_id, sender_name, client_msg_id, kind, body)
       VALUES ('room:a', ?, ?, ?, 'u1', 'Ann', ?, 'msg', ?)`,
    );
    row.run(1, 'id-one', 1000, 'c1', '{"text":"one"}');
    row.run(2, 'id-two', 2000, 'c2', '{"text":"two"}');
    db.close();

    const storage = open({ file });
    expect((await storage.readAfter('room:a', 0, 10)).map((e) => [e.seq, e.id, e.body])).toEqual([
      [1, 'id-one', '{"text":"one"}'],
      [2, 'id-two', '{"text":"two"}'],
    ]);
    const input = { stream: 'room:a', senderId: 'u1', senderName: 'Ann', kind: 'msg' };
    const [again, next] = await storage.append([
      { ...input, clientMsgId: 'c2', body: '{"text":"two"}' },
      { ...input, clientMsgId: 'c3', body: '{"text":"three"}' },
    ]);
    expect(again).toMatchObject({ status: 'duplicate', entry: { seq: 2, id: 'id-two' } });
    expect(next).toMatchObject({ status: 'created', entry: { seq: 3 } });
    expect(await storage.head('room:a')).toBe(3);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length);
    const log = check.prepare("SELECT sql FROM sqlite_master WHERE name = 'log'").get() as { sql: string };
    expect(log.sql).not.toMatch(/WITHOUT ROWID/);
    check.close();
  });

  it('v7 makes existing rooms public and their creators owners, with everyone else a member', async () => {
    const file = join(dir, 'v6.db');
    const db = new Database(file);
    for (const sql of sqliteMigrations.slice(0, 6)) {
      if (typeof sql === 'string') db.exec(sql);
      else sql(db, undefined);
    }
    db.pragma('user_version = 6');
    const user = db.prepare(
      `INSERT INTO users (id, username, username_key, password_hash, role, created_at)
       VALUES (?, ?, ?, 'h', 'user', 1)`,
    );
    user.run('u-a', 'alice', 'alice');
    user.run('u-b', 'bob', 'bob');
    db.prepare("INSERT INTO rooms (id, title, created_by, created_at) VALUES ('dev', 'Dev', 'u-a', 1)").run();
    db.prepare(
      "INSERT INTO rooms (id, title, created_by, created_at) VALUES ('lobby', 'Lobby', NULL, 1)",
    ).run();
    const member = db.prepare('INSERT INTO members (room_id, user_id, joined_at) VALUES (?, ?, 1)');
    for (const [room, id] of [
      ['dev', 'u-a'],
      ['dev', 'u-b'],
      ['lobby', 'u-a'],
    ])
      member.run(room, id);
    db.close();

    const storage = open({ file });
    expect((await storage.roomById('dev'))?.kind).toBe('public');
    expect(await storage.memberRole('dev', 'u-a')).toBe('owner');
    expect(await storage.memberRole('dev', 'u-b')).toBe('member');
    expect(await storage.memberRole('lobby', 'u-a')).toBe('member');
  });

  it('v5 gives existing users their skeletons; of two look-alikes the older keeps the shared ones, both stay, and the pair is logged', async () => {
    const file = join(dir, 'v4.db');
    const db = new Database(file);
    for (const sql of sqliteMigrations.slice(0, 4)) db.exec(sql as string);
    db.pragma('user_version = 4');
    const user = db.prepare(
      `INSERT INTO users (id, username, username_key, password_hash, role, created_at)
       VALUES (?, ?, ?, 'h', 'user', ?)`,
    );
    // Registered before the rule: "аdmin" (Cyrillic а) beside "admin", the look-alike first by id.
    user.run('u-b', 'admin', 'admin', 1000);
    user.run('u-a', '\u0430dmin', '\u0430dmin', 2000);
    user.run('u-c', 'Bob', 'bob', 3000);
    db.close();

    const lines: string[] = [];
    const storage = open({ file, log: createLogger('info', (line) => lines.push(line)) });

    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length);
    const rows = check
      .prepare('SELECT user_id AS id, skeleton FROM username_skeletons ORDER BY user_id, skeleton')
      .all();
    check.close();
    const own = (id: string, name: string) =>
      usernameSkeletons(name)
        .sort()
        .map((skeleton) => ({ id, skeleton }));
    // "аdmin" shares every skeleton with the older "admin", so it holds none.
    expect(rows).toEqual([...own('u-b', 'admin'), ...own('u-c', 'Bob')]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      / WARN storage\.username_lookalike_kept user=\u0430dmin id=u-a looksLike=admin olderId=u-b$/,
    );
    // Both accounts still sign in; a new look-alike of either is refused.
    expect((await storage.userByKey('\u0430dmin'))?.id).toBe('u-a');
    expect((await storage.userByKey('admin'))?.id).toBe('u-b');
    const lookalike = await storage.createUser({
      username: '\u0430dm\u0456n',
      usernameKey: '\u0430dm\u0456n',
      usernameSkeletons: usernameSkeletons('\u0430dm\u0456n'),
      passwordHash: 'h',
    });
    expect(lookalike).toEqual({ status: 'confusable' });
    const carol = await storage.createUser({
      username: 'carol',
      usernameKey: 'carol',
      usernameSkeletons: usernameSkeletons('carol'),
      passwordHash: 'h',
    });
    expect(carol.status).toBe('created');
  });

  it('refuses a database whose schema is newer than this build, naming both versions', () => {
    const file = join(dir, 'future.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();

    expect(() => open({ file })).toThrow(/schema version 99, newer than this build knows/);
  });
});
