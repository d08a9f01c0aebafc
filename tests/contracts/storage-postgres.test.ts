/**
 * PostgreSQL runs the storage contract, each test in a fresh schema, plus what only a shared
 * database can show: two pools stand in for two Switchboard processes.
 *
 * Needs a server: TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test. Without one the
 * suite fails (CI has one); it never skips.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usernameSkeletons } from '../../server/auth/confusables.js';
import { createLogger } from '../../server/log.js';
import { openPostgresStorage } from '../../server/storage/postgres.js';
import { postgresMigrations } from '../../server/storage/postgres-schema.js';
import type { AppendInput, AppendResult, Storage } from '../../server/storage/storage.js';
import { runStorageContract } from './storage.contract.js';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The URL without its password, for messages. */
const redacted = (text: string): string => text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Every schema this file created, dropped at the end. */
const schemas = new Set<string>();
const freshSchema = (): string => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  schemas.add(schema);
  return schema;
};

beforeAll(async () => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const cause = (err as Error).message || String((err as { code?: string }).code);
    throw new Error(
      `PostgreSQL is not reachable at ${redacted(url)} (${cause}). ` +
        'These tests need it: start PostgreSQL or set TEST_DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => {});
  }
});

afterAll(async () => {
  if (schemas.size === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas)
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
});

runStorageContract('postgres', async () => openPostgresStorage({ url, schema: freshSchema() }));

