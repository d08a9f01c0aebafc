/**
 * Storage on PostgreSQL through node-postgres, for several Switchboard processes sharing one
 * database. It behaves as `sqlite.ts` does: both run `tests/contracts/storage.contract.ts`.
 *
 * NOTE: durability. With `synchronous_commit=on` (PostgreSQL's default) a COMMIT returns only after
 * its WAL record is flushed, so an acknowledged message survives a crash of either process or of
 * the database host; `describe()` reports the level in force.
 *
 * @example
 * const storage = await openPostgresStorage({ url: 'postgres://switchboard@db:5432/switchboard' });
 */
import { Client, DatabaseError, escapeIdentifier, Pool, type PoolClient, TypeOverrides } from 'pg';
import { ROOM_MENTION } from '../../shared/mentions.js';
import { randomId } from '../ids.js';
import { createLogger, errorText, type Logger } from '../log.js';
import { postgresDms } from './postgres-dms.js';
import { classifyPostgresError, createFaultTracker, guardStorage } from './postgres-faults.js';
import { postgresModeration } from './postgres-moderation.js';
import { type PostgresMigration, postgresMigrations } from './postgres-schema.js';
import { postgresSupport } from './postgres-support.js';
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
import {
  type AppendInput,
  type AppendResult,
  type Job,
  type LogEntry,
  MENTION_CAP,
  type Role,
  type Room,
  type RoomMember,
  type RoomRole,
  repeatOf,
  type Storage,
  UNREAD_CAP,
} from './storage.js';

export interface PostgresOptions {
  /** A connection URL, e.g. `postgres://user:password@127.0.0.1:5432/switchboard`. */
  url: string;
  /**
   * A schema of its own, created when missing and put on every pooled connection's search_path
   * (one per test run keeps runs apart). Default: the server's search_path, usually `public`.
   */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** Where to report outages (one line when the database goes away, one when it is back). */
  log?: Logger;
  /**
   * The longest a statement, a connection attempt or a wait for a pooled connection may take
   * before the operation fails with `StorageUnavailableError`; default 5000 ms. A connection that
   * has not answered a query 1 s after that is cut on our side (a stalled network never delivers
   * the server's cancel).
   */
  timeoutMs?: number;
}

