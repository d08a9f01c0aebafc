/**
 * The storage contract: the behaviour every `Storage` implementation must have, written against
 * the interface only. SQLite runs it today; PostgreSQL will run the same suite.
 *
 * @example
 * runStorageContract('sqlite', async () => openSqliteStorage({ file: ':memory:' }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AppendInput,
  type LogEntry,
  MENTION_CAP,
  type Storage,
  UNREAD_CAP,
  type User,
} from '../../server/storage/storage.js';
import { runDmContract } from './dms.contract.js';

/**
 * Defines the contract suite for one implementation. `open` must return a new, empty storage each
 * time it is called: every test starts from nothing and closes what it opened.
 */
export function runStorageContract(name: string, open: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    const createUser = async (username: string): Promise<User> => {
      const result = await storage.createUser({
        username,
        usernameKey: username.toLowerCase(),
        usernameSkeletons: [username.toLowerCase()],
        passwordHash: `hash-of-${username}`,
      });
      if (result.status !== 'created') throw new Error(`test setup: ${username} was taken`);
      return result.user;
    };

    const input = (overrides: Partial<AppendInput> = {}): AppendInput => ({
      stream: 'room:lobby',
      senderId: 'u-alice',
      senderName: 'alice',
      clientMsgId: 'c1',
      kind: 'msg',
      body: '{"text":"hi"}',
      ...overrides,
    });

    /** Appends one entry per clientMsgId, one call each, and returns the stored entries. */
    const appendEach = async (
      overrides: Partial<AppendInput>,
      clientMsgIds: string[],
    ): Promise<LogEntry[]> => {
      const entries: LogEntry[] = [];
      for (const clientMsgId of clientMsgIds) {
        const [result] = await storage.append([input({ ...overrides, clientMsgId })]);
        if (result?.status !== 'created') throw new Error(`test setup: ${clientMsgId} was not created`);
        entries.push(result.entry);
      }
      return entries;
    };

    const range = (from: number, to: number): number[] =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const seqs = (entries: readonly LogEntry[]): number[] => entries.map((entry) => entry.seq);
    const ids = (n: number, prefix = 'c'): string[] => range(1, n).map((i) => `${prefix}${i}`);

    describe('append', () => {
      it('appends get seq 1, 2, 3 per stream, independently per stream', async () => {
        const lobby: number[] = [];
        const dev: number[] = [];
        // Interleaved, one call each: each stream counts on its own.
        for (const i of range(1, 3)) {
          const [a] = await storage.append([input({ stream: 'room:lobby', clientMsgId: `lobby-${i}` })]);
          const [b] = await storage.append([input({ stream: 'room:dev', clientMsgId: `dev-${i}` })]);
          lobby.push(a?.entry.seq ?? -1);
          dev.push(b?.entry.seq ?? -1);
        }
        expect(lobby).toEqual([1, 2, 3]);
        expect(dev).toEqual([1, 2, 3]);
        expect(await storage.head('room:lobby')).toBe(3);
        expect(await storage.head('room:dev')).toBe(3);
      });

      it('a batch appended in one call returns one result per input, in input order, with gap-free seqs', async () => {
        await appendEach({}, ['before']);
        const batch = [
          input({ clientMsgId: 'b1', body: '{"text":"one"}' }),
          input({ clientMsgId: 'b2', stream: 'room:dev', body: '{"text":"two"}' }),
          input({ clientMsgId: 'b3', body: '{"text":"three"}' }),
          input({ clientMsgId: 'b4', senderId: 'u-bob', senderName: 'bob', body: '{"text":"four"}' }),
        ];
        const results = await storage.append(batch);

        expect(results.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created']);
        expect(results.map((r) => r.entry.clientMsgId)).toEqual(['b1', 'b2', 'b3', 'b4']);
        expect(results.map((r) => [r.entry.stream, r.entry.seq])).toEqual([
          ['room:lobby', 2],
          ['room:dev', 1],
          ['room:lobby', 3],
          ['room:lobby', 4],
        ]);
      });

      it('a created entry carries its input, a unique id and the time it was stored', async () => {
        const before = Date.now();
        const [first, second] = await storage.append([
          input({ clientMsgId: 'c1', senderName: 'Alice A.', kind: 'msg', body: '{"text":"hello"}' }),
          input({ clientMsgId: 'c2' }),
        ]);
        const after = Date.now();

        expect(first?.status).toBe('created');
        expect(first?.entry).toMatchObject({
          stream: 'room:lobby',
          seq: 1,
          senderId: 'u-alice',
          senderName: 'Alice A.',
          clientMsgId: 'c1',
          kind: 'msg',
          body: '{"text":"hello"}',
        });
        expect(first?.entry.id).toMatch(/\S/);
        expect(first?.entry.id).not.toBe(second?.entry.id);
        expect(first?.entry.ts).toBeGreaterThanOrEqual(before);
        expect(first?.entry.ts).toBeLessThanOrEqual(after);
        // What was returned is exactly what is read back.
        expect(await storage.readAfter('room:lobby', 0, 10)).toEqual([first?.entry, second?.entry]);
      });

      it('an empty batch returns no results and stores nothing', async () => {
        expect(await storage.append([])).toEqual([]);
        expect(await storage.head('room:lobby')).toBe(0);
      });

      it('a repeated senderId+clientMsgId with the same stream, kind and body is a duplicate: the original entry, nothing stored', async () => {
        const [original] = await appendEach({}, ['c1']);
        await appendEach({}, ['c2']);

        const [again] = await storage.append([input({ clientMsgId: 'c1' })]);

        expect(again).toEqual({ status: 'duplicate', entry: original });
        expect(await storage.head('room:lobby')).toBe(2);
        expect(seqs(await storage.readAfter('room:lobby', 0, 10))).toEqual([1, 2]);
      });

      it('a duplicate ignores a changed senderName: the entry is the original, unchanged', async () => {
        const [original] = await appendEach({}, ['c1']);
        const [again] = await storage.append([input({ clientMsgId: 'c1', senderName: 'alice (renamed)' })]);
        expect(again).toEqual({ status: 'duplicate', entry: original });
      });

      it('the same clientMsgId with a different body is a conflict, returns the stored entry and stores nothing', async () => {
        const [original] = await appendEach({ body: '{"text":"first"}' }, ['c1']);

        const [again] = await storage.append([input({ clientMsgId: 'c1', body: '{"text":"second"}' })]);

        expect(again).toEqual({ status: 'conflict', entry: original });
        expect(await storage.head('room:lobby')).toBe(1);
        expect((await storage.readAfter('room:lobby', 0, 10)).map((e) => e.body)).toEqual([
          '{"text":"first"}',
        ]);
      });

      it('the same clientMsgId on a different stream is a conflict and leaves that stream empty', async () => {
        const [original] = await appendEach({ stream: 'room:lobby' }, ['c1']);

        const [again] = await storage.append([input({ clientMsgId: 'c1', stream: 'room:dev' })]);

        expect(again).toEqual({ status: 'conflict', entry: original });
        expect(await storage.head('room:dev')).toBe(0);
        expect(await storage.readAfter('room:dev', 0, 10)).toEqual([]);
      });

      it('the same clientMsgId with a different kind is a conflict', async () => {
        const [original] = await appendEach({ kind: 'msg' }, ['c1']);
        const [again] = await storage.append([input({ clientMsgId: 'c1', kind: 'note' })]);
        expect(again).toEqual({ status: 'conflict', entry: original });
        expect(await storage.head('room:lobby')).toBe(1);
      });

      it('a duplicate inside one batch returns the entry created earlier in that batch', async () => {
        const results = await storage.append([
          input({ clientMsgId: 'c1' }),
          input({ clientMsgId: 'c2' }),
          input({ clientMsgId: 'c1' }),
        ]);

        expect(results.map((r) => r.status)).toEqual(['created', 'created', 'duplicate']);
        expect(results[2]?.entry).toEqual(results[0]?.entry);
        expect(await storage.head('room:lobby')).toBe(2);
      });

      it('a conflict inside a batch takes no seq: later entries in the batch stay gap-free', async () => {
        const results = await storage.append([
          input({ clientMsgId: 'c1', body: '{"text":"a"}' }),
          input({ clientMsgId: 'c1', body: '{"text":"b"}' }),
          input({ clientMsgId: 'c2' }),
        ]);

        expect(results.map((r) => r.status)).toEqual(['created', 'conflict', 'created']);
        expect(results[1]?.entry).toEqual(results[0]?.entry);
        expect(results[2]?.entry.seq).toBe(2);
        expect(seqs(await storage.readAfter('room:lobby', 0, 10))).toEqual([1, 2]);
      });

      it('clientMsgIds are scoped per sender: two senders may each use the same one', async () => {
        const results = await storage.append([
          input({ clientMsgId: 'same', senderId: 'u-alice' }),
          input({ clientMsgId: 'same', senderId: 'u-bob', senderName: 'bob' }),
        ]);
        expect(results.map((r) => [r.status, r.entry.senderId, r.entry.seq])).toEqual([
          ['created', 'u-alice', 1],
          ['created', 'u-bob', 2],
        ]);
      });

      it('a batch that fails part-way stores none of its entries (one transaction)', async () => {
        const broken = { ...input({ clientMsgId: 'c2' }), body: null } as unknown as AppendInput;

        await expect(storage.append([input({ clientMsgId: 'c1' }), broken])).rejects.toThrow();

        expect(await storage.head('room:lobby')).toBe(0);
        expect(await storage.readAfter('room:lobby', 0, 10)).toEqual([]);
        // The store is still usable, and the rolled-back entry's clientMsgId is free.
        const [retry] = await storage.append([input({ clientMsgId: 'c1' })]);
        expect(retry?.status).toBe('created');
        expect(retry?.entry.seq).toBe(1);
      });
    });

    describe('reading the log', () => {
      it('head of an unknown stream is 0; after appends it is the newest seq', async () => {
        expect(await storage.head('room:nowhere')).toBe(0);
        await appendEach({}, ids(3));
        expect(await storage.head('room:lobby')).toBe(3);
      });

      it('readAfter returns entries above the cursor, ascending, at most limit', async () => {
        await appendEach({}, ids(10));

        expect(seqs(await storage.readAfter('room:lobby', 0, 4))).toEqual([1, 2, 3, 4]);
        expect(seqs(await storage.readAfter('room:lobby', 4, 4))).toEqual([5, 6, 7, 8]);
        expect(seqs(await storage.readAfter('room:lobby', 8, 4))).toEqual([9, 10]);
        expect(seqs(await storage.readAfter('room:lobby', 3, 100))).toEqual(range(4, 10));
      });

      it('readAfter at or past the head, or on an unknown stream, returns nothing', async () => {
        await appendEach({}, ids(3));
        expect(await storage.readAfter('room:lobby', 3, 10)).toEqual([]);
        expect(await storage.readAfter('room:lobby', 50, 10)).toEqual([]);
        expect(await storage.readAfter('room:nowhere', 0, 10)).toEqual([]);
      });

      it('reads are per stream: another stream’s entries never appear', async () => {
        await appendEach({ stream: 'room:lobby' }, ids(3, 'lobby'));
        await appendEach({ stream: 'room:dev' }, ids(2, 'dev'));

        const dev = await storage.readAfter('room:dev', 0, 10);
        expect(dev.map((e) => [e.stream, e.seq, e.clientMsgId])).toEqual([
          ['room:dev', 1, 'dev1'],
          ['room:dev', 2, 'dev2'],
        ]);
        expect(seqs(await storage.readBefore('room:lobby', null, 10))).toEqual([1, 2, 3]);
      });

      it('readBefore(null) returns the newest page, ascending', async () => {
        await appendEach({}, ids(10));
        expect(seqs(await storage.readBefore('room:lobby', null, 3))).toEqual([8, 9, 10]);
        expect(seqs(await storage.readBefore('room:lobby', null, 50))).toEqual(range(1, 10));
      });

      it('readBefore pages backwards to seq 1 without overlap or gaps, each page ascending', async () => {
        await appendEach({}, ids(10));

        const pages: number[][] = [];
        let before: number | null = null;
        for (;;) {
          const page = seqs(await storage.readBefore('room:lobby', before, 4));
          if (page.length === 0) break;
          pages.push(page);
          before = page[0] ?? null;
        }

        expect(pages).toEqual([
          [7, 8, 9, 10],
          [3, 4, 5, 6],
          [1, 2],
        ]);
      });

      it('readBefore excludes beforeSeq itself and returns nothing below seq 1 or on an unknown stream', async () => {
        await appendEach({}, ids(5));
        expect(seqs(await storage.readBefore('room:lobby', 3, 10))).toEqual([1, 2]);
        expect(await storage.readBefore('room:lobby', 1, 10)).toEqual([]);
        expect(await storage.readBefore('room:nowhere', null, 10)).toEqual([]);
      });
    });

    describe('read positions', () => {
      it('counts unread up to the cap, so a long backlog costs a bounded scan', async () => {
        const inputs = Array.from({ length: UNREAD_CAP + 5 }, (_, n) =>
          input({ senderId: 'u-bob', clientMsgId: `cap${n}` }),
        );
        await storage.append(inputs);
        expect((await storage.readPosition('u-ann', 'room:lobby')).unread).toBe(UNREAD_CAP);
      });

      it('lists everyone’s read position in a stream, and no other stream’s', async () => {
        await appendEach({ senderId: 'u-bob' }, ['p1', 'p2', 'p3']);
        await storage.markRead('u-ann', 'room:lobby', 2);
        await storage.markRead('u-cat', 'room:lobby', 3);
        await storage.markRead('u-ann', 'room:other', 1);
        expect(await storage.readPositions('room:lobby')).toEqual([
          { userId: 'u-ann', seq: 2 },
          { userId: 'u-cat', seq: 3 },
        ]);
        expect(await storage.readPositions('room:nobody')).toEqual([]);
      });

      // Real users, so an implementation may tie read positions to the users table.
      let alice: User;
      let bob: User;
      beforeEach(async () => {
        alice = await createUser('Alice');
        bob = await createUser('Bob');
      });
      const says = (user: User, clientMsgIds: string[], stream = 'room:lobby') =>
        appendEach({ stream, senderId: user.id, senderName: user.username }, clientMsgIds);

      it('a user who has read nothing has readSeq 0 and every message from others unread', async () => {
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 0, unread: 0 });
        await says(bob, ids(3, 'b'));
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 0, unread: 3 });
      });

      it('unread counts exclude the user’s own messages', async () => {
        await says(bob, ['b1']); // seq 1
        await says(alice, ['a1', 'a2']); // seq 2, 3
        await says(bob, ['b2']); // seq 4

        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 0, unread: 2 });
        expect(await storage.readPosition(bob.id, 'room:lobby')).toEqual({ readSeq: 0, unread: 2 });
        await storage.markRead(alice.id, 'room:lobby', 1);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 1, unread: 1 });
      });

      it('markRead moves the position forward and returns it', async () => {
        await says(bob, ids(5, 'b'));

        expect(await storage.markRead(alice.id, 'room:lobby', 2)).toBe(2);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 2, unread: 3 });
        expect(await storage.markRead(alice.id, 'room:lobby', 5)).toBe(5);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 5, unread: 0 });
      });

      it('markRead never goes backwards: an older seq returns the current position', async () => {
        await says(bob, ids(5, 'b'));
        await storage.markRead(alice.id, 'room:lobby', 4);

        expect(await storage.markRead(alice.id, 'room:lobby', 2)).toBe(4);
        expect(await storage.markRead(alice.id, 'room:lobby', 0)).toBe(4);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 4, unread: 1 });
      });

      it('markRead never goes past the head, and later messages still count as unread', async () => {
        await says(bob, ids(3, 'b'));

        expect(await storage.markRead(alice.id, 'room:lobby', 99)).toBe(3);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 3, unread: 0 });

        await says(bob, ['b4']);
        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 3, unread: 1 });
      });

      it('markRead on a stream with no messages stays at 0', async () => {
        expect(await storage.markRead(alice.id, 'room:empty', 7)).toBe(0);
        expect(await storage.readPosition(alice.id, 'room:empty')).toEqual({ readSeq: 0, unread: 0 });
      });

      it('read positions are per user and per stream', async () => {
        const carol = await createUser('Carol');
        await says(bob, ids(3, 'b'));
        await says(bob, ids(2, 'd'), 'room:dev');

        await storage.markRead(alice.id, 'room:lobby', 3);

        expect(await storage.readPosition(alice.id, 'room:lobby')).toEqual({ readSeq: 3, unread: 0 });
        expect(await storage.readPosition(alice.id, 'room:dev')).toEqual({ readSeq: 0, unread: 2 });
        expect(await storage.readPosition(carol.id, 'room:lobby')).toEqual({ readSeq: 0, unread: 3 });
      });
    });

    describe('users', () => {
      it('the first user ever created is an admin; every later one is a user', async () => {
        const first = await storage.createUser({
          username: 'Root',
          usernameKey: 'root',
          usernameSkeletons: ['root'],
          passwordHash: 'h1',
        });
        const second = await storage.createUser({
          username: 'Bob',
          usernameKey: 'bob',
          usernameSkeletons: ['bob'],
          passwordHash: 'h2',
        });
        const third = await storage.createUser({
          username: 'Carol',
          usernameKey: 'carol',
          usernameSkeletons: ['carol'],
          passwordHash: 'h3',
        });

        expect(first.status === 'created' && first.user.role).toBe('admin');
        expect(second.status === 'created' && second.user.role).toBe('user');
        expect(third.status === 'created' && third.user.role).toBe('user');
      });

      it('createUser returns the user as stored, with a unique id and the creation time', async () => {
        const before = Date.now();
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');

        expect(alice).toEqual({
          id: expect.any(String),
          username: 'Alice',
          role: 'admin',
          status: 'active',
          createdAt: expect.any(Number),
        });
        expect(alice.id).not.toBe(bob.id);
        expect(alice.createdAt).toBeGreaterThanOrEqual(before);
        expect(alice.createdAt).toBeLessThanOrEqual(Date.now());
        expect(await storage.userById(alice.id)).toEqual(alice);
      });

      it('createUser returns taken for an existing usernameKey and changes nothing', async () => {
        const alice = await createUser('Alice');

        const again = await storage.createUser({
          username: 'ALICE',
          usernameKey: 'alice',
          usernameSkeletons: ['alice'],
          passwordHash: 'other',
        });

        expect(again).toEqual({ status: 'taken' });
        expect(await storage.userByKey('alice')).toEqual({ ...alice, passwordHash: 'hash-of-Alice' });
      });

      it('a taken username does not use up the admin role: the next created user is still a user', async () => {
        await createUser('Alice');
        await storage.createUser({
          username: 'ALICE',
          usernameKey: 'alice',
          usernameSkeletons: ['alice'],
          passwordHash: 'x',
        });
        expect((await createUser('Bob')).role).toBe('user');
      });

      it('createUser returns confusable when only the skeleton is taken, and stores nothing', async () => {
        const admin = await createUser('admin');

        // "аdmin" with a Cyrillic а: another key, the same skeleton.
        const lookalike = await storage.createUser({
          username: '\u0430dmin',
          usernameKey: '\u0430dmin',
          usernameSkeletons: ['admin'],
          passwordHash: 'other',
        });

        expect(lookalike).toEqual({ status: 'confusable' });
        expect(await storage.userByKey('\u0430dmin')).toBeNull();
        expect(await storage.userByKey('admin')).toEqual({ ...admin, passwordHash: 'hash-of-admin' });
        expect((await storage.listUsers()).map((u) => u.username)).toEqual(['admin']);
      });

      it('createUser says taken, not confusable, when the key and the skeleton are both taken', async () => {
        await createUser('Alice');
        const again = await storage.createUser({
          username: 'ALICE',
          usernameKey: 'alice',
          usernameSkeletons: ['alice'],
          passwordHash: 'x',
        });
        expect(again).toEqual({ status: 'taken' });
      });

      it('after a confusable refusal the next distinct name is created, as a user', async () => {
        await createUser('admin');
        await storage.createUser({
          username: 'adm1n',
          usernameKey: 'adm1n',
          usernameSkeletons: ['admin'],
          passwordHash: 'x',
        });
        const bob = await storage.createUser({
          username: 'bob',
          usernameKey: 'bob',
          usernameSkeletons: ['bob'],
          passwordHash: 'x',
        });
        expect(bob.status === 'created' && bob.user.role).toBe('user');
      });

      it('userByKey returns the password hash; userById never does', async () => {
        const alice = await createUser('Alice');

        expect(await storage.userByKey('alice')).toEqual({ ...alice, passwordHash: 'hash-of-Alice' });
        const byId = await storage.userById(alice.id);
        expect(byId).toEqual(alice);
        expect(byId).not.toHaveProperty('passwordHash');
      });

      it('userByKey matches the key exactly (case folding is the caller’s job)', async () => {
        await createUser('Alice');
        expect(await storage.userByKey('ALICE')).toBeNull();
        expect(await storage.userByKey('Alice')).toBeNull();
      });

      it('unknown users are null by key and by id', async () => {
        expect(await storage.userByKey('nobody')).toBeNull();
        expect(await storage.userById('no-such-id')).toBeNull();
      });
    });

    describe('sessions', () => {
      it('a session resolves by its token hash to its user and expiry before it expires', async () => {
        const alice = await createUser('Alice');
        const expiresAt = Date.now() + 60_000;

        const sessionId = await storage.createSession({ tokenHash: 'th-1', userId: alice.id, expiresAt });

        expect(sessionId).toMatch(/\S/);
        const session = await storage.sessionByTokenHash('th-1', Date.now());
        expect(session).toEqual({ sessionId, user: alice, expiresAt });
        expect(session?.user).not.toHaveProperty('passwordHash');
      });

      it('a session is expired at and after expiresAt', async () => {
        const alice = await createUser('Alice');
        await storage.createSession({ tokenHash: 'th-1', userId: alice.id, expiresAt: 1_000_000 });

        expect(await storage.sessionByTokenHash('th-1', 999_999)).not.toBeNull();
        expect(await storage.sessionByTokenHash('th-1', 1_000_000)).toBeNull();
        expect(await storage.sessionByTokenHash('th-1', 1_000_001)).toBeNull();
      });

      it('an unknown token hash resolves to null', async () => {
        expect(await storage.sessionByTokenHash('th-unknown', Date.now())).toBeNull();
      });

      it('deleteSession ends only that session; deleting it again is harmless', async () => {
        const alice = await createUser('Alice');
        const expiresAt = Date.now() + 60_000;
        const laptop = await storage.createSession({ tokenHash: 'th-laptop', userId: alice.id, expiresAt });
        const phone = await storage.createSession({ tokenHash: 'th-phone', userId: alice.id, expiresAt });
        expect(laptop).not.toBe(phone);

        await storage.deleteSession(laptop);
        await storage.deleteSession(laptop);
        await storage.deleteSession('no-such-session');

        expect(await storage.sessionByTokenHash('th-laptop', Date.now())).toBeNull();
        expect((await storage.sessionByTokenHash('th-phone', Date.now()))?.sessionId).toBe(phone);
      });

      it('deleteUserSessions ends every session of that user and no one else’s, returning their ids', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        const expiresAt = Date.now() + 60_000;
        const laptop = await storage.createSession({ tokenHash: 'th-laptop', userId: alice.id, expiresAt });
        const phone = await storage.createSession({ tokenHash: 'th-phone', userId: alice.id, expiresAt });
        const bobs = await storage.createSession({ tokenHash: 'th-bob', userId: bob.id, expiresAt });

        expect((await storage.deleteUserSessions(alice.id)).sort()).toEqual([laptop, phone].sort());
        expect(await storage.deleteUserSessions(alice.id)).toEqual([]);

        expect(await storage.sessionByTokenHash('th-laptop', Date.now())).toBeNull();
        expect(await storage.sessionByTokenHash('th-phone', Date.now())).toBeNull();
        expect((await storage.sessionByTokenHash('th-bob', Date.now()))?.sessionId).toBe(bobs);
      });
    });

    describe('account status', () => {
      it('a new account is active', async () => {
        const alice = await createUser('Alice');
        expect(alice.status).toBe('active');
        expect((await storage.userById(alice.id))?.status).toBe('active');
        expect((await storage.userByKey('alice'))?.status).toBe('active');
      });

      it('suspending ends the sessions; the account reads back suspended; lifting it lets new sessions resolve', async () => {
        const alice = await createUser('Alice');
        const expiresAt = Date.now() + 60_000;
        await storage.createSession({ tokenHash: 'th-old', userId: alice.id, expiresAt });

        expect((await storage.setUserStatus(alice.id, 'suspended'))?.status).toBe('suspended');
        expect(await storage.sessionByTokenHash('th-old', Date.now())).toBeNull();
        expect((await storage.userById(alice.id))?.status).toBe('suspended');
        expect((await storage.listUsers()).find((u) => u.id === alice.id)?.status).toBe('suspended');

        // A session made while suspended (there should be none: sign-in refuses) does not resolve.
        await storage.createSession({ tokenHash: 'th-during', userId: alice.id, expiresAt });
        expect(await storage.sessionByTokenHash('th-during', Date.now())).toBeNull();

        expect((await storage.setUserStatus(alice.id, 'active'))?.status).toBe('active');
        expect((await storage.sessionByTokenHash('th-during', Date.now()))?.user.status).toBe('active');
        expect(await storage.sessionByTokenHash('th-old', Date.now())).toBeNull();
      });

      it('a suspended or deleted agent is not listed as an agent', async () => {
        await createUser('boss');
        const helper = await createUser('helper');
        const other = await createUser('other');
        await storage.setRole(helper.id, 'agent');
        await storage.setRole(other.id, 'agent');
        await storage.setUserStatus(helper.id, 'suspended');
        await storage.setUserStatus(other.id, 'deleted');
        expect((await storage.listAgents()).map((a) => a.username)).toEqual(['boss']);
      });

      it('deleting keeps the row and the log, ends sessions and memberships, and is for good', async () => {
        const alice = await createUser('Alice');
        await storage.createRoom({ id: 'r1', title: 'R', topic: '', createdBy: null });
        await storage.joinRoom('r1', alice.id);
        await storage.createSession({ tokenHash: 'th-a', userId: alice.id, expiresAt: Date.now() + 60_000 });
        await storage.append([
          {
            stream: 'room:r1',
            senderId: alice.id,
            senderName: 'Alice',
            clientMsgId: 'c1',
            kind: 'msg',
            body: '{}',
          },
        ]);

        expect((await storage.setUserStatus(alice.id, 'deleted'))?.status).toBe('deleted');
        expect(await storage.sessionByTokenHash('th-a', Date.now())).toBeNull();
        expect(await storage.isMember('r1', alice.id)).toBe(false);
        expect((await storage.readAfter('room:r1', 0, 10)).map((e) => e.senderName)).toEqual(['Alice']);
        expect((await storage.userByKey('alice'))?.status).toBe('deleted');
        // Deleted is final: no status brings the account back.
        expect((await storage.setUserStatus(alice.id, 'active'))?.status).toBe('deleted');
        expect(await storage.setUserStatus('nobody', 'suspended')).toBeNull();
      });
    });

    describe('moderation', () => {
      const setup = async () => {
        const mod = await createUser('Mod');
        const bob = await createUser('Bob');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: mod.id });
        await storage.joinRoom('lobby', mod.id, 'owner');
        await storage.joinRoom('lobby', bob.id);
        return { mod, bob };
      };

      it('a ban ends the membership in the same step and stays in force until lifted', async () => {
        const { mod, bob } = await setup();
        const ban = await storage.setSanction({
          roomId: 'lobby',
          userId: bob.id,
          kind: 'ban',
          until: null,
          by: mod.id,
        });
        expect(ban).toMatchObject({ roomId: 'lobby', userId: bob.id, kind: 'ban', until: null, by: mod.id });
        expect(await storage.isMember('lobby', bob.id)).toBe(false);
        expect(await storage.activeSanction('lobby', bob.id, 'ban', Date.now() + 1e9)).toMatchObject({
          kind: 'ban',
        });
        expect(await storage.activeSanction('lobby', bob.id, 'mute', Date.now())).toBeNull();
        expect(await storage.liftSanction('lobby', bob.id, 'ban')).toBe(true);
        expect(await storage.liftSanction('lobby', bob.id, 'ban')).toBe(false);
        expect(await storage.activeSanction('lobby', bob.id, 'ban', Date.now())).toBeNull();
      });

      it('a mute keeps the membership and ends by itself at its until; setting it again replaces it', async () => {
        const { mod, bob } = await setup();
        await storage.setSanction({ roomId: 'lobby', userId: bob.id, kind: 'mute', until: 5000, by: mod.id });
        expect(await storage.isMember('lobby', bob.id)).toBe(true);
        expect(await storage.activeSanction('lobby', bob.id, 'mute', 4999)).toMatchObject({ until: 5000 });
        expect(await storage.activeSanction('lobby', bob.id, 'mute', 5000)).toBeNull();
        await storage.setSanction({ roomId: 'lobby', userId: bob.id, kind: 'mute', until: 9000, by: mod.id });
        expect(await storage.activeSanction('lobby', bob.id, 'mute', 6000)).toMatchObject({ until: 9000 });
        expect((await storage.roomSanctions('lobby', 6000)).map((s) => [s.userId, s.kind])).toEqual([
          [bob.id, 'mute'],
        ]);
        expect(await storage.roomSanctions('lobby', 9000)).toEqual([]);
      });

      it('invites are found by their token hash only, listed newest first, revoked once, and count their uses', async () => {
        const { mod } = await setup();
        const first = await storage.createInvite({
          id: 'i1',
          roomId: 'lobby',
          tokenHash: 'h1',
          createdBy: mod.id,
          expiresAt: null,
        });
        const second = await storage.createInvite({
          id: 'i2',
          roomId: 'lobby',
          tokenHash: 'h2',
          createdBy: mod.id,
          expiresAt: 123,
        });
        expect(first).toMatchObject({
          id: 'i1',
          roomId: 'lobby',
          createdBy: mod.id,
          expiresAt: null,
          revokedAt: null,
          uses: 0,
        });
        expect(second.expiresAt).toBe(123);
        expect(await storage.inviteByTokenHash('h2')).toEqual(second);
        expect(await storage.inviteByTokenHash('nope')).toBeNull();
        expect((await storage.listInvites('lobby')).map((i) => i.id)).toEqual(['i2', 'i1']);
        await storage.useInvite('i1');
        await storage.useInvite('i1');
        expect((await storage.inviteByTokenHash('h1'))?.uses).toBe(2);
        expect(await storage.revokeInvite('i1', 777)).toBe(true);
        expect(await storage.revokeInvite('i1', 888)).toBe(false);
        expect((await storage.inviteByTokenHash('h1'))?.revokedAt).toBe(777);
      });

      it('records audit entries and lists them newest first, a page at a time', async () => {
        const { mod, bob } = await setup();
        for (const [at, action] of [
          [1000, 'room.mute'],
          [2000, 'room.ban'],
          [3000, 'room.unban'],
        ] as const) {
          await storage.recordAudit({
            at,
            actorId: mod.id,
            action,
            targetUserId: bob.id,
            roomId: 'lobby',
            details: { minutes: 5 },
          });
        }
        const page = await storage.listAudit({ limit: 2 });
        expect(page.map((e) => e.action)).toEqual(['room.unban', 'room.ban']);
        expect(page[0]).toMatchObject({
          actorId: mod.id,
          targetUserId: bob.id,
          roomId: 'lobby',
          details: { minutes: 5 },
        });
        const next = await storage.listAudit({ limit: 2, before: 2000 });
        expect(next.map((e) => e.action)).toEqual(['room.mute']);
      });
    });

    describe('rooms', () => {
      it('createRoom with an explicit id keeps it, and roomById returns the room', async () => {
        const admin = await createUser('Admin');
        const before = Date.now();

        const room = await storage.createRoom({
          id: 'lobby',
          title: 'Lobby',
          topic: 'Say hi',
          createdBy: admin.id,
        });

        expect(room).toEqual({
          id: 'lobby',
          title: 'Lobby',
          topic: 'Say hi',
          kind: 'public',
          createdAt: expect.any(Number),
        });
        expect(room.createdAt).toBeGreaterThanOrEqual(before);
        expect(room.createdAt).toBeLessThanOrEqual(Date.now());
        expect(await storage.roomById('lobby')).toEqual(room);
      });

      it('createRoom without an id generates a distinct one; a room needs no creator', async () => {
        const a = await storage.createRoom({ title: 'A', topic: '', createdBy: null });
        const b = await storage.createRoom({ title: 'B', topic: '', createdBy: null });

        expect(a.id).toMatch(/\S/);
        expect(a.id).not.toBe(b.id);
        expect(await storage.roomById(a.id)).toEqual(a);
        expect(await storage.roomById(b.id)).toEqual(b);
      });

      it('roomById of an unknown id is null', async () => {
        expect(await storage.roomById('nowhere')).toBeNull();
      });

      it('countRooms counts every room', async () => {
        expect(await storage.countRooms()).toBe(0);
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
        await storage.createRoom({ title: 'Dev', topic: '', createdBy: null });
        expect(await storage.countRooms()).toBe(2);
      });

      it('joinRoom returns true the first time and false when already a member', async () => {
        const alice = await createUser('Alice');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });

        expect(await storage.isMember('lobby', alice.id)).toBe(false);
        expect(await storage.joinRoom('lobby', alice.id)).toBe(true);
        expect(await storage.joinRoom('lobby', alice.id)).toBe(false);
        expect(await storage.isMember('lobby', alice.id)).toBe(true);
      });

      it('leaveRoom returns true for a member and false when already not one', async () => {
        const alice = await createUser('Alice');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
        await storage.joinRoom('lobby', alice.id);

        expect(await storage.leaveRoom('lobby', alice.id)).toBe(true);
        expect(await storage.isMember('lobby', alice.id)).toBe(false);
        expect(await storage.leaveRoom('lobby', alice.id)).toBe(false);
        // A user may join again after leaving.
        expect(await storage.joinRoom('lobby', alice.id)).toBe(true);
      });

      it('membership is per room and per user', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
        await storage.createRoom({ id: 'dev', title: 'Dev', topic: '', createdBy: null });

        await storage.joinRoom('lobby', alice.id);

        expect(await storage.isMember('lobby', alice.id)).toBe(true);
        expect(await storage.isMember('dev', alice.id)).toBe(false);
        expect(await storage.isMember('lobby', bob.id)).toBe(false);
      });

      it('listRooms is empty when there are no rooms', async () => {
        const alice = await createUser('Alice');
        expect(await storage.listRooms(alice.id)).toEqual([]);
      });

      it('listRooms lists every room with its member count and whether the asking user joined it', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        const lobby = await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: 'hi', createdBy: null });
        const dev = await storage.createRoom({ id: 'dev', title: 'Dev', topic: '', createdBy: alice.id });
        const quiet = await storage.createRoom({ id: 'quiet', title: 'Quiet', topic: '', createdBy: null });
        await storage.joinRoom('lobby', alice.id);
        await storage.joinRoom('lobby', bob.id);
        await storage.joinRoom('dev', bob.id);

        const byId = new Map((await storage.listRooms(alice.id)).map((room) => [room.id, room]));

        expect(byId.size).toBe(3);
        expect(byId.get('lobby')).toEqual({
          ...lobby,
          memberCount: 2,
          joined: true,
          role: 'member',
          head: 0,
          readSeq: 0,
          unread: 0,
          mentions: 0,
        });
        expect(byId.get('dev')).toEqual({
          ...dev,
          memberCount: 1,
          joined: false,
          role: null,
          head: 0,
          readSeq: 0,
          unread: 0,
          mentions: 0,
        });
        expect(byId.get('quiet')).toEqual({
          ...quiet,
          memberCount: 0,
          joined: false,
          role: null,
          head: 0,
          readSeq: 0,
          unread: 0,
          mentions: 0,
        });
      });

      it('a room is public unless created private or as a DM; roomById returns its kind', async () => {
        const open = await storage.createRoom({ title: 'Open', topic: '', createdBy: null });
        const hidden = await storage.createRoom({
          title: 'Hidden',
          topic: '',
          kind: 'private',
          createdBy: null,
        });
        const dm = await storage.createRoom({ title: '', topic: '', kind: 'dm', createdBy: null });

        expect([open.kind, hidden.kind, dm.kind]).toEqual(['public', 'private', 'dm']);
        expect((await storage.roomById(hidden.id))?.kind).toBe('private');
        expect((await storage.roomById(dm.id))?.kind).toBe('dm');
      });

      it('listRooms shows public rooms to everyone, and a private room or DM only to its members', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        await storage.createRoom({ id: 'open', title: 'Open', topic: '', createdBy: null });
        await storage.createRoom({
          id: 'hidden',
          title: 'Hidden',
          topic: '',
          kind: 'private',
          createdBy: alice.id,
        });
        await storage.createRoom({ id: 'dm', title: '', topic: '', kind: 'dm', createdBy: alice.id });
        await storage.joinRoom('hidden', alice.id, 'owner');
        await storage.joinRoom('dm', alice.id);

        const ids = async (userId: string) => (await storage.listRooms(userId)).map((r) => r.id).sort();
        expect(await ids(alice.id)).toEqual(['dm', 'hidden', 'open']);
        expect(await ids(bob.id)).toEqual(['open']);
        await storage.joinRoom('hidden', bob.id);
        expect(await ids(bob.id)).toEqual(['hidden', 'open']);
        await storage.leaveRoom('hidden', bob.id);
        expect(await ids(bob.id)).toEqual(['open']);
      });

      it('a member has a room role: member by default, as given on joining, and changed by setMemberRole', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        const carol = await createUser('Carol');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: alice.id });
        await storage.joinRoom('lobby', alice.id, 'owner');
        await storage.joinRoom('lobby', bob.id);

        expect(await storage.memberRole('lobby', alice.id)).toBe('owner');
        expect(await storage.memberRole('lobby', bob.id)).toBe('member');
        expect(await storage.memberRole('lobby', carol.id)).toBeNull();
        expect(await storage.memberRole('nowhere', alice.id)).toBeNull();

        expect(await storage.setMemberRole('lobby', bob.id, 'moderator')).toBe(true);
        expect(await storage.memberRole('lobby', bob.id)).toBe('moderator');
        // Joining again keeps the role; a non-member's role cannot be set.
        expect(await storage.joinRoom('lobby', bob.id)).toBe(false);
        expect(await storage.memberRole('lobby', bob.id)).toBe('moderator');
        expect(await storage.setMemberRole('lobby', carol.id, 'moderator')).toBe(false);
        expect(await storage.isMember('lobby', carol.id)).toBe(false);
        const [summary] = (await storage.listRooms(bob.id)).filter((r) => r.id === 'lobby');
        expect(summary).toMatchObject({ joined: true, role: 'moderator' });
      });

      it('listRooms reports head, readSeq and unread (messages from others after readSeq) of room:<id>', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
        await storage.joinRoom('lobby', alice.id);
        await storage.joinRoom('lobby', bob.id);
        const stream = 'room:lobby';
        await appendEach({ stream, senderId: bob.id, senderName: 'Bob' }, ['b1', 'b2']); // 1, 2
        await appendEach({ stream, senderId: alice.id, senderName: 'Alice' }, ['a1']); // 3
        await appendEach({ stream, senderId: bob.id, senderName: 'Bob' }, ['b3', 'b4']); // 4, 5
        await storage.markRead(alice.id, stream, 1);

        const [forAlice] = await storage.listRooms(alice.id);
        const [forBob] = await storage.listRooms(bob.id);

        expect(forAlice).toMatchObject({ id: 'lobby', head: 5, readSeq: 1, unread: 3 });
        expect(forBob).toMatchObject({ id: 'lobby', head: 5, readSeq: 0, unread: 1 });
      });

      it('listRooms shows the head of rooms the user has not joined, with unread 0', async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        await storage.createRoom({ id: 'dev', title: 'Dev', topic: '', createdBy: null });
        await storage.joinRoom('dev', bob.id);
        await appendEach({ stream: 'room:dev', senderId: bob.id, senderName: 'Bob' }, ['b1', 'b2']);

        const [dev] = await storage.listRooms(alice.id);

        expect(dev).toMatchObject({
          id: 'dev',
          joined: false,
          memberCount: 1,
          head: 2,
          readSeq: 0,
          unread: 0,
        });
      });
    });

    describe('mentions', () => {
      const room = async () => {
        const alice = await createUser('Alice');
        const bob = await createUser('Bob');
        const carol = await createUser('Carol');
        await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
        for (const user of [alice, bob, carol]) await storage.joinRoom('lobby', user.id);
        return { alice, bob, carol, stream: 'room:lobby' };
      };
      const say = async (from: User, clientMsgId: string, mentions?: string[]) => {
        const [result] = await storage.append([
          input({
            stream: 'room:lobby',
            senderId: from.id,
            senderName: from.username,
            clientMsgId,
            ...(mentions ? { mentions } : {}),
          }),
        ]);
        if (result?.status !== 'created') throw new Error(`test setup: ${clientMsgId} was not created`);
        return result.entry;
      };

      it('counts the entries after a seq that mention the user, and only those', async () => {
        const { alice, bob, carol, stream } = await room();
        await say(bob, 'b1', [alice.id]); // 1
        await say(bob, 'b2'); // 2
        await say(carol, 'c1', [alice.id, bob.id]); // 3
        await say(carol, 'c2', [bob.id]); // 4

        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(2);
        expect(await storage.mentionCount(alice.id, stream, 1)).toBe(1);
        expect(await storage.mentionCount(alice.id, stream, 3)).toBe(0);
        expect(await storage.mentionCount(bob.id, stream, 0)).toBe(2);
        expect(await storage.mentionCount(carol.id, stream, 0)).toBe(0);
        expect(await storage.mentionCount(alice.id, 'room:elsewhere', 0)).toBe(0);
      });

      it('@room counts for everyone but its sender', async () => {
        const { alice, bob, carol, stream } = await room();
        await say(alice, 'a1', ['room', bob.id]);

        expect(await storage.mentionCount(bob.id, stream, 0)).toBe(2);
        expect(await storage.mentionCount(carol.id, stream, 0)).toBe(1);
        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(0);
      });

      it('a retry indexes nothing twice, and a conflicting one indexes nothing', async () => {
        const { alice, bob, stream } = await room();
        await say(bob, 'b1', [alice.id]);
        const [retry] = await storage.append([
          input({ stream, senderId: bob.id, senderName: 'Bob', clientMsgId: 'b1', mentions: [alice.id] }),
        ]);
        const [conflict] = await storage.append([
          input({
            stream,
            senderId: bob.id,
            senderName: 'Bob',
            clientMsgId: 'b1',
            body: '{"text":"other"}',
            mentions: ['room'],
          }),
        ]);

        expect(retry?.status).toBe('duplicate');
        expect(conflict?.status).toBe('conflict');
        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(1);
      });

      it('indexes the mentions of each entry of a batch under its own seq', async () => {
        const { alice, bob, stream } = await room();
        const results = await storage.append([
          input({ stream, senderId: bob.id, senderName: 'Bob', clientMsgId: 'x1', mentions: [alice.id] }),
          input({ stream, senderId: bob.id, senderName: 'Bob', clientMsgId: 'x2' }),
          input({ stream, senderId: bob.id, senderName: 'Bob', clientMsgId: 'x3', mentions: [alice.id] }),
        ]);

        expect(results.map((r) => r.entry.seq)).toEqual([1, 2, 3]);
        expect(await storage.mentionCount(alice.id, stream, 1)).toBe(1);
        expect(await storage.mentionCount(alice.id, stream, 2)).toBe(1);
        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(2);
      });

      it('setMentions replaces what one entry mentions, and none clears it', async () => {
        const { alice, bob, carol, stream } = await room();
        const entry = await say(bob, 'b1', [alice.id]);
        await say(bob, 'b2', [alice.id]);

        await storage.setMentions(stream, entry.seq, bob.id, [carol.id]);
        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(1);
        expect(await storage.mentionCount(carol.id, stream, 0)).toBe(1);

        await storage.setMentions(stream, entry.seq, bob.id, []);
        expect(await storage.mentionCount(carol.id, stream, 0)).toBe(0);
        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(1);
      });

      it('listRooms counts mentions after the read position, for members only', async () => {
        const { alice, bob, carol, stream } = await room();
        await say(bob, 'b1', [alice.id]); // 1
        await say(bob, 'b2', ['room']); // 2
        await say(bob, 'b3', [alice.id]); // 3
        await storage.markRead(alice.id, stream, 1);
        await storage.leaveRoom('lobby', carol.id);

        const [forAlice] = await storage.listRooms(alice.id);
        const [forBob] = await storage.listRooms(bob.id);
        const [forCarol] = await storage.listRooms(carol.id);

        expect(forAlice).toMatchObject({ id: 'lobby', unread: 2, mentions: 2 });
        expect(forBob).toMatchObject({ id: 'lobby', mentions: 0 });
        expect(forCarol).toMatchObject({ id: 'lobby', joined: false, mentions: 0 });
      });

      it('mention counts stop at MENTION_CAP', async () => {
        const { alice, bob, stream } = await room();
        const many = range(1, MENTION_CAP + 5).map((i) =>
          input({ stream, senderId: bob.id, senderName: 'Bob', clientMsgId: `m${i}`, mentions: [alice.id] }),
        );
        await storage.append(many);

        expect(await storage.mentionCount(alice.id, stream, 0)).toBe(MENTION_CAP);
      });

      it('finds members by username key, and only members of that room', async () => {
        const { alice, bob } = await room();
        const dave = await createUser('Dave');
        await storage.setMemberRole('lobby', bob.id, 'moderator');

        const found = await storage.membersByKeys('lobby', ['alice', 'bob', 'dave', 'nobody']);

        expect(found.sort((a, b) => a.username.localeCompare(b.username))).toEqual([
          { id: alice.id, username: 'Alice', role: 'member' },
          { id: bob.id, username: 'Bob', role: 'moderator' },
        ]);
        expect(await storage.membersByKeys('lobby', [])).toEqual([]);
        expect(await storage.membersByKeys('elsewhere', ['alice'])).toEqual([]);
        expect(dave.username).toBe('Dave');
      });

      it('searchMembers lists members whose key starts with the prefix, by key, at most limit', async () => {
        const { alice } = await room();
        const alina = await createUser('Alina');
        await storage.joinRoom('lobby', alina.id);
        await createUser('Alfred'); // not a member

        expect((await storage.searchMembers('lobby', 'al', 10)).map((m) => m.username)).toEqual([
          'Alice',
          'Alina',
        ]);
        expect((await storage.searchMembers('lobby', 'al', 1)).map((m) => m.id)).toEqual([alice.id]);
        expect((await storage.searchMembers('lobby', '', 10)).map((m) => m.username)).toEqual([
          'Alice',
          'Alina',
          'Bob',
          'Carol',
        ]);
        expect(await storage.searchMembers('lobby', 'z', 10)).toEqual([]);
        expect(await storage.searchMembers('lobby', '%', 10)).toEqual([]);
      });
    });

    describe('API keys', () => {
      const key = (id: string, scopes = ['user:*']) => ({
        id,
        name: `key ${id}`,
        secretHash: `hash-${id}`,
        scopes,
        createdBy: 'u-admin',
      });

      it('creates a key and reads it back with its secret hash and scopes', async () => {
        const created = await storage.createApiKey(key('k1', ['room:*', 'jobs']));
        expect(created).toMatchObject({
          id: 'k1',
          name: 'key k1',
          scopes: ['room:*', 'jobs'],
          revokedAt: null,
        });
        expect(created).not.toHaveProperty('secretHash');
        expect(await storage.apiKeyById('k1')).toMatchObject({
          id: 'k1',
          secretHash: 'hash-k1',
          scopes: ['room:*', 'jobs'],
        });
        expect(await storage.apiKeyById('nope')).toBeNull();
      });

      it('lists keys newest first without their secret hashes', async () => {
        await storage.createApiKey(key('k1'));
        await new Promise((r) => setTimeout(r, 5));
        await storage.createApiKey(key('k2'));
        const list = await storage.listApiKeys();
        expect(list.map((k) => k.id)).toEqual(['k2', 'k1']);
        for (const k of list) expect(k).not.toHaveProperty('secretHash');
      });

      it('revokes a key once; revoking again or an unknown key answers false', async () => {
        await storage.createApiKey(key('k1'));
        expect(await storage.revokeApiKey('k1', 1234)).toBe(true);
        expect(await storage.revokeApiKey('k1', 5678)).toBe(false);
        expect(await storage.revokeApiKey('nope', 1)).toBe(false);
        expect((await storage.apiKeyById('k1'))?.revokedAt).toBe(1234);
      });

      it('records when a key was last used', async () => {
        await storage.createApiKey(key('k1'));
        await storage.touchApiKey('k1', 4242);
        expect((await storage.apiKeyById('k1'))?.lastUsedAt).toBe(4242);
      });
    });

    describe('jobs', () => {
      it('creates a running job at 0 %', async () => {
        const job = await storage.createJob({ id: 'j1', userId: 'u1', title: 'Export' });
        expect(job).toMatchObject({
          id: 'j1',
          userId: 'u1',
          title: 'Export',
          status: 'running',
          percent: 0,
          message: '',
        });
        expect(job.result).toBeNull();
        expect(job.error).toBeNull();
        expect(await storage.jobById('j1')).toEqual(job);
        expect(await storage.jobById('nope')).toBeNull();
      });

      it('keeps only the latest progress, then the result; a finished job never changes again', async () => {
        await storage.createJob({ id: 'j1', userId: 'u1', title: 'Export' });
        await storage.updateJob('j1', { percent: 10, message: 'one' });
        const latest = await storage.updateJob('j1', { percent: 42.5, message: 'two' });
        expect(latest).toMatchObject({ percent: 42.5, message: 'two', status: 'running' });
        const done = await storage.updateJob('j1', {
          status: 'done',
          percent: 100,
          result: { url: '/f', n: [1, 2] },
        });
        expect(done).toMatchObject({ status: 'done', percent: 100, result: { url: '/f', n: [1, 2] } });
        const late = await storage.updateJob('j1', { percent: 50, message: 'late' });
        expect(late).toEqual(done);
        expect(await storage.updateJob('nope', { percent: 1 })).toBeNull();
      });

      it('records a failure with its error', async () => {
        await storage.createJob({ id: 'j1', userId: 'u1', title: 'Export' });
        const failed = await storage.updateJob('j1', { status: 'failed', error: 'disk full' });
        expect(failed).toMatchObject({ status: 'failed', error: 'disk full' });
      });

      it("lists a user's recent jobs, newest first, and no one else's", async () => {
        await storage.createJob({ id: 'j1', userId: 'u1', title: 'A' });
        await new Promise((r) => setTimeout(r, 5));
        await storage.createJob({ id: 'j2', userId: 'u1', title: 'B' });
        await storage.createJob({ id: 'j3', userId: 'u2', title: 'C' });
        await new Promise((r) => setTimeout(r, 5));
        await storage.updateJob('j1', { percent: 5 });
        expect((await storage.listJobs('u1', 0, 10)).map((j) => j.id)).toEqual(['j1', 'j2']);
        expect((await storage.listJobs('u1', 0, 1)).map((j) => j.id)).toEqual(['j1']);
        expect(await storage.listJobs('u1', Date.now() + 60_000, 10)).toEqual([]);
      });
    });

    describe('support', () => {
      const options = { prechat: true, greeting: 'Hi!', businessHours: null };
      const site = (id = 's1') =>
        storage.createSite({
          id,
          key: `key-${id}`,
          name: `Site ${id}`,
          allowedOrigins: ['https://a.example'],
          options,
        });

      it('creates sites and finds them by id and by key; updates a site', async () => {
        const created = await site();
        expect(created).toMatchObject({
          id: 's1',
          key: 'key-s1',
          allowedOrigins: ['https://a.example'],
          options,
        });
        expect(await storage.siteByKey('key-s1')).toEqual(created);
        expect(await storage.siteById('s1')).toEqual(created);
        expect(await storage.siteByKey('nope')).toBeNull();
        const updated = await storage.updateSite('s1', {
          allowedOrigins: ['https://b.example', 'https://*.c.example'],
        });
        expect(updated?.allowedOrigins).toEqual(['https://b.example', 'https://*.c.example']);
        expect((await storage.siteById('s1'))?.allowedOrigins).toEqual(updated?.allowedOrigins);
        expect((await storage.listSites()).map((x) => x.id)).toEqual(['s1']);
        expect(await storage.updateSite('nope', { name: 'x' })).toBeNull();
      });

      it('finds a visitor by token only on their own site', async () => {
        await site('s1');
        await site('s2');
        const visitor = await storage.createVisitor({ id: 'v1', siteId: 's1', tokenHash: 'h1' });
        expect(visitor).toMatchObject({ id: 'v1', siteId: 's1', name: '', email: '', attributes: {} });
        expect((await storage.visitorByToken('s1', 'h1'))?.id).toBe('v1');
        expect(await storage.visitorByToken('s2', 'h1')).toBeNull();
        const updated = await storage.updateVisitor('v1', {
          name: 'Ann',
          email: 'ann@x',
          attributes: { plan: 'pro', seats: 3 },
        });
        expect(updated).toMatchObject({ name: 'Ann', email: 'ann@x', attributes: { plan: 'pro', seats: 3 } });
        expect(await storage.visitorById('v1')).toMatchObject({
          name: 'Ann',
          attributes: { plan: 'pro', seats: 3 },
        });
      });

      it('keeps page views newest first', async () => {
        await site();
        await storage.createVisitor({ id: 'v1', siteId: 's1', tokenHash: 'h1' });
        await storage.addPageView('v1', { url: 'https://a.example/', title: 'Home', at: 1 });
        await storage.addPageView('v1', { url: 'https://a.example/pricing', title: 'Pricing', at: 2 });
        expect(await storage.pageViews('v1', 10)).toEqual([
          { url: 'https://a.example/pricing', title: 'Pricing', at: 2 },
          { url: 'https://a.example/', title: 'Home', at: 1 },
        ]);
        expect(await storage.pageViews('v1', 1)).toHaveLength(1);
      });

      it('opens conversations, lists them by status and newest activity, and updates them', async () => {
        await site();
        await storage.createVisitor({ id: 'v1', siteId: 's1', tokenHash: 'h1' });
        const c1 = await storage.createConversation({ id: 'c1', siteId: 's1', visitorId: 'v1' });
        expect(c1).toMatchObject({ status: 'open', assigneeId: null, lastSeq: 0, lastFrom: null });
        await storage.createConversation({ id: 'c2', siteId: 's1', visitorId: 'v1' });
        await storage.updateConversation('c1', {
          lastActivityAt: Date.now() + 1000,
          lastSeq: 3,
          lastPreview: 'hi',
          lastFrom: 'visitor',
        });
        expect((await storage.listConversations({ limit: 10 })).map((c) => c.id)).toEqual(['c1', 'c2']);
        await storage.updateConversation('c2', { status: 'resolved', assigneeId: 'agent-1' });
        expect((await storage.listConversations({ status: 'open', limit: 10 })).map((c) => c.id)).toEqual([
          'c1',
        ]);
        expect((await storage.listConversations({ status: 'resolved', limit: 10 })).map((c) => c.id)).toEqual(
          ['c2'],
        );
        expect(await storage.conversationById('c2')).toMatchObject({
          status: 'resolved',
          assigneeId: 'agent-1',
        });
        expect((await storage.visitorConversations('v1')).map((c) => c.id)).toEqual(['c1', 'c2']);
        expect(await storage.updateConversation('nope', { status: 'open' })).toBeNull();
      });

      it('stores canned responses with unique shortcuts', async () => {
        expect(
          await storage.createCanned({ id: 'r1', shortcut: 'hello', text: 'Hello! How can I help?' }),
        ).toMatchObject({
          shortcut: 'hello',
        });
        expect(await storage.createCanned({ id: 'r2', shortcut: 'hello', text: 'again' })).toBe('taken');
        await storage.createCanned({ id: 'r3', shortcut: 'bye', text: 'Bye!' });
        expect((await storage.listCanned()).map((r) => r.shortcut)).toEqual(['bye', 'hello']);
        expect(await storage.deleteCanned('r3')).toBe(true);
        expect(await storage.deleteCanned('r3')).toBe(false);
      });

      it('promotes users to agents and keeps their availability', async () => {
        const admin = await createUser('boss');
        const user = await createUser('helper');
        expect((await storage.setRole(user.id, 'agent'))?.role).toBe('agent');
        expect(await storage.setRole('nobody', 'agent')).toBeNull();
        expect((await storage.listAgents()).map((a) => [a.username, a.role, a.availability])).toEqual([
          ['boss', 'admin', 'away'],
          ['helper', 'agent', 'away'],
        ]);
        await storage.setAvailability(user.id, 'online');
        expect((await storage.listAgents()).find((a) => a.id === user.id)?.availability).toBe('online');
        expect((await storage.listUsers()).map((u) => u.id).sort()).toEqual([admin.id, user.id].sort());
      });
    });

    describe('lifecycle', () => {
      it('has a name and describes itself with string facts', async () => {
        expect(storage.name).toMatch(/\S/);
        const facts = await storage.describe();
        for (const value of Object.values(facts)) expect(typeof value).toBe('string');
      });

      it('close can be called twice', async () => {
        await storage.close();
        await expect(storage.close()).resolves.toBeUndefined();
      });
    });
  });
  runDmContract(name, open);
}
