/**
 * The migrations after the first, which SQLite and PostgreSQL share word for word but for their
 * column types. Append new ones here (or per engine, when they must differ); never edit one that
 * was released.
 */
export interface ColumnTypes {
  /** Whole numbers up to 2^53: seqs, millisecond timestamps. */
  int: string;
  real: string;
}

export const sharedMigrations = (t: ColumnTypes): string[] => [
  `
  CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   ${t.int} NOT NULL,
    revoked_at   ${t.int},
    last_used_at ${t.int}
  );
  CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    status     TEXT NOT NULL,
    percent    ${t.real} NOT NULL,
    message    TEXT NOT NULL,
    result     TEXT,
    error      TEXT,
    created_at ${t.int} NOT NULL,
    updated_at ${t.int} NOT NULL
  );
  CREATE INDEX jobs_by_user ON jobs(user_id, updated_at);
  `,
  `
  ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'away';
  CREATE TABLE sites (
    id              TEXT PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    allowed_origins TEXT NOT NULL,
    options         TEXT NOT NULL,
    created_at      ${t.int} NOT NULL
  );
  CREATE TABLE visitors (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    attributes   TEXT NOT NULL DEFAULT '{}',
    user_agent   TEXT NOT NULL DEFAULT '',
    timezone     TEXT NOT NULL DEFAULT '',
    created_at   ${t.int} NOT NULL,
    last_seen_at ${t.int} NOT NULL
  );
  CREATE TABLE page_views (
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    at         ${t.int} NOT NULL,
    url        TEXT NOT NULL,
    title      TEXT NOT NULL
  );
  CREATE INDEX page_views_by_visitor ON page_views(visitor_id, at);
  CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    site_id          TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    visitor_id       TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    status           TEXT NOT NULL,
    assignee_id      TEXT,
    created_at       ${t.int} NOT NULL,
    last_activity_at ${t.int} NOT NULL,
    last_seq         ${t.int} NOT NULL DEFAULT 0,
    last_preview     TEXT NOT NULL DEFAULT '',
    last_from        TEXT
  );
  CREATE INDEX conversations_by_activity ON conversations(last_activity_at);
  CREATE INDEX conversations_by_visitor ON conversations(visitor_id, last_activity_at);
  CREATE TABLE canned_responses (
    id         TEXT PRIMARY KEY,
    shortcut   TEXT NOT NULL UNIQUE,
    text       TEXT NOT NULL,
    created_at ${t.int} NOT NULL
  );
  `,
];

/**
 * Rooms have a kind (public: listed, anyone joins; private: by invitation; dm: a direct message
 * between a fixed set of people) and members a room role. A room's creator owns it.
 */
export const roomKindsAndRoles = `
  ALTER TABLE rooms ADD COLUMN kind TEXT NOT NULL DEFAULT 'public';
  ALTER TABLE members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
  UPDATE members SET role = 'owner'
    WHERE EXISTS (SELECT 1 FROM rooms r WHERE r.id = members.room_id AND r.created_by = members.user_id);
`;

/** Room moderation: bans and mutes, invite links (by hash), and the audit log. */
export const moderationTables = (t: ColumnTypes): string => `
  CREATE TABLE room_sanctions (
    room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    until      ${t.int},
    by_user    TEXT NOT NULL,
    created_at ${t.int} NOT NULL,
    PRIMARY KEY (room_id, user_id, kind)
  );
  CREATE TABLE room_invites (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at ${t.int} NOT NULL,
    expires_at ${t.int},
    revoked_at ${t.int},
    uses       ${t.int} NOT NULL DEFAULT 0
  );
  CREATE INDEX room_invites_by_room ON room_invites(room_id, created_at);
  CREATE TABLE audit_log (
    id             TEXT PRIMARY KEY,
    at             ${t.int} NOT NULL,
    actor_id       TEXT NOT NULL,
    action         TEXT NOT NULL,
    target_user_id TEXT,
    room_id        TEXT,
    details        TEXT NOT NULL
  );
  CREATE INDEX audit_log_by_time ON audit_log(at);
`;

/**
 * The mention index: who each message mentions (a user id, or `room` for everyone), so a room's
 * "2 mentions" is a count of index rows after the reader's position. `sender_id` is kept so that
 * your own `@room` does not count for you.
 */
export const mentionIndex = (t: ColumnTypes): string => `
  CREATE TABLE mentions (
    user_id   TEXT NOT NULL,
    stream    TEXT NOT NULL,
    seq       ${t.int} NOT NULL,
    sender_id TEXT NOT NULL,
    PRIMARY KEY (user_id, stream, seq)
  );
  CREATE INDEX mentions_by_entry ON mentions(stream, seq);
`;

/**
 * Direct messages: one room per set of people, found by its key (the sorted member ids) under a
 * unique index, so two processes opening the same DM at once make one room (other rooms have no
 * key: NULLs never collide). And each user's choice to send read receipts, on by default.
 */
export const directMessages = `
  ALTER TABLE rooms ADD COLUMN dm_key TEXT;
  CREATE UNIQUE INDEX rooms_by_dm_key ON rooms(dm_key);
  ALTER TABLE users ADD COLUMN read_receipts INTEGER NOT NULL DEFAULT 1;
`;