describe('PostgreSQL storage', () => {
  const opened: Storage[] = [];
  const open = async (schema: string): Promise<Storage> => {
    const storage = await openPostgresStorage({ url, schema });
    opened.push(storage);
    return storage;
  };
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
  });

  const input = (overrides: Partial<AppendInput> = {}): AppendInput => ({
    stream: 'room:lobby',
    senderId: 'u-alice',
    senderName: 'alice',
    clientMsgId: 'c1',
    kind: 'msg',
    body: '{"text":"hi"}',
    ...overrides,
  });
  const range = (from: number, to: number): number[] =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const sortedSeqs = (results: AppendResult[]): number[] =>
    results.map((r) => r.entry.seq).sort((a, b) => a - b);

  /** `batches` appends of `size` inputs each, at most `parallel` in flight at once; results per batch. */
  const appendInBatches = async (
    storage: Storage,
    make: (i: number) => AppendInput,
    batches: number,
    size: number,
    parallel: number,
  ): Promise<AppendResult[][]> => {
    const results: AppendResult[][] = [];
    let next = 0;
    const worker = async () => {
      while (next < batches) {
        const b = next++;
        results.push(await storage.append(range(0, size - 1).map((j) => make(b * size + j))));
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return results;
  };

  it('two processes appending 200 entries each to one stream get seqs 1..400, unique and gap-free, and a reader following the log never sees a gap', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];

    // A reader follows the log while the writers run: every page must continue its cursor exactly.
    let writing = true;
    const seen: number[] = [];
    const follow = (async () => {
      let cursor = 0;
      for (;;) {
        const last = !writing;
        const page = await a.readAfter('room:lobby', cursor, 1_000);
        for (const entry of page) {
          if (entry.seq !== cursor + 1) throw new Error(`the reader at ${cursor} was handed ${entry.seq}`);
          cursor = entry.seq;
          seen.push(entry.seq);
        }
        if (last && page.length === 0) return;
        if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();

    const [fromA, fromB] = await Promise.all([
      appendInBatches(a, (i) => input({ senderId: 'u-a', clientMsgId: `a${i}` }), 20, 10, 4),
      appendInBatches(b, (i) => input({ senderId: 'u-b', clientMsgId: `b${i}` }), 20, 10, 4),
    ]);
    writing = false;
    await follow;

    const all = [...fromA, ...fromB].flat();
    expect(all.every((r) => r.status === 'created')).toBe(true);
    expect(sortedSeqs(all)).toEqual(range(1, 400));
    expect(await b.head('room:lobby')).toBe(400);
    expect(seen).toEqual(range(1, 400));
    // Within a batch, seqs follow input order (they may interleave with the other process's).
    for (const batch of [...fromA, ...fromB]) {
      const seqs = batch.map((r) => r.entry.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  });

  it('batches that touch two streams in opposite orders from two processes all commit, gap-free on both streams', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];
    const mixed = (sender: string, first: string, second: string) => (i: number) =>
      input({ senderId: sender, clientMsgId: `m${i}`, stream: i % 2 === 0 ? first : second });

    const started = Date.now();
    const [fromA, fromB] = await Promise.all([
      appendInBatches(a, mixed('u-a', 'room:x', 'room:y'), 20, 10, 4),
      appendInBatches(b, mixed('u-b', 'room:y', 'room:x'), 20, 10, 4),
    ]);
    const elapsed = Date.now() - started;

    const onStream = (stream: string) => [...fromA, ...fromB].flat().filter((r) => r.entry.stream === stream);
    expect(sortedSeqs(onStream('room:x'))).toEqual(range(1, 200));
    expect(sortedSeqs(onStream('room:y'))).toEqual(range(1, 200));
    // No batches deadlocked: each deadlock costs a deadlock_timeout (1 s by default) before a victim
    // is chosen and retried, and without the ordered stream locks this takes about 10 s. The bound
    // leaves room for a busy machine.
    expect(elapsed).toBeLessThan(3_000);
  });

  it('the same clientMsgId appended by two processes at once stores one entry; both get it, and no seq is lost', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];
    const ids = range(1, 30).map((i) => `same-${i}`);

    const pairs = await Promise.all(
      ids.map(async (clientMsgId) => {
        const [[fromA], [fromB]] = await Promise.all([
          a.append([input({ clientMsgId })]),
          b.append([input({ clientMsgId })]),
        ]);
        return [fromA, fromB] as [AppendResult, AppendResult];
      }),
    );

    for (const [fromA, fromB] of pairs) {
      expect([fromA.status, fromB.status].sort()).toEqual(['created', 'duplicate']);
      expect(fromA.entry).toEqual(fromB.entry);
    }
    // A loser's seq was given back: 30 entries are exactly seqs 1..30.
    expect(await a.head('room:lobby')).toBe(30);
    expect((await b.readAfter('room:lobby', 0, 100)).map((e) => e.seq)).toEqual(range(1, 30));
  });

  it('the same clientMsgId with different bodies from two processes at once: one is created, the other is a conflict that returns it', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];

    const [[fromA], [fromB]] = await Promise.all([
      a.append([input({ body: '{"text":"from a"}' })]),
      b.append([input({ body: '{"text":"from b"}' })]),
    ]);

    expect([fromA?.status, fromB?.status].sort()).toEqual(['conflict', 'created']);
    expect(fromA?.entry).toEqual(fromB?.entry);
    expect(await a.head('room:lobby')).toBe(1);
  });

  it('a retry (same sender and clientMsgId) writes nothing: the stream row keeps its version (no seq bumped and given back)', async () => {
    const schema = freshSchema();
    const storage = await open(schema);
    const [created] = await storage.append([input()]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // xmin names the transaction that last wrote the row: bumping and giving back a seq changes it.
      const rowVersion = async () =>
        (
          await admin.query(
            `SELECT xmin::text AS v FROM ${pg.escapeIdentifier(schema)}.streams WHERE stream = 'room:lobby'`,
          )
        ).rows[0]?.v;
      const before = await rowVersion();

      const [again, conflict] = await storage.append([input(), input({ body: '{"text":"other"}' })]);

      expect(again).toEqual({ status: 'duplicate', entry: created?.entry });
      expect(conflict).toEqual({ status: 'conflict', entry: created?.entry });
      expect(await rowVersion()).toBe(before);
      // And a new message still bumps it.
      await storage.append([input({ clientMsgId: 'c2' })]);
      expect(await rowVersion()).not.toBe(before);
    } finally {
      await admin.end();
    }
  });

  it('concurrent sign-ups from two processes make exactly one admin, and a username is taken once', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];

    const results = await Promise.all(
      range(1, 12).map((i) =>
        (i % 2 === 0 ? a : b).createUser({
          username: `U${i}`,
          usernameKey: `u${i}`,
          usernameSkeletons: [`u${i}`],
          passwordHash: 'h',
        }),
      ),
    );
    const roles = results.map((r) => (r.status === 'created' ? r.user.role : 'taken'));
    expect(roles.filter((role) => role === 'admin')).toHaveLength(1);
    expect(roles.filter((role) => role === 'user')).toHaveLength(11);

    const same = await Promise.all(
      [a, b, a, b].map((s) =>
        s.createUser({ username: 'Dup', usernameKey: 'dup', usernameSkeletons: ['dup'], passwordHash: 'h' }),
      ),
    );
    expect(same.map((r) => r.status).sort()).toEqual(['created', 'taken', 'taken', 'taken']);
  });

  it('two processes opening the same DM at once, many times each, make one room with both people in it once', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];
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
      range(1, 12).map((i) =>
        (i % 2 === 0 ? a : b).openDm({
          userIds: i % 3 === 0 ? [...users].reverse() : users,
          title: 'alice, bob',
          createdBy: users[i % 2] as string,
        }),
      ),
    );

    expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const roomId = results[0]?.room.id as string;
    expect((await b.dmMembers([roomId])).get(roomId)?.map((m) => m.username)).toEqual(['alice', 'bob']);
  });

  it('concurrent sign-ups of look-alikes from two processes: exactly one is created, the rest are confusable', async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)] as [Storage, Storage];
    // Six different keys, one skeleton: "admin" in Latin and Cyrillic letters, as the caller computes it.
    const names = ['admin', '\u0430dmin', 'adm\u0456n', '\u0430dm\u0456n', 'ad\u043Cin', 'admi\u043F'];

    const results = await Promise.all(
      names.map((name, i) =>
        (i % 2 === 0 ? a : b).createUser({
          username: name,
          usernameKey: name,
          usernameSkeletons: ['admin'],
          passwordHash: 'h',
        }),
      ),
    );

    expect(results.map((r) => r.status).sort()).toEqual([
      'confusable',
      'confusable',
      'confusable',
      'confusable',
      'confusable',
      'created',
    ]);
    expect(await a.listUsers()).toHaveLength(1);
  });

  it('the skeleton migration gives existing users theirs; of two look-alikes the older keeps the shared ones, both stay, and the pair is logged', async () => {
    const schema = freshSchema();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
      await admin.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
      await admin.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      // Every migration before the skeleton one (the first written as a function).
      const before = postgresMigrations.findIndex((m) => typeof m === 'function');
      for (const [i, sql] of postgresMigrations.slice(0, before).entries()) {
        await admin.query(sql as string);
        await admin.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [i + 1]);
      }
      const user = `INSERT INTO users (id, username, username_key, password_hash, role, created_at)
        VALUES ($1, $2, $3, 'h', 'user', $4)`;
      await admin.query(user, ['u-b', 'admin', 'admin', 1000]);
      await admin.query(user, ['u-a', '\u0430dmin', '\u0430dmin', 2000]);
      await admin.query(user, ['u-c', 'Bob', 'bob', 3000]);
    } finally {
      await admin.end();
    }

    const lines: string[] = [];
    const storage = await openPostgresStorage({
      url,
      schema,
      log: createLogger('info', (line) => lines.push(line)),
    });
    opened.push(storage);

    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      const { rows } = await check.query(
        `SELECT user_id AS id, skeleton FROM ${pg.escapeIdentifier(schema)}.username_skeletons
         ORDER BY user_id COLLATE "C", skeleton COLLATE "C"`,
      );
      const own = (id: string, name: string) =>
        usernameSkeletons(name)
          .sort()
          .map((skeleton) => ({ id, skeleton }));
      // "аdmin" shares every skeleton with the older "admin", so it holds none.
      expect(rows).toEqual([...own('u-b', 'admin'), ...own('u-c', 'Bob')]);
    } finally {
      await check.end();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      / WARN storage\.username_lookalike_kept user=\u0430dmin id=u-a looksLike=admin olderId=u-b$/,
    );
    expect((await storage.userByKey('\u0430dmin'))?.id).toBe('u-a');
    const lookalike = await storage.createUser({
      username: '\u0430dm\u0456n',
      usernameKey: '\u0430dm\u0456n',
      usernameSkeletons: usernameSkeletons('\u0430dm\u0456n'),
      passwordHash: 'h',
    });
    expect(lookalike).toEqual({ status: 'confusable' });
  });

  it('two processes opening one new schema at once both start, and the migrations run once', async () => {
    const schema = freshSchema();

    const [a, b] = await Promise.all([open(schema), open(schema)]);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
      );
      expect(rows.map((row) => row.version)).toEqual(range(1, postgresMigrations.length));
    } finally {
      await admin.end();
    }
    // They share one database.
    const [created] = await a.append([input()]);
    expect(await b.readAfter('room:lobby', 0, 10)).toEqual([created?.entry]);
    // Opening again later is a no-op too.
    const c = await open(schema);
    expect(await c.head('room:lobby')).toBe(1);
  });

  it('refuses a schema newer than this build, naming both versions', async () => {
    const schema = freshSchema();
    await (await open(schema)).close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(
        `INSERT INTO ${pg.escapeIdentifier(schema)}.schema_migrations (version, applied_at) VALUES (99, 0)`,
      );
    } finally {
      await admin.end();
    }

    await expect(openPostgresStorage({ url, schema })).rejects.toThrow(
      /schema version 99, newer than this build knows \(\d+\)/,
    );
  });

  it('describe() reports the engine, server version, schema and commit durability', async () => {
    const schema = freshSchema();
    const storage = await open(schema);
    const facts = await storage.describe();
    expect(storage.name).toBe('postgres');
    expect(facts).toMatchObject({ engine: 'postgres', schema, synchronous_commit: 'on' });
    expect(facts.server_version).toMatch(/^\d+/);
  });

  it('refuses a schema name that is not a plain identifier, saying what is allowed', async () => {
    await expect(openPostgresStorage({ url, schema: 'Robert"; DROP TABLE x' })).rejects.toThrow(
      /use 1 to 63 of a-z, 0-9 and _/,
    );
  });

  it('an unreachable server fails the open with where it tried and what to do', async () => {
    await expect(
      openPostgresStorage({ url: 'postgres://postgres:secret@127.0.0.1:1/test', schema: 't_unused' }),
    ).rejects.toThrow(/^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test \(ECONNREFUSED\); start it/);
  });
});
