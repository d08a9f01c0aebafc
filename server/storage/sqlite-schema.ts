/**
 * Versioned migrations for SQLite. `PRAGMA user_version` records how many have run; each runs in
 * its own transaction at start-up. Append new migrations; never edit a released one.
 * A migration is SQL, or a function for what SQL cannot compute (a Unicode skeleton, say).
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import {
  directMessages,
  mentionIndex,
  moderationTables,
  roomKindsAndRoles,
  sharedMigrations,
} from './schema-shared.js';
import { logCollisions, planSkeletons } from './username-skeletons.js';

export type SqliteMigration = string | ((db: Database.Database, log: Logger | undefined) => void);

export const sqliteMigrations: readonly SqliteMigration[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    topic      TEXT NOT NULL DEFAULT '',
    created_by TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE members (
    room_id   TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX members_by_user ON members(user_id);
  -- One row per stream holding its newest seq: appends bump it inside the write transaction,
  -- so seq assignment is serialized and gap-free.
  CREATE TABLE streams (
    stream TEXT PRIMARY KEY,
    head   INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE log (
    stream        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    id            TEXT NOT NULL UNIQUE,
    ts            INTEGER NOT NULL,
    sender_id     TEXT NOT NULL,
    sender_name   TEXT NOT NULL,
    client_msg_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL,
    PRIMARY KEY (stream, seq),
    UNIQUE (sender_id, client_msg_id)
  ) WITHOUT ROWID;
  CREATE TABLE read_positions (
    user_id TEXT NOT NULL,
    stream  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (user_id, stream)
  ) WITHOUT ROWID;
  `,
  ...sharedMigrations({ int: 'INTEGER', real: 'REAL' }),
  // v4: the log as a rowid table, without the unique index on `id` (nothing looks a row up by
  // it; ids are 128 random bits). A WITHOUT ROWID table keeps each row in its (stream, seq) leaf,
  // so a batch of appends to many streams dirtied a page per row in the table and another in the
  // random `id` index; now rows go to the end of the table in arrival order and only the two
  // indexes take one entry each. Measured: a batch of 10 appends to 10 streams went from 74 to
  // 34 µs per message, a batch of 200 from 45 to 18.
  `
  CREATE TABLE log_v4 (
    stream        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    id            TEXT NOT NULL,
    ts            INTEGER NOT NULL,
    sender_id     TEXT NOT NULL,
    sender_name   TEXT NOT NULL,
    client_msg_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL,
    UNIQUE (stream, seq),
    UNIQUE (sender_id, client_msg_id)
  );
  INSERT INTO log_v4 (stream, seq, id, ts, sender_id, sender_name, client_msg_id, kind, body)
    SELECT stream, seq, id, ts, sender_id, sender_name, client_msg_id, kind, body FROM log ORDER BY ts, stream, seq;
  DROP TABLE log;
  ALTER TABLE log_v4 RENAME TO log;
  `,
  // v5 (PostgreSQL v4): an account status. Suspended and deleted accounts sign in nowhere and
  // their sessions stop resolving; a deleted account's row stays for the log's sake.
  `ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';`,
  // v6: no two accounts share a confusable skeleton (auth/confusables.ts): one row per skeleton.
  (db, log) => {
    db.exec(`
      CREATE TABLE username_skeletons (
        skeleton TEXT PRIMARY KEY,
        user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX username_skeletons_by_user ON username_skeletons(user_id);
    `);
    const users = db
      .prepare<[], { id: string; username: string }>('SELECT id, username FROM users ORDER BY created_at, id')
      .all();
    const plan = planSkeletons(users);
    const insert = db.prepare<[string, string]>(
      'INSERT INTO username_skeletons (skeleton, user_id) VALUES (?, ?)',
    );
    for (const { skeleton, userId } of plan.rows) insert.run(skeleton, userId);
    logCollisions(log, plan.collisions);
  },
  // v7: room kinds (public, private, dm) and room roles (owner, moderator, member).
  roomKindsAndRoles,
  // v8: bans and mutes, invite links, the audit log.
  moderationTables({ int: 'INTEGER', real: 'REAL' }),
  // v9: the mention index (who each message mentions), for "2 mentions" in the room list.
  mentionIndex({ int: 'INTEGER', real: 'REAL' }),
  // v10: direct messages (a unique key per set of people) and the read receipts setting.
  directMessages,
];