/** How much longer than the server's statement_timeout we wait for its answer before cutting. */
const READ_SLACK_MS = 1000;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The first key of the migration advisory lock ("SWMG"); the second is the schema's hash. */
const MIGRATION_LOCK = 0x53574d47;
/** deadlock_detected and serialization_failure: nothing was stored, so the batch can run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const APPEND_ATTEMPTS = 3;

// NOTE: BIGINT (seqs, ms timestamps, count(*)) arrives as a string by default because it may pass
// 2^53. Ours stay far below that, so they are parsed as numbers, for this pool only.
const types = new TypeOverrides();
types.setTypeParser(20, Number);

const sql = {
  // NOTE: seq assignment. Bumping the head with INSERT .. ON CONFLICT DO UPDATE takes the stream
  // row's lock until the transaction ends, so appends to one stream are serialized across every
  // process: the transaction that got seq N+1 could only bump after seq N's transaction committed.
  // A reader following the log therefore never sees N+1 before N, and seqs are gap-free.
  // The log insert shares the statement, and a (sender, clientMsgId) that already exists, in this
  // transaction or one that committed while we waited for it, is left alone by DO NOTHING; the
  // caller then gives the seq back (it still holds the row lock, so nobody saw it) and reads the
  // winner. That replaces a SAVEPOINT per input: a batch is up to 512 inputs, and more than 64
  // subtransactions in one transaction overflow PostgreSQL's per-backend cache and slow every
  // snapshot on the server; it also saves two round trips per input.
  appendOne: `
    WITH bumped AS (
      INSERT INTO streams (stream, head) VALUES ($1, 1)
      ON CONFLICT (stream) DO UPDATE SET head = streams.head + 1
      RETURNING head
    )
    INSERT INTO log (stream, seq, id, ts, sender_id, sender_name, client_msg_id, kind, body)
    SELECT $1, bumped.head, $2, $3, $4, $5, $6, $7, $8 FROM bumped
    ON CONFLICT ON CONSTRAINT log_sender_client_msg DO NOTHING
    RETURNING seq`,
  giveBackSeq: 'UPDATE streams SET head = head - 1 WHERE stream = $1',
  // NOTE: a batch may touch several streams. Locking their rows up front, in one fixed order,
  // means two processes' batches cannot deadlock on each other's stream rows (each would otherwise
  // wait a full deadlock_timeout before one is aborted and retried).
  lockStreams: `
    INSERT INTO streams (stream, head)
    SELECT s, 0 FROM unnest($1::text[]) AS s ORDER BY s COLLATE "C"
    ON CONFLICT (stream) DO UPDATE SET head = streams.head`,
  byClient: 'SELECT * FROM log WHERE sender_id = $1 AND client_msg_id = $2',
  // Every stored entry among a batch's (sender, clientMsgId) pairs, in one round trip.
  byClients: `
    SELECT l.* FROM log l
    JOIN unnest($1::text[], $2::text[]) AS k(sender_id, client_msg_id) USING (sender_id, client_msg_id)`,
  readAfter: 'SELECT * FROM log WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3',
  readBefore: 'SELECT * FROM log WHERE stream = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
  head: 'SELECT head FROM streams WHERE stream = $1',
  markRead: `
    INSERT INTO read_positions (user_id, stream, seq)
    VALUES ($1, $2, LEAST($3::bigint, coalesce((SELECT head FROM streams WHERE stream = $2), 0)))
    ON CONFLICT (user_id, stream) DO UPDATE SET seq = GREATEST(read_positions.seq, excluded.seq)
    RETURNING seq`,
  readPositions:
    'SELECT user_id AS "userId", seq FROM read_positions WHERE stream = $1 ORDER BY user_id COLLATE "C"',
  readPosition: `
    WITH p AS (
      SELECT coalesce((SELECT seq FROM read_positions WHERE user_id = $1 AND stream = $2), 0) AS read_seq
    )
    SELECT p.read_seq,
      (SELECT count(*) FROM (SELECT 1 FROM log l WHERE l.stream = $2 AND l.seq > p.read_seq AND l.sender_id <> $1
        LIMIT ${UNREAD_CAP}) capped) AS unread
    FROM p`,
  insertMentions: `
    INSERT INTO mentions (user_id, stream, seq, sender_id)
    SELECT DISTINCT unnest($1::text[]), $2::text, $3::bigint, $4::text
    ON CONFLICT DO NOTHING`,
  deleteMentions: 'DELETE FROM mentions WHERE stream = $1 AND seq = $2',
  // Two probes of the primary key: the user's own rows, and @room's from others.
  mentionCount: `
    SELECT count(*) AS n FROM (
      (SELECT 1 FROM mentions WHERE user_id = $1 AND stream = $2 AND seq > $3)
      UNION ALL
      (SELECT 1 FROM mentions WHERE user_id = '${ROOM_MENTION}' AND stream = $2 AND seq > $3 AND sender_id <> $1)
      LIMIT ${MENTION_CAP}) capped`,
  membersByKeys: `
    SELECT u.id, u.username, m.role FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = $1 AND u.username_key = ANY($2::text[])`,
  searchMembers: `
    SELECT u.id, u.username, m.role FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = $1 AND substr(u.username_key, 1, length($2)) = $2
    ORDER BY u.username_key COLLATE "C", u.id COLLATE "C" LIMIT $3`,
  // NOTE: the first user ever is the admin. SHARE ROW EXCLUSIVE conflicts with itself and with
  // row writes, so concurrent sign-ups (from any process) take turns and each sees every user
  // committed before it; reads and foreign-key checks on users are not blocked.
  lockUsers: 'LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE',
  insertUser: `
    INSERT INTO users (id, username, username_key, password_hash, role, created_at)
    SELECT $1, $2, $3, $4, CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'user' ELSE 'admin' END, $5
    ON CONFLICT (username_key) DO NOTHING
    RETURNING role`,
  // Under the users lock, so no sign-up can add a skeleton between this look and the insert; the
  // primary key would refuse it anyway.
  skeletonTaken: 'SELECT 1 AS one FROM username_skeletons WHERE skeleton = ANY($1::text[]) LIMIT 1',
  insertSkeletons:
    'INSERT INTO username_skeletons (skeleton, user_id) SELECT DISTINCT unnest($1::text[]), $2::text',
  userByKey: 'SELECT * FROM users WHERE username_key = $1',
  userById: 'SELECT * FROM users WHERE id = $1',
  insertSession: `
    INSERT INTO sessions (id, token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
  sessionByHash: `
    SELECT s.id AS session_id, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = 'active'`,
  deleteSession: 'DELETE FROM sessions WHERE id = $1',
  deleteUserSessions: 'DELETE FROM sessions WHERE user_id = $1 RETURNING id',
  userForUpdate: 'SELECT * FROM users WHERE id = $1 FOR UPDATE',
  setUserStatus: 'UPDATE users SET status = $2 WHERE id = $1 RETURNING *',
  deleteMemberships: 'DELETE FROM members WHERE user_id = $1',
  setAway: "UPDATE users SET availability = 'away' WHERE id = $1",
  insertRoom:
    'INSERT INTO rooms (id, title, topic, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
  roomById: 'SELECT id, title, topic, kind, created_at FROM rooms WHERE id = $1',
  countRooms: 'SELECT count(*) AS n FROM rooms',
  // One statement, so every room's numbers come from one snapshot (and one round trip).
  listRooms: `
    SELECT r.id, r.title, r.topic, r.kind, r.created_at, x.member_count, x.role, x.head, x.read_seq,
      CASE WHEN x.role IS NOT NULL THEN
        (SELECT count(*) FROM (SELECT 1 FROM log l
         WHERE l.stream = 'room:' || r.id AND l.seq > x.read_seq AND l.sender_id <> $1
         LIMIT ${UNREAD_CAP}) capped)
      ELSE 0 END AS unread,
      CASE WHEN x.role IS NOT NULL THEN
        (SELECT count(*) FROM (
          (SELECT 1 FROM mentions n WHERE n.user_id = $1 AND n.stream = 'room:' || r.id AND n.seq > x.read_seq)
          UNION ALL
          (SELECT 1 FROM mentions n WHERE n.user_id = '${ROOM_MENTION}' AND n.stream = 'room:' || r.id
             AND n.seq > x.read_seq AND n.sender_id <> $1)
          LIMIT ${MENTION_CAP}) capped)
      ELSE 0 END AS mentions
    FROM rooms r CROSS JOIN LATERAL (
      SELECT
        (SELECT count(*) FROM members m WHERE m.room_id = r.id) AS member_count,
        (SELECT m.role FROM members m WHERE m.room_id = r.id AND m.user_id = $1) AS role,
        coalesce((SELECT head FROM streams s WHERE s.stream = 'room:' || r.id), 0) AS head,
        coalesce((SELECT seq FROM read_positions p
                  WHERE p.user_id = $1 AND p.stream = 'room:' || r.id), 0) AS read_seq
    ) x
    WHERE r.kind = 'public' OR x.role IS NOT NULL
    ORDER BY r.created_at, r.id COLLATE "C"`,
  join: 'INSERT INTO members (room_id, user_id, joined_at, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
  memberRole: 'SELECT role FROM members WHERE room_id = $1 AND user_id = $2',
  setMemberRole: 'UPDATE members SET role = $3 WHERE room_id = $1 AND user_id = $2',
  leave: 'DELETE FROM members WHERE room_id = $1 AND user_id = $2',
  isMember: 'SELECT 1 AS one FROM members WHERE room_id = $1 AND user_id = $2',
  insertKey: `
    INSERT INTO api_keys (id, name, secret_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  keyById: 'SELECT * FROM api_keys WHERE id = $1',
  listKeys: 'SELECT * FROM api_keys ORDER BY created_at DESC, id COLLATE "C"',
  revokeKey: 'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
  touchKey: 'UPDATE api_keys SET last_used_at = $1 WHERE id = $2',
  insertJob: `
    INSERT INTO jobs (id, user_id, title, status, percent, message, created_at, updated_at)
    VALUES ($1, $2, $3, 'running', 0, '', $4, $4) RETURNING *`,
  jobById: 'SELECT * FROM jobs WHERE id = $1',
  // NOTE: the status guard makes "a finished job never changes" hold under concurrency: a late
  // progress update that read the job before it finished updates nothing.
  updateJob: `
    UPDATE jobs SET status = $2, percent = $3, message = $4, result = $5, error = $6, updated_at = $7
    WHERE id = $1 AND status = 'running'`,
  listJobs: `
    SELECT * FROM jobs WHERE user_id = $1 AND updated_at >= $2 ORDER BY updated_at DESC, id COLLATE "C" LIMIT $3`,
  facts: `
    SELECT current_setting('server_version') AS server_version, current_database() AS database,
      current_schema() AS schema, current_setting('synchronous_commit') AS synchronous_commit`,
};

export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(
      `schema ${JSON.stringify(schema.slice(0, 80))} is not a plain name; use 1 to 63 of a-z, 0-9 and _, ` +
        'not starting with a digit',
    );
  }
  const poolSize = options.poolSize ?? 10;
  const timeoutMs = options.timeoutMs ?? 5000;
  const log = options.log ?? createLogger('silent');
  const pool = new Pool({
    connectionString: options.url,
    max: poolSize,
    connectionTimeoutMillis: timeoutMs,
    // NOTE: three timeouts, because a database can fail in three ways. A statement stuck behind a
    // lock is cancelled by the server (statement_timeout). A network that stops carrying bytes
    // never delivers that cancel, so we stop waiting a little later (query_timeout) and discard
    // the connection. And a backend whose client vanished mid-transaction would hold its stream
    // row lock, blocking every append to that stream, until TCP noticed (hours):
    // idle_in_transaction_session_timeout ends it. Our transactions never idle between statements.
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + READ_SLACK_MS,
    idle_in_transaction_session_timeout: timeoutMs,
    keepAlive: true,
    types,
    // NOTE: set per connection before the pool hands it out (and awaited), rather than as a
    // start-up `options` parameter, which an `?options=` in the URL would silently replace.
    ...(schema === undefined
      ? {}
      : {
          onConnect: async (client) => {
            await client.query(`SET search_path TO ${escapeIdentifier(schema)}`);
          },
        }),
  });
  const poolFull = () => pool.totalCount >= poolSize && pool.idleCount === 0;
  const classify = (err: unknown) => classifyPostgresError(err, poolFull());
  const faults = createFaultTracker(log);
  // An idle connection that the server drops emits here (pg-pool then discards it); without a
  // listener it would crash us. A restart drops every idle connection: one outage, one line.
  pool.on('error', (err) => {
    const fault = classify(err);
    if (fault) faults.failed(fault, err);
    else log.warn('storage.idle_connection_error', { error: errorText(err) });
  });

  try {
    await migrate(options.url, schema, timeoutMs, options.log);
  } catch (err) {
    await pool.end().catch(() => {});
    throw startError(options.url, err);
  }

  const transaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // A checked-out client whose connection dies emits 'error' as well as failing its query;
    // unheard, that event would be an uncaught exception.
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (classify(err) === 'down') {
        // The connection is gone or stalled: a ROLLBACK would only wait out another timeout. The
        // server rolls back when the session ends (or idle_in_transaction_session_timeout ends it).
        broken = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
      // A connection that cannot even roll back is discarded rather than returned to the pool.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  };

  const appendOne = async (client: PoolClient, input: AppendInput): Promise<AppendResult> => {
    const id = randomId();
    const ts = Date.now();
    const inserted = await client.query<{ seq: number }>(sql.appendOne, [
      input.stream,
      id,
      ts,
      input.senderId,
      input.senderName,
      input.clientMsgId,
      input.kind,
      input.body,
    ]);
    const created = inserted.rows[0];
    if (created) {
      if (input.mentions && input.mentions.length > 0) {
        await client.query(sql.insertMentions, [input.mentions, input.stream, created.seq, input.senderId]);
      }
      const entry: LogEntry = {
        stream: input.stream,
        seq: created.seq,
        id,
        ts,
        senderId: input.senderId,
        senderName: input.senderName,
        clientMsgId: input.clientMsgId,
        kind: input.kind,
        body: input.body,
      };
      return { status: 'created', entry };
    }
    await client.query(sql.giveBackSeq, [input.stream]);
    const existing = (await client.query<LogRow>(sql.byClient, [input.senderId, input.clientMsgId])).rows[0];
    if (!existing) {
      throw new Error(`append: (${input.senderId}, ${input.clientMsgId}) conflicted, yet no entry holds it`);
    }
    return repeatOf(toEntry(existing), input);
  };

  const clientKey = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;

  /**
   * NOTE: read before write. One query finds the inputs that are already stored (retries, or
   * conflicts), and they are answered from it: a stored entry never changes, so a read outside
   * the transaction is as good as one inside. Only the rest take a seq; a batch of nothing but
   * retries opens no transaction and writes nothing. A retry committed by another process
   * between this read and the insert is still caught by the insert's DO NOTHING.
   */
  const appendBatch = async (inputs: readonly AppendInput[]): Promise<AppendResult[]> => {
    const found = await rows<LogRow>(sql.byClients, [
      inputs.map((input) => input.senderId),
      inputs.map((input) => input.clientMsgId),
    ]);
    const stored = new Map(found.map((row) => [clientKey(row.sender_id, row.client_msg_id), toEntry(row)]));
    const results: (AppendResult | undefined)[] = inputs.map((input) => {
      const entry = stored.get(clientKey(input.senderId, input.clientMsgId));
      return entry ? repeatOf(entry, input) : undefined;
    });
    const fresh = inputs.filter((_, i) => results[i] === undefined);
    if (fresh.length === 0) return results as AppendResult[];
    const created = await transaction(async (client) => {
      const streams = [...new Set(fresh.map((input) => input.stream))];
      if (streams.length > 1) await client.query(sql.lockStreams, [streams]);
      const out: AppendResult[] = [];
      for (const input of fresh) out.push(await appendOne(client, input));
      return out;
    });
    let next = 0;
    return results.map((result) => result ?? (created[next++] as AppendResult));
  };

  const rows = async <R extends object>(text: string, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R & Record<string, unknown>>(text, values)).rows;

  let closing: Promise<void> | null = null;

  const storage: Storage = {
    ...postgresSupport(pool),
    ...postgresModeration(pool, transaction),
    ...postgresDms(pool, transaction),
    name: 'postgres',
    async describe() {
      const [facts] = await rows<Record<string, string | null>>(sql.facts);
      return {
        engine: 'postgres',
        server_version: String(facts?.server_version),
        database: String(facts?.database),
        schema: String(facts?.schema),
        synchronous_commit: String(facts?.synchronous_commit),
        pool_max: String(poolSize),
        timeout_ms: String(timeoutMs),
      };
    },
    async close() {
      closing ??= pool.end();
      await closing;
    },

    async append(inputs) {
      if (inputs.length === 0) return [];
      for (let attempt = 1; ; attempt++) {
        try {
          return await appendBatch(inputs);
        } catch (err) {
          const retryable = err instanceof DatabaseError && RETRYABLE.has(err.code ?? '');
          if (!retryable || attempt >= APPEND_ATTEMPTS) throw err;
        }
      }
    },
    async readAfter(stream, afterSeq, limit) {
      return (await rows<LogRow>(sql.readAfter, [stream, afterSeq, limit])).map(toEntry);
    },
    async readBefore(stream, beforeSeq, limit) {
      const found = await rows<LogRow>(sql.readBefore, [stream, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit]);
      return found.reverse().map(toEntry);
    },
    async head(stream) {
      return (await rows<{ head: number }>(sql.head, [stream]))[0]?.head ?? 0;
    },

    async markRead(userId, stream, seq) {
      return (await rows<{ seq: number }>(sql.markRead, [userId, stream, seq]))[0]?.seq ?? 0;
    },
    async readPositions(stream) {
      return rows<{ userId: string; seq: number }>(sql.readPositions, [stream]);
    },
    async readPosition(userId, stream) {
      const [row] = await rows<{ read_seq: number; unread: number }>(sql.readPosition, [userId, stream]);
      return { readSeq: row?.read_seq ?? 0, unread: row?.unread ?? 0 };
    },

    async mentionCount(userId, stream, afterSeq) {
      return (await rows<{ n: number }>(sql.mentionCount, [userId, stream, afterSeq]))[0]?.n ?? 0;
    },
    async setMentions(stream, seq, senderId, mentions) {
      await transaction(async (client) => {
        await client.query(sql.deleteMentions, [stream, seq]);
        if (mentions.length > 0) await client.query(sql.insertMentions, [mentions, stream, seq, senderId]);
      });
    },
    async membersByKeys(roomId, keys) {
      if (keys.length === 0) return [];
      return rows<RoomMember>(sql.membersByKeys, [roomId, keys]);
    },
    async searchMembers(roomId, prefix, limit) {
      return rows<RoomMember>(sql.searchMembers, [roomId, prefix, limit]);
    },

    async createUser(input) {
      return transaction(async (client) => {
        await client.query(sql.lockUsers);
        if ((await client.query(sql.userByKey, [input.usernameKey])).rowCount)
          return { status: 'taken' as const };
        if ((await client.query(sql.skeletonTaken, [input.usernameSkeletons])).rowCount) {
          return { status: 'confusable' as const };
        }
        const id = randomId();
        const createdAt = Date.now();
        const { rows: inserted } = await client.query<{ role: Role }>(sql.insertUser, [
          id,
          input.username,
          input.usernameKey,
          input.passwordHash,
          createdAt,
        ]);
        const role = inserted[0]?.role;
        if (role === undefined) return { status: 'taken' as const };
        await client.query(sql.insertSkeletons, [input.usernameSkeletons, id]);
        return {
          status: 'created' as const,
          user: { id, username: input.username, role, status: 'active' as const, createdAt },
        };
      });
    },
    async userByKey(key) {
      const [row] = await rows<UserRow>(sql.userByKey, [key]);
      return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
    },
    async userById(id) {
      const [row] = await rows<UserRow>(sql.userById, [id]);
      return row ? toUser(row) : null;
    },

    async createSession(input) {
      const id = randomId();
      await pool.query(sql.insertSession, [id, input.tokenHash, input.userId, input.expiresAt, Date.now()]);
      return id;
    },
    async sessionByTokenHash(tokenHash, now) {
      const [row] = await rows<UserRow & { session_id: string; expires_at: number }>(sql.sessionByHash, [
        tokenHash,
        now,
      ]);
      return row ? { sessionId: row.session_id, user: toUser(row), expiresAt: row.expires_at } : null;
    },
    async deleteSession(sessionId) {
      await pool.query(sql.deleteSession, [sessionId]);
    },
    async deleteUserSessions(userId) {
      return (await rows<{ id: string }>(sql.deleteUserSessions, [userId])).map((r) => r.id);
    },
    async setUserStatus(userId, status) {
      return transaction(async (client) => {
        const current = (await client.query<UserRow>(sql.userForUpdate, [userId])).rows[0];
        if (!current) return null;
        if (current.status === 'deleted') return toUser(current);
        const updated = (await client.query<UserRow>(sql.setUserStatus, [userId, status])).rows[0] as UserRow;
        if (status !== 'active') await client.query(sql.deleteUserSessions, [userId]);
        if (status === 'deleted') {
          await client.query(sql.deleteMemberships, [userId]);
          await client.query(sql.setAway, [userId]);
        }
        return toUser(updated);
      });
    },

    async createRoom(input): Promise<Room> {
      const room = {
        id: input.id ?? randomId(9),
        title: input.title,
        topic: input.topic,
        kind: input.kind ?? 'public',
        createdAt: Date.now(),
      };
      await pool.query(sql.insertRoom, [
        room.id,
        room.title,
        room.topic,
        room.kind,
        input.createdBy,
        room.createdAt,
      ]);
      return room;
    },
    async roomById(id) {
      const [row] = await rows<RoomRow>(sql.roomById, [id]);
      return row ? toRoom(row) : null;
    },
    async countRooms() {
      return (await rows<{ n: number }>(sql.countRooms))[0]?.n ?? 0;
    },
    async listRooms(userId) {
      const found = await rows<
        RoomRow & {
          member_count: number;
          role: RoomRole | null;
          head: number;
          read_seq: number;
          unread: number;
          mentions: number;
        }
      >(sql.listRooms, [userId]);
      return found.map((row) => ({
        ...toRoom(row),
        memberCount: row.member_count,
        joined: row.role !== null,
        role: row.role,
        head: row.head,
        readSeq: row.read_seq,
        unread: row.unread,
        mentions: row.mentions,
      }));
    },
    async joinRoom(roomId, userId, role = 'member') {
      return ((await pool.query(sql.join, [roomId, userId, Date.now(), role])).rowCount ?? 0) > 0;
    },
    async leaveRoom(roomId, userId) {
      return ((await pool.query(sql.leave, [roomId, userId])).rowCount ?? 0) > 0;
    },
    async isMember(roomId, userId) {
      return (await rows(sql.isMember, [roomId, userId])).length > 0;
    },
    async memberRole(roomId, userId) {
      return (await rows<{ role: RoomRole }>(sql.memberRole, [roomId, userId]))[0]?.role ?? null;
    },
    async setMemberRole(roomId, userId, role) {
      return ((await pool.query(sql.setMemberRole, [roomId, userId, role])).rowCount ?? 0) > 0;
    },

    async createApiKey(input) {
      const createdAt = Date.now();
      await pool.query(sql.insertKey, [
        input.id,
        input.name,
        input.secretHash,
        JSON.stringify(input.scopes),
        input.createdBy,
        createdAt,
      ]);
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
      const [row] = await rows<ApiKeyRow>(sql.keyById, [id]);
      return row ? toApiKey(row) : null;
    },
    async listApiKeys() {
      return (await rows<ApiKeyRow>(sql.listKeys)).map((row) => publicKey(toApiKey(row)));
    },
    async revokeApiKey(id, at) {
      return ((await pool.query(sql.revokeKey, [at, id])).rowCount ?? 0) > 0;
    },
    async touchApiKey(id, at) {
      await pool.query(sql.touchKey, [at, id]);
    },

    async createJob(input): Promise<Job> {
      const [row] = await rows<JobRow>(sql.insertJob, [input.id, input.userId, input.title, Date.now()]);
      return toJob(row as JobRow);
    },
    async jobById(id) {
      const [row] = await rows<JobRow>(sql.jobById, [id]);
      return row ? toJob(row) : null;
    },
    async updateJob(id, patch) {
      const [row] = await rows<JobRow>(sql.jobById, [id]);
      if (!row) return null;
      const job = toJob(row);
      if (job.status !== 'running') return job;
      const c = jobColumns(patched(job, patch, Date.now()));
      await pool.query(sql.updateJob, [id, c.status, c.percent, c.message, c.result, c.error, c.updatedAt]);
      const [after] = await rows<JobRow>(sql.jobById, [id]);
      return toJob(after as JobRow);
    },
    async listJobs(userId, since, limit) {
      return (await rows<JobRow>(sql.listJobs, [userId, since, limit])).map(toJob);
    },
  };
  return guardStorage(storage, classify, faults);
}

