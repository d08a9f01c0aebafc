/**
 * Every setting comes from an environment variable; this table is the single list (the README and
 * `--help` print it). A bad value stops start-up with a sentence saying what to change.
 */
import type { HubConfig } from './hub/conn.js';
import type { LogLevel } from './log.js';
import type { SynchronousLevel } from './storage/sqlite.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  webDir: string;
  sqliteSynchronous: SynchronousLevel;
  /** PostgreSQL instead of SQLite, when set. */
  databaseUrl: string | null;
  databaseSchema: string | null;
  /** How long a PostgreSQL statement or connection attempt may take before `unavailable`. */
  databaseTimeoutMs: number;
  /** SIGTERM: the most the drain may take; past it the process exits 1. */
  shutdownTimeoutMs: number;
  /** Redis instead of the in-process broker, when set. */
  redisUrl: string | null;
  redisPrefix: string;
  /** Origins allowed besides the server's own (exact `scheme://host:port`). */
  allowedOrigins: string[];
  trustProxy: boolean;
  logLevel: LogLevel;
  hub: Partial<HubConfig>;
  /** Per-API-key rate on the push and jobs API. */
  pushRate: { burst: number; refillMs: number };
}

export const settings = [
  ['PORT', '3000', 'TCP port to listen on (0 picks a free one)'],
  ['HOST', '127.0.0.1', 'address to bind; 0.0.0.0 to accept connections from other machines'],
  ['DATA_DIR', './data', 'directory holding the SQLite file switchboard.db'],
  ['WEB_DIR', './dist/web', 'the built SPA (npm run build puts it there)'],
  ['SQLITE_SYNCHRONOUS', 'FULL', 'FULL survives power loss; NORMAL only a process crash'],
  ['DATABASE_URL', '', 'postgres://... to store in PostgreSQL instead of SQLite (several processes)'],
  ['DATABASE_SCHEMA', '', 'PostgreSQL schema to use (created if missing); default: the search_path'],
  ['DATABASE_TIMEOUT_MS', '5000', 'longest PostgreSQL statement or connect before a send gets unavailable'],
  ['REDIS_URL', '', 'redis://... to fan out, share presence and rate limits across processes'],
  ['REDIS_PREFIX', 'sb:', 'prefix of every Redis key and channel (deployments can share a Redis)'],
  ['ALLOWED_ORIGINS', '', 'comma-separated extra origins allowed to use cookies (same origin always is)'],
  ['TRUST_PROXY', 'false', 'true behind a reverse proxy: use X-Forwarded-Proto/Host'],
  ['LOG_LEVEL', 'info', 'debug, info, warn, error or silent'],
  ['HEARTBEAT_MS', '25000', 'app-level ping interval; a silent connection is dropped after 2'],
  ['REPLAY_LIMIT', '1000', 'most messages a resume replays before answering resync_required'],
  ['RATE_BURST', '20', 'messages a user may send at once'],
  ['RATE_REFILL_MS', '1000', 'then one more message per this many ms (20 then 10 per 10 s)'],
  ['POLL_HOLD_MS', '25000', 'how long a long-poll is held when there is nothing to deliver'],
  ['PUSH_RATE_BURST', '100', 'push API calls an API key may make at once'],
  ['PUSH_RATE_REFILL_MS', '20', 'then one more call per this many ms (50 per second)'],
  ['SHUTDOWN_TIMEOUT_MS', '10000', 'SIGTERM drain bound: past it the process exits 1 instead of 0'],
] as const;

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name}=${raw} is not a whole number >= ${min}; fix or unset it`);
  }
  return value;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = (name === 'LOG_LEVEL' ? raw.toLowerCase() : raw.toUpperCase()) as T;
  if (!allowed.includes(value)) {
    throw new ConfigError(`${name}=${raw} is not one of ${allowed.join(', ')}`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL; expected ${protocols[0]}//host:port/...`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function origins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new ConfigError(`ALLOWED_ORIGINS entry "${origin}" is not a URL like https://chat.example.com`);
      }
      if (url.origin !== origin) {
        throw new ConfigError(
          `ALLOWED_ORIGINS entry "${origin}" must be exactly scheme://host[:port], like ${url.origin}`,
        );
      }
      return origin;
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env, 'PORT', 3000, 0),
    host: env.HOST || '127.0.0.1',
    dataDir: env.DATA_DIR || './data',
    webDir: env.WEB_DIR || './dist/web',
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['OFF', 'NORMAL', 'FULL', 'EXTRA'], 'FULL'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseSchema: env.DATABASE_SCHEMA || null,
    databaseTimeoutMs: integer(env, 'DATABASE_TIMEOUT_MS', 5000, 100),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: env.REDIS_PREFIX ?? 'sb:',
    allowedOrigins: origins(env.ALLOWED_ORIGINS),
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    pushRate: {
      burst: integer(env, 'PUSH_RATE_BURST', 100, 1),
      refillMs: integer(env, 'PUSH_RATE_REFILL_MS', 20, 1),
    },
    hub: {
      heartbeatMs: integer(env, 'HEARTBEAT_MS', 25_000, 100),
      replayLimit: integer(env, 'REPLAY_LIMIT', 1000, 1),
      pollHoldMs: integer(env, 'POLL_HOLD_MS', 25_000, 100),
      sendRate: {
        burst: integer(env, 'RATE_BURST', 20, 1),
        refillMs: integer(env, 'RATE_REFILL_MS', 1000, 1),
      },
    },
  };
}
