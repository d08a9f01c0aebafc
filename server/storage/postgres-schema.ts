/**
 * Versioned migrations for PostgreSQL, mirroring `sqlite-schema.ts`: the same tables and
 * constraints, with BIGINT for seqs and millisecond timestamps. `schema_migrations` records which
 * have run; each runs in its own transaction at start-up, under an advisory lock so that processes
 * starting together migrate once. Append new migrations; never edit a released one.
 */
export const postgresMigrations: readonly string[] = [
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
  `
  CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
  );
  CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    status     TEXT NOT NULL,
    percent    DOUBLE PRECISION NOT NULL,
    message    TEXT NOT NULL,
    result     TEXT,
    error      TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
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
    created_at      BIGINT NOT NULL
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
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
  );
  CREATE TABLE page_views (
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
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
    created_at       BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    last_seq         BIGINT NOT NULL DEFAULT 0,
    last_preview     TEXT NOT NULL DEFAULT '',
    last_from        TEXT
  );
  CREATE INDEX conversations_by_activity ON conversations(last_activity_at);
  CREATE INDEX conversations_by_visitor ON conversations(visitor_id, last_activity_at);
  CREATE TABLE canned_responses (
    id         TEXT PRIMARY KEY,
    shortcut   TEXT NOT NULL UNIQUE,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  `,
];
