/**
 * Versioned migrations for PostgreSQL, mirroring `sqlite-schema.ts`: the same tables and
 * constraints, with BIGINT for seqs and millisecond timestamps. `schema_migrations` records which
 * have run; each runs in its own transaction at start-up, under an advisory lock so that processes
 * starting together migrate once. Append new migrations; never edit a released one.
 */
import type { ClientBase } from 'pg';
import type { Logger } from '../log.js';
import {
  directMessages,
  mentionIndex,
  moderationTables,
  roomKindsAndRoles,
  sharedMigrations,
} from './schema-shared.js';
import { logCollisions, planSkeletons } from './username-skeletons.js';

/** SQL, or a function for what SQL cannot compute (a Unicode skeleton, say); in the migration's
 * transaction either way. */
export type PostgresMigration = string | ((client: ClientBase, log: Logger | undefined) => Promise<void>);

export const postgresMigrations: readonly PostgresMigration[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
  );
  CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    topic      TEXT NOT NULL DEFAULT '',
    created_by TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE members (
    room_id   TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
  );
  CREATE INDEX members_by_user ON members(user_id);
  -- One row per stream holding its newest seq: appends bump it inside the write transaction, and
  -- the row lock that takes serializes seq assignment per stream, so seqs are gap-free and commit
  -- in order.
  CREATE TABLE streams (
    stream TEXT PRIMARY KEY,
    head   BIGINT NOT NULL
  );
  CREATE TABLE log (
    stream        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    id            TEXT NOT NULL UNIQUE,
    ts            BIGINT NOT NULL,
    sender_id     TEXT NOT NULL,
    sender_name   TEXT NOT NULL,
    client_msg_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL,
    PRIMARY KEY (stream, seq),
    CONSTRAINT log_sender_client_msg UNIQUE (sender_id, client_msg_id)
  );
  CREATE TABLE read_positions (
    user_id TEXT NOT NULL,
    stream  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (user_id, stream)
  );
  `,
  ...sharedMigrations({ int: 'BIGINT', real: 'DOUBLE PRECISION' }),
  // v5 (PostgreSQL v4): an account status. Suspended and deleted accounts sign in nowhere and
  // their sessions stop resolving; a deleted account's row stays for the log's sake.
  `ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';`,
  // v5: no two accounts share a confusable skeleton (auth/confusables.ts): one row per skeleton.
  async (client, log) => {
    await client.query(`
      CREATE TABLE username_skeletons (
        skeleton TEXT PRIMARY KEY,
        user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
      );
      CREATE INDEX username_skeletons_by_user ON username_skeletons(user_id);
    `);
    const { rows } = await client.query<{ id: string; username: string }>(
      'SELECT id, username FROM users ORDER BY created_at, id COLLATE "C"',
    );
    const plan = planSkeletons(rows);
    await client.query(
      'INSERT INTO username_skeletons (skeleton, user_id) SELECT * FROM unnest($1::text[], $2::text[])',
      [plan.rows.map((r) => r.skeleton), plan.rows.map((r) => r.userId)],
    );
    logCollisions(log, plan.collisions);
  },
  // v6: room kinds (public, private, dm) and room roles (owner, moderator, member).
  roomKindsAndRoles,
  // v7: bans and mutes, invite links, the audit log.
  moderationTables({ int: 'BIGINT', real: 'DOUBLE PRECISION' }),
  // v8: the mention index (who each message mentions), for "2 mentions" in the room list.
  mentionIndex({ int: 'BIGINT', real: 'DOUBLE PRECISION' }),
  // v9: direct messages (a unique key per set of people) and the read receipts setting.
  directMessages,
];
