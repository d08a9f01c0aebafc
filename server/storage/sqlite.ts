/**
 * The default storage: one SQLite file through better-sqlite3, in WAL mode.
 *
 * NOTE: durability. `synchronous=FULL` (the default here) fsyncs the WAL on every commit, so an
 * acknowledged message survives both a process crash and a power loss or OS crash.
 * `synchronous=NORMAL` in WAL mode survives a process crash (the commit is in the OS page cache)
 * but may lose the last transactions on power loss; it never corrupts the file. The level is read
 * back after it is set and start-up fails if SQLite did not take it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ROOM_MENTION } from '../../shared/mentions.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import {
  type ApiKeyRow,
  type JobRow,
  jobColumns,
  type LogRow,
  patched,
  publicKey,
  type RoomRow,
  toApiKey,
  toEntry,
  toJob,
  toRoom,
  toUser,
  type UserRow,
} from './rows.js';
import { sqliteDms } from './sqlite-dms.js';
import { sqliteModeration } from './sqlite-moderation.js';
import { type SqliteMigration, sqliteMigrations } from './sqlite-schema.js';
import { sqliteSupport } from './sqlite-support.js';
import type {
  AppendInput,
  AppendResult,
  AuthSession,
  Job,
  LogEntry,
  Role,
  Room,
  RoomRole,
  RoomSummary,
  Storage,
  UserStatus,
  UserWithSecret,
} from './storage.js';
import { MENTION_CAP, repeatOf, UNREAD_CAP } from './storage.js';

/** A member row as the mention queries select it. */
type MemberRow = { id: string; username: string; role: RoomRole };

export type SynchronousLevel = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
const synchronousNames: readonly SynchronousLevel[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

export const synchronousPromise: Record<SynchronousLevel, string> = {
  OFF: 'no fsync: a process crash is safe only if the OS survives; power loss may corrupt',
  NORMAL: 'survives a process crash; a power loss may drop the last commits (never corrupts)',
  FULL: 'survives a process crash and a power loss: every commit is fsynced before its ack',
  EXTRA: 'as FULL, and also fsyncs the directory after WAL resets',
};

export interface SqliteOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
  synchronous?: SynchronousLevel;
  /** Where migrations report what they could not settle alone (look-alike usernames kept). */
  log?: Logger;
}

