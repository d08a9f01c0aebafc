/**
 * Every setting comes from an environment variable; this table is the single list (the README and
 * `--help` print it). A bad value stops start-up with a sentence saying what to change.
 */
import type { RateRule } from './broker/broker.js';
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
  /** The longest any request waits on Redis before falling back to what this process knows. */
  redisTimeoutMs: number;
  /** Origins allowed besides the server's own (exact `scheme://host:port`). */
  allowedOrigins: string[];
  trustProxy: boolean;
  logLevel: LogLevel;
  hub: Partial<HubConfig>;
  /** Per-API-key rate on the push and jobs API. */
  pushRate: { burst: number; refillMs: number };
  /** Throttles on anonymous and expensive creation, per client address (see http/throttle.ts). */
  throttles: Throttles;
  /** How long a client may take to send a request's headers, the whole request, and idle between. */
  timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /** The address browsers use, like https://chat.example.com: its host is answered, its origin allowed. */
  publicUrl: string | null;
  /** Host names (optionally :port) answered besides PUBLIC_URL's and the localhost names; `*`: any. */
  allowedHosts: string[];
  /** Concurrent connections (sockets, polling tabs) per client address and per account; 0: no cap. */
  caps: { perIp: number; perUser: number };
  /** The article API's sockets (`/path/`) close after this long without a message. */
  idleTimeoutMs: number;
}

export interface Throttles {
  /** Accounts created per address. */
  signup: RateRule;
  /** Password attempts per address; per (account, address) a tenth of the burst. */
  login: RateRule;
  /** Widget visitors and conversations started per address; per site ten times the burst. */
  visitor: RateRule;
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
  ['REDIS_TIMEOUT_MS', '200', 'longest a request waits on Redis; slower means degraded: local fallbacks'],
  ['ALLOWED_ORIGINS', '', 'comma-separated extra origins allowed to use cookies (same origin always is)'],
  ['TRUST_PROXY', 'false', 'true behind a reverse proxy: use X-Forwarded-For/Proto/Host'],
  ['LOG_LEVEL', 'info', 'debug, info, warn, error or silent'],
  ['HEARTBEAT_MS', '25000', 'app-level ping interval; a silent connection is dropped after 2'],
  ['REPLAY_LIMIT', '1000', 'most messages a resume replays before answering resync_required'],
  ['RATE_BURST', '20', 'messages a user may send at once'],
  ['RATE_REFILL_MS', '1000', 'then one more message per this many ms (20 then 10 per 10 s)'],
  ['POLL_HOLD_MS', '25000', 'how long a long-poll is held when there is nothing to deliver'],
  ['PUSH_RATE_BURST', '100', 'push API calls an API key may make at once'],
  ['PUSH_RATE_REFILL_MS', '20', 'then one more call per this many ms (50 per second)'],
  ['SIGNUP_RATE_BURST', '5', 'accounts one address may create at once'],
  ['SIGNUP_RATE_REFILL_MS', '600000', 'then one more per this many ms (one per 10 minutes)'],
  [
    'LOGIN_RATE_BURST',
    '30',
    'password attempts one address may make at once, at any accounts (at one account: a third)',
  ],
  [
    'LOGIN_RATE_REFILL_MS',
    '10000',
    'then one more attempt per this many ms (at one account: three times as long)',
  ],
  ['VISITOR_RATE_BURST', '20', 'widget visitors and conversations one address may start at once'],
  ['VISITOR_RATE_REFILL_MS', '3000', 'then one more per this many ms; a site gets ten times the burst'],
  ['HEADERS_TIMEOUT_MS', '10000', 'a client must send a request’s headers within this'],
  ['REQUEST_TIMEOUT_MS', '30000', 'and the whole request (headers and body) within this'],
  ['KEEP_ALIVE_TIMEOUT_MS', '5000', 'an idle keep-alive connection is closed after this'],
  ['PUBLIC_URL', '', 'the address browsers use (https://chat.example.com): its host is answered'],
  ['ALLOWED_HOSTS', '', 'comma-separated extra Host names to answer (name or name:port; * for any)'],
  ['MAX_CONNECTIONS_PER_IP', '100', 'open sockets and polling tabs per client address (0: no cap)'],
  ['MAX_CONNECTIONS_PER_USER', '20', 'open sockets and polling tabs per account or visitor (0: no cap)'],
  ['HELLO_TIMEOUT_MS', '10000', 'a socket must say hello (on /path/: send anything) within this long'],
  ['IDLE_TIMEOUT_MS', '60000', 'a /path/ socket with no message for this long is closed (0: never)'],
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

function rate(env: NodeJS.ProcessEnv, prefix: string, burst: number, refillMs: number): RateRule {
  return {
    burst: integer(env, `${prefix}_BURST`, burst, 1),
    refillMs: integer(env, `${prefix}_REFILL_MS`, refillMs, 1),
  };
}

function timeouts(env: NodeJS.ProcessEnv): Config['timeouts'] {
  const headersMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100);
  const requestMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100);
  // Node refuses a headers timeout longer than the whole request's.
  if (headersMs > requestMs) {
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS=${headersMs} is longer than REQUEST_TIMEOUT_MS=${requestMs}; the headers are part of the request`,
    );
  }
  return { headersMs, requestMs, keepAliveMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5000, 100) };
}

function publicUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = url(env, 'PUBLIC_URL', ['https:', 'http:']);
  if (raw === null) return null;
  const parsed = new URL(raw);
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    throw new ConfigError(`PUBLIC_URL must be just scheme://host[:port], like ${parsed.origin}`);
  }
  return parsed.origin;
}

function hosts(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((host) => {
      if (host !== '*' && !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
        throw new ConfigError(
          `ALLOWED_HOSTS entry "${host}" is not a host name like chat.example.com or chat.example.com:8080`,
        );
      }
      return host;
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const pub = publicUrl(env);
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
    redisTimeoutMs: integer(env, 'REDIS_TIMEOUT_MS', 200, 10),
    allowedOrigins: [
      ...origins(env.ALLOWED_ORIGINS),
      // The public address is our own origin as the browser sees it, whatever the proxy says.
      ...(pub ? [pub] : []),
    ],
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    pushRate: {
      burst: integer(env, 'PUSH_RATE_BURST', 100, 1),
      refillMs: integer(env, 'PUSH_RATE_REFILL_MS', 20, 1),
    },
    throttles: {
      signup: rate(env, 'SIGNUP_RATE', 5, 600_000),
      login: rate(env, 'LOGIN_RATE', 30, 10_000),
      visitor: rate(env, 'VISITOR_RATE', 20, 3000),
    },
    timeouts: timeouts(env),
    publicUrl: pub,
    allowedHosts: hosts(env.ALLOWED_HOSTS),
    caps: {
      perIp: integer(env, 'MAX_CONNECTIONS_PER_IP', 100, 0),
      perUser: integer(env, 'MAX_CONNECTIONS_PER_USER', 20, 0),
    },
    idleTimeoutMs: integer(env, 'IDLE_TIMEOUT_MS', 60_000, 0),
    hub: {
      heartbeatMs: integer(env, 'HEARTBEAT_MS', 25_000, 100),
      replayLimit: integer(env, 'REPLAY_LIMIT', 1000, 1),
      pollHoldMs: integer(env, 'POLL_HOLD_MS', 25_000, 100),
      helloTimeoutMs: integer(env, 'HELLO_TIMEOUT_MS', 10_000, 100),
      sendRate: {
        burst: integer(env, 'RATE_BURST', 20, 1),
        refillMs: integer(env, 'RATE_REFILL_MS', 1000, 1),
      },
    },
  };
}