const ignore = () => {};

/**
 * Creates the schema if asked for one and runs the pending migrations, each in its own
 * transaction, holding a session advisory lock so that processes starting together take turns:
 * the second finds the work done.
 */
async function migrate(
  url: string,
  schema: string | undefined,
  timeoutMs: number,
  log: Logger | undefined,
): Promise<void> {
  // NOTE: its own connection, without the pool's statement timeouts: a migration may rewrite a
  // large table, and a process starting beside a migrating one waits on the advisory lock.
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, keepAlive: true });
  client.on('error', ignore);
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`SET search_path TO ${escapeIdentifier(schema)}`);
    const target =
      schema ??
      (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ??
      'public';
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK, target]);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const current =
      (await client.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations'))
        .rows[0]?.v ?? 0;
    if (current > postgresMigrations.length) {
      throw new Error(
        `the database is at schema version ${current}, newer than this build knows ` +
          `(${postgresMigrations.length}); run a newer Switchboard or restore a backup`,
      );
    }
    for (let version = current; version < postgresMigrations.length; version++) {
      await client.query('BEGIN');
      try {
        const migration = postgresMigrations[version] as PostgresMigration;
        if (typeof migration === 'string') await client.query(migration);
        else await migration(client, log);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version + 1,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${version + 1} failed and was rolled back: ${errorText(err)}`, {
          cause: err,
        });
      }
    }
  } finally {
    // Ending the session also releases the advisory lock, whatever state an error left it in.
    await client.end().catch(() => {});
  }
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Names where we tried (never the password) and what to do about it. */
function startError(url: string, err: unknown): Error {
  let where = 'the configured URL';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    // An unparsable URL: pg reports it in the error itself.
  }
  const code = (err as { code?: unknown } | null)?.code;
  const timedOut = err instanceof Error && /timeout/i.test(err.message);
  if ((typeof code === 'string' && NETWORK_ERRORS.has(code)) || timedOut) {
    const detail = typeof code === 'string' ? code : errorText(err);
    return new Error(
      `cannot reach PostgreSQL at ${where} (${detail}); start it, or fix the URL or the network`,
      { cause: err },
    );
  }
  return new Error(`PostgreSQL storage at ${where} could not start: ${errorText(err)}`, { cause: err });
}