export function openSqliteStorage(options: SqliteOptions): Storage {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  const wanted = options.synchronous ?? 'FULL';
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${wanted}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const actual = synchronousNames[Number(db.pragma('synchronous', { simple: true }))];
  if (actual !== wanted) {
    db.close();
    throw new Error(`SQLite reports synchronous=${actual} after setting ${wanted}; refusing to start`);
  }
  try {
    migrate(db, options.log);
  } catch (err) {
    db.close();
    throw err;
  }

  const q = {
    byClient: db.prepare<[string, string], LogRow>(
      'SELECT * FROM log WHERE sender_id = ? AND client_msg_id = ?',
    ),
    bumpHead: db.prepare<[string], { head: number }>(
      `INSERT INTO streams (stream, head) VALUES (?, 1)
       ON CONFLICT (stream) DO UPDATE SET head = head + 1 RETURNING head`,
    ),
    // NOTE: a repeated (sender, clientMsgId) is looked up before anything is written (see
    // appendOne); DO NOTHING only keeps the unique index the last word.
    insertLog: db.prepare(
      `INSERT INTO log (stream, seq, id, ts, sender_id, sender_name, client_msg_id, kind, body)
       VALUES (@stream, @seq, @id, @ts, @senderId, @senderName, @clientMsgId, @kind, @body)
       ON CONFLICT (sender_id, client_msg_id) DO NOTHING`,
    ),
    giveBackSeq: db.prepare<[string]>('UPDATE streams SET head = head - 1 WHERE stream = ?'),
    readAfter: db.prepare<[string, number, number], LogRow>(
      'SELECT * FROM log WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    readBefore: db.prepare<[string, number, number], LogRow>(
      'SELECT * FROM log WHERE stream = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    head: db.prepare<[string], { head: number }>('SELECT head FROM streams WHERE stream = ?'),
    unread: db.prepare<[string, number, string], { n: number }>(
      // Counted up to UNREAD_CAP: a user far behind in a busy room costs one bounded scan.
      `SELECT count(*) AS n FROM (SELECT 1 FROM log WHERE stream = ? AND seq > ? AND sender_id <> ? LIMIT ${UNREAD_CAP})`,
    ),
    readPositions: db.prepare<[string], { userId: string; seq: number }>(
      'SELECT user_id AS userId, seq FROM read_positions WHERE stream = ? ORDER BY user_id',
    ),
    readSeq: db.prepare<[string, string], { seq: number }>(
      'SELECT seq FROM read_positions WHERE user_id = ? AND stream = ?',
    ),
    // NOTE: named parameters; better-sqlite3 rejects numbered ones (?1) with "Too many parameter values".
    markRead: db.prepare<{ userId: string; stream: string; seq: number }>(
      `INSERT INTO read_positions (user_id, stream, seq)
       VALUES (@userId, @stream, min(@seq, coalesce((SELECT head FROM streams WHERE stream = @stream), 0)))
       ON CONFLICT (user_id, stream) DO UPDATE SET seq = max(seq, excluded.seq)`,
    ),
    insertMention: db.prepare<[string, string, number, string]>(
      'INSERT OR IGNORE INTO mentions (user_id, stream, seq, sender_id) VALUES (?, ?, ?, ?)',
    ),
    deleteMentions: db.prepare<[string, number]>('DELETE FROM mentions WHERE stream = ? AND seq = ?'),
    // Two probes of the primary key: the user's own rows, and @room's from others.
    mentionCount: db.prepare<{ userId: string; stream: string; after: number }, { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM mentions WHERE user_id = @userId AND stream = @stream AND seq > @after
         UNION ALL
         SELECT 1 FROM mentions
         WHERE user_id = '${ROOM_MENTION}' AND stream = @stream AND seq > @after AND sender_id <> @userId
         LIMIT ${MENTION_CAP})`,
    ),
    membersByKeys: db.prepare<[string, string], MemberRow>(
      `SELECT u.id, u.username, m.role FROM members m JOIN users u ON u.id = m.user_id
       WHERE m.room_id = ? AND u.username_key IN (SELECT value FROM json_each(?))`,
    ),
    searchMembers: db.prepare<{ roomId: string; prefix: string; limit: number }, MemberRow>(
      `SELECT u.id, u.username, m.role FROM members m JOIN users u ON u.id = m.user_id
       WHERE m.room_id = @roomId AND substr(u.username_key, 1, length(@prefix)) = @prefix
       ORDER BY u.username_key, u.id LIMIT @limit`,
    ),
    countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
    insertUser: db.prepare(
      `INSERT INTO users (id, username, username_key, password_hash, role, created_at)
       VALUES (@id, @username, @usernameKey, @passwordHash, @role, @createdAt)`,
    ),
    userByKey: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ?'),
    skeletonTaken: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM username_skeletons WHERE skeleton = ?',
    ),
    insertSkeleton: db.prepare<[string, string]>(
      'INSERT INTO username_skeletons (skeleton, user_id) VALUES (?, ?)',
    ),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertSession: db.prepare(
      `INSERT INTO sessions (id, token_hash, user_id, expires_at, created_at)
       VALUES (@id, @tokenHash, @userId, @expiresAt, @createdAt)`,
    ),
    sessionByHash: db.prepare<[string, number], UserRow & { session_id: string; expires_at: number }>(
      `SELECT s.id AS session_id, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ? AND u.status = 'active'`,
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
    userSessions: db.prepare<[string], { id: string }>('SELECT id FROM sessions WHERE user_id = ?'),
    deleteUserSessions: db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
    setUserStatus: db.prepare<[string, string]>('UPDATE users SET status = ? WHERE id = ?'),
    deleteMemberships: db.prepare<[string]>('DELETE FROM members WHERE user_id = ?'),
    setAway: db.prepare<[string]>("UPDATE users SET availability = 'away' WHERE id = ?"),
    insertRoom: db.prepare(
      `INSERT INTO rooms (id, title, topic, kind, created_by, created_at)
       VALUES (@id, @title, @topic, @kind, @createdBy, @createdAt)`,
    ),
    roomById: db.prepare<[string], RoomRow>(
      'SELECT id, title, topic, kind, created_at FROM rooms WHERE id = ?',
    ),
    countRooms: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rooms'),
    listRooms: db.prepare<
      { userId: string },
      RoomRow & {
        member_count: number;
        role: RoomRole | null;
        head: number;
        read_seq: number;
      }
    >(
      `SELECT * FROM (
         SELECT r.id, r.title, r.topic, r.kind, r.created_at,
           (SELECT count(*) FROM members m WHERE m.room_id = r.id) AS member_count,
           (SELECT m.role FROM members m WHERE m.room_id = r.id AND m.user_id = @userId) AS role,
           coalesce((SELECT head FROM streams s WHERE s.stream = 'room:' || r.id), 0) AS head,
           coalesce((SELECT seq FROM read_positions p
                     WHERE p.user_id = @userId AND p.stream = 'room:' || r.id), 0) AS read_seq
         FROM rooms r
       ) WHERE kind = 'public' OR role IS NOT NULL
       ORDER BY created_at, id`,
    ),
    join: db.prepare<[string, string, number, string]>(
      'INSERT OR IGNORE INTO members (room_id, user_id, joined_at, role) VALUES (?, ?, ?, ?)',
    ),
    memberRole: db.prepare<[string, string], { role: RoomRole }>(
      'SELECT role FROM members WHERE room_id = ? AND user_id = ?',
    ),
    setMemberRole: db.prepare<[string, string, string]>(
      'UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?',
    ),
    leave: db.prepare<[string, string]>('DELETE FROM members WHERE room_id = ? AND user_id = ?'),
    isMember: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM members WHERE room_id = ? AND user_id = ?',
    ),
    insertKey: db.prepare(
      `INSERT INTO api_keys (id, name, secret_hash, scopes, created_by, created_at)
       VALUES (@id, @name, @secretHash, @scopes, @createdBy, @createdAt)`,
    ),
    keyById: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    listKeys: db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, id'),
    revokeKey: db.prepare<[number, string]>(
      'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    touchKey: db.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    insertJob: db.prepare(
      `INSERT INTO jobs (id, user_id, title, status, percent, message, created_at, updated_at)
       VALUES (@id, @userId, @title, 'running', 0, '', @now, @now)`,
    ),
    jobById: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
    updateJob: db.prepare(
      `UPDATE jobs SET status = @status, percent = @percent, message = @message, result = @result,
         error = @error, updated_at = @updatedAt
       WHERE id = @id AND status = 'running'`,
    ),
    listJobs: db.prepare<[string, number, number], JobRow>(
      'SELECT * FROM jobs WHERE user_id = ? AND updated_at >= ? ORDER BY updated_at DESC, id LIMIT ?',
    ),
  };

  const appendOne = (input: AppendInput): AppendResult => {
    // NOTE: read before write. A retry (the same sender and clientMsgId) is found by one lookup
    // in the unique index the insert would probe anyway, and answered without a write: no seq
    // bumped and given back, so a batch of retries commits no pages and costs no fsync.
    const stored = q.byClient.get(input.senderId, input.clientMsgId);
    if (stored) return repeatOf(toEntry(stored), input);
    const seq = (q.bumpHead.get(input.stream) as { head: number }).head;
    const { mentions, ...fields } = input;
    const entry: LogEntry = { ...fields, seq, id: randomId(), ts: Date.now() };
    if (q.insertLog.run(entry).changes === 1) {
      for (const who of mentions ?? []) q.insertMention.run(who, entry.stream, seq, entry.senderId);
      return { status: 'created', entry };
    }
    // Seen before after all (the lookup above makes this unreachable while the transaction holds
    // the write lock; the unique index keeps the last word): the seq goes back, the first answers.
    q.giveBackSeq.run(input.stream);
    return repeatOf(toEntry(q.byClient.get(input.senderId, input.clientMsgId) as LogRow), input);
  };
  const appendAll = db.transaction((inputs: readonly AppendInput[]) => inputs.map(appendOne));

  const unreadOf = (userId: string, stream: string, readSeq: number): number =>
    (q.unread.get(stream, readSeq, userId) as { n: number }).n;
  const mentionsOf = (userId: string, stream: string, after: number): number =>
    (q.mentionCount.get({ userId, stream, after }) as { n: number }).n;
  const setMentionsTx = db.transaction(
    (stream: string, seq: number, senderId: string, mentions: readonly string[]) => {
      q.deleteMentions.run(stream, seq);
      for (const who of mentions) q.insertMention.run(who, stream, seq, senderId);
    },
  );

  const createUserTx = db.transaction(
    (input: {
      username: string;
      usernameKey: string;
      usernameSkeletons: readonly string[];
      passwordHash: string;
    }) => {
      if (q.userByKey.get(input.usernameKey)) return { status: 'taken' as const };
      if (input.usernameSkeletons.some((s) => q.skeletonTaken.get(s)))
        return { status: 'confusable' as const };
      const first = (q.countUsers.get() as { n: number }).n === 0;
      const user = {
        id: randomId(),
        username: input.username,
        role: (first ? 'admin' : 'user') as Role,
        status: 'active' as const,
        createdAt: Date.now(),
      };
      const { status: _status, ...columns } = user;
      q.insertUser.run({ ...columns, usernameKey: input.usernameKey, passwordHash: input.passwordHash });
      for (const skeleton of new Set(input.usernameSkeletons)) q.insertSkeleton.run(skeleton, user.id);
      return { status: 'created' as const, user };
    },
  );

  const deleteUserSessionsTx = db.transaction((userId: string) => {
    const ids = q.userSessions.all(userId).map((r) => r.id);
    q.deleteUserSessions.run(userId);
    return ids;
  });
  const setUserStatusTx = db.transaction((userId: string, status: UserStatus) => {
    const row = q.userById.get(userId);
    if (!row) return null;
    if (row.status === 'deleted') return toUser(row);
    q.setUserStatus.run(status, userId);
    if (status !== 'active') q.deleteUserSessions.run(userId);
    if (status === 'deleted') {
      q.deleteMemberships.run(userId);
      q.setAway.run(userId);
    }
    return toUser(q.userById.get(userId) as UserRow);
  });

  const storage: Storage = {
    ...sqliteSupport(db),
    ...sqliteModeration(db),
    ...sqliteDms(db),
    name: 'sqlite',
    async describe() {
      return {
        file: options.file,
        journal_mode: String(db.pragma('journal_mode', { simple: true })),
        synchronous: `${actual} (${synchronousPromise[actual]})`,
      };
    },
    async close() {
      if (db.open) db.close();
    },

    async append(inputs) {
      return appendAll.immediate(inputs);
    },
    async readAfter(stream, afterSeq, limit) {
      return q.readAfter.all(stream, afterSeq, limit).map(toEntry);
    },
    async readBefore(stream, beforeSeq, limit) {
      const rows = q.readBefore.all(stream, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit);
      return rows.reverse().map(toEntry);
    },
    async head(stream) {
      return q.head.get(stream)?.head ?? 0;
    },

    async markRead(userId, stream, seq) {
      q.markRead.run({ userId, stream, seq });
      return q.readSeq.get(userId, stream)?.seq ?? 0;
    },
    async readPositions(stream) {
      return q.readPositions.all(stream);
    },
    async readPosition(userId, stream) {
      const readSeq = q.readSeq.get(userId, stream)?.seq ?? 0;
      return { readSeq, unread: unreadOf(userId, stream, readSeq) };
    },

    async mentionCount(userId, stream, afterSeq) {
      return mentionsOf(userId, stream, afterSeq);
    },
    async setMentions(stream, seq, senderId, mentions) {
      setMentionsTx.immediate(stream, seq, senderId, mentions);
    },
    async membersByKeys(roomId, keys) {
      if (keys.length === 0) return [];
      return q.membersByKeys.all(roomId, JSON.stringify(keys));
    },
    async searchMembers(roomId, prefix, limit) {
      return q.searchMembers.all({ roomId, prefix, limit });
    },

    async createUser(input) {
      return createUserTx.immediate(input);
    },
    async userByKey(key) {
      const row = q.userByKey.get(key);
      return row ? ({ ...toUser(row), passwordHash: row.password_hash } as UserWithSecret) : null;
    },
    async userById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : null;
    },

    async createSession(input) {
      const id = randomId();
      q.insertSession.run({ ...input, id, createdAt: Date.now() });
      return id;
    },
    async sessionByTokenHash(tokenHash, now): Promise<AuthSession | null> {
      const row = q.sessionByHash.get(tokenHash, now);
      return row ? { sessionId: row.session_id, user: toUser(row), expiresAt: row.expires_at } : null;
    },
    async deleteSession(sessionId) {
      q.deleteSession.run(sessionId);
    },
    async deleteUserSessions(userId) {
      return deleteUserSessionsTx.immediate(userId);
    },
    async setUserStatus(userId, status) {
      return setUserStatusTx.immediate(userId, status);
    },

    async createRoom(input): Promise<Room> {
      const room = {
        id: input.id ?? randomId(9),
        title: input.title,
        topic: input.topic,
        kind: input.kind ?? 'public',
        createdAt: Date.now(),
      };
      q.insertRoom.run({ ...room, createdBy: input.createdBy });
      return room;
    },
    async roomById(id) {
      const row = q.roomById.get(id);
      return row ? toRoom(row) : null;
    },
    async countRooms() {
      return (q.countRooms.get() as { n: number }).n;
    },
    async listRooms(userId): Promise<RoomSummary[]> {
      return q.listRooms.all({ userId }).map((row) => ({
        ...toRoom(row),
        memberCount: row.member_count,
        joined: row.role !== null,
        role: row.role,
        head: row.head,
        readSeq: row.read_seq,
        unread: row.role !== null ? unreadOf(userId, `room:${row.id}`, row.read_seq) : 0,
        mentions: row.role !== null ? mentionsOf(userId, `room:${row.id}`, row.read_seq) : 0,
      }));
    },
    async joinRoom(roomId, userId, role = 'member') {
      return q.join.run(roomId, userId, Date.now(), role).changes > 0;
    },
    async leaveRoom(roomId, userId) {
      return q.leave.run(roomId, userId).changes > 0;
    },
    async isMember(roomId, userId) {
      return q.isMember.get(roomId, userId) !== undefined;
    },
    async memberRole(roomId, userId) {
      return q.memberRole.get(roomId, userId)?.role ?? null;
    },
    async setMemberRole(roomId, userId, role) {
      return q.setMemberRole.run(role, roomId, userId).changes > 0;
    },

    async createApiKey(input) {
      const createdAt = Date.now();
      q.insertKey.run({ ...input, scopes: JSON.stringify(input.scopes), createdAt });
      return {
        id: input.id,
        name: input.name,
        scopes: input.scopes,
        createdAt,
        revokedAt: null,
        lastUsedAt: null,
      };
    },
    async apiKeyById(id) {
      const row = q.keyById.get(id);
      return row ? toApiKey(row) : null;
    },
    async listApiKeys() {
      return q.listKeys.all().map((row) => publicKey(toApiKey(row)));
    },
    async revokeApiKey(id, at) {
      return q.revokeKey.run(at, id).changes > 0;
    },
    async touchApiKey(id, at) {
      q.touchKey.run(at, id);
    },

    async createJob(input): Promise<Job> {
      const now = Date.now();
      q.insertJob.run({ ...input, now });
      return toJob(q.jobById.get(input.id) as JobRow);
    },
    async jobById(id) {
      const row = q.jobById.get(id);
      return row ? toJob(row) : null;
    },
    async updateJob(id, patch) {
      const row = q.jobById.get(id);
      if (!row) return null;
      const job = toJob(row);
      if (job.status !== 'running') return job;
      q.updateJob.run({ id, ...jobColumns(patched(job, patch, Date.now())) });
      return toJob(q.jobById.get(id) as JobRow);
    },
    async listJobs(userId, since, limit) {
      return q.listJobs.all(userId, since, limit).map(toJob);
    },
  };
  return storage;
}

function migrate(db: Database.Database, log: Logger | undefined): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > sqliteMigrations.length) {
    throw new Error(
      `the database is at schema version ${current}, newer than this build knows ` +
        `(${sqliteMigrations.length}); run a newer Switchboard or restore a backup`,
    );
  }
  for (let version = current; version < sqliteMigrations.length; version++) {
    db.transaction(() => {
      const migration = sqliteMigrations[version] as SqliteMigration;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db, log);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
