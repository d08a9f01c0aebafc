/**
 * The broker for several Switchboard processes: fan-out over Redis pub/sub, presence and rate
 * limits in Redis keys changed only by Lua scripts (so each change is atomic across processes).
 * Runs `tests/contracts/broker.contract.ts`, as the memory broker does.
 *
 * Keys, all under `keyPrefix`:
 *   ch:<channel>                          pub/sub channel (JSON of a BrokerMessage)
 *   presence:<stream>                     zset userId -> when their last connection expires (ms)
 *   presence-names:<stream>               hash userId -> display name
 *   presence-conns:<bytes>:<stream>:<id>  hash connId -> expiry, one per present user
 *   presence-due                          zset stream -> earliest expiry in it, for the sweep
 *   rate:<key>                            hash {tokens, at}: one token bucket
 *   slots:<key>                           zset connId -> when its connection slot expires (ms)
 *
 * NOTE: times in presence and buckets come from Redis (`TIME` inside the scripts), not from each
 * process, so processes with skewed clocks still agree on what has expired and what has refilled.
 *
 * NOTE: Redis is an accelerator, not a single point of failure. When it is down, or hung (no
 * answer within `timeoutMs`), the broker is degraded (see redis-link.ts) and answers from this
 * process at once: publishes reach this process's subscribers only (delivery is at most once by
 * design; other processes catch up from the log when Redis is back), presence comes from a copy of
 * this process's own entries kept beside Redis, and `consume` from a local bucket. No call waits
 * on Redis longer than `timeoutMs`.
 *
 * @example
 * const broker = createRedisBroker({ url: 'redis://127.0.0.1:6379', keyPrefix: 'sb:', log });
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { UserRef } from '../../shared/protocol.js';
import { errorText, type Logger } from '../log.js';
import type { Broker, BrokerMessage } from './broker.js';
import { decodeBrokerValue } from './decode.js';
import { createMemoryBroker } from './memory.js';
import { type BrokerFaultSink, createRedisLink, type FallbackKind, isTimeout, within } from './redis-link.js';
import { SlotTable } from './slots.js';

export interface RedisBrokerOptions {
  /** e.g. `redis://127.0.0.1:6379`, or `redis://:password@host:6379/0`. */
  url: string;
  /** Put before every key and channel, so that deployments (or test runs) can share one Redis. */
  keyPrefix?: string;
  /** How often expired presence is swept, in ms; default 2000. */
  sweepMs?: number;
  /**
   * The longest a call waits on Redis; a command slower than this makes the broker degraded (it
   * answers locally) until a PING answers again. Default 200 ms.
   */
  timeoutMs?: number;
  /** Outages are reported once each, when they start and when they end. */
  log?: Logger;
  /** Counts outages, fallbacks and time degraded (for /metrics). */
  faults?: BrokerFaultSink;
}

export interface RedisBroker extends Broker {
  /** Resolves once the first connection is up, or after a few seconds without one (start-up). */
  ready(): Promise<void>;
}

/** A Lua script run by EVALSHA, loaded with EVAL when Redis does not have it (yet, or any more). */
interface Script {
  lua: string;
  sha: string;
  keys: number;
}

const script = (keys: number, body: string): Script => {
  const lua = `${LUA_HELPERS}\n${body}`;
  return { lua, sha: createHash('sha1').update(lua).digest('hex'), keys };
};

const LUA_HELPERS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Deletes a user's expired connections; returns the latest live expiry, or 0 when none is left.
local function live_until(conns, now)
  local latest = 0
  local flat = redis.call('HGETALL', conns)
  for i = 1, #flat, 2 do
    local expires = tonumber(flat[i + 1])
    if expires <= now then
      redis.call('HDEL', conns, flat[i])
    elseif expires > latest then
      latest = expires
    end
  end
  return latest
end
-- Files the stream in the due index under its earliest expiry, or drops it when nobody is left.
local function reindex(index, users, names, stream)
  local first = redis.call('ZRANGE', users, 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('ZREM', index, stream)
    redis.call('DEL', names)
  else
    redis.call('ZADD', index, first[2], stream)
  end
end
-- Makes a key live at least ms longer; never shortens its TTL.
local function keep(key, ms)
  local ttl = redis.call('PTTL', key)
  if ttl == -1 or (ttl >= 0 and ttl < ms) then redis.call('PEXPIRE', key, ms) end
end
local function drop_user(users, names, conns, user)
  redis.call('ZREM', users, user)
  redis.call('HDEL', names, user)
  redis.call('DEL', conns)
end`;

/** KEYS users, names, conns, due; ARGV userId, connId, name, ttlMs, graceMs, stream. 1 = first join. */
const JOIN = script(
  4,
  `
local now = now_ms()
local ttl, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
local before = live_until(KEYS[3], now)
redis.call('HSET', KEYS[3], ARGV[2], string.format('%d', now + ttl))
local latest = live_until(KEYS[3], now)
redis.call('ZADD', KEYS[1], string.format('%d', latest), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
keep(KEYS[3], latest - now + grace)
keep(KEYS[1], ttl + grace)
keep(KEYS[2], ttl + grace)
keep(KEYS[4], ttl + grace)
reindex(KEYS[4], KEYS[1], KEYS[2], ARGV[6])
if before == 0 then return 1 end
return 0`,
);

/** KEYS users, names, conns, due; ARGV userId, connId, stream. 1 = that was the last connection. */
const LEAVE = script(
  4,
  `
if redis.call('HDEL', KEYS[3], ARGV[2]) == 0 then return 0 end
local latest = live_until(KEYS[3], now_ms())
if latest > 0 then
  redis.call('ZADD', KEYS[1], string.format('%d', latest), ARGV[1])
  reindex(KEYS[4], KEYS[1], KEYS[2], ARGV[3])
  return 0
end
drop_user(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
reindex(KEYS[4], KEYS[1], KEYS[2], ARGV[3])
return 1`,
);

/** KEYS users, names. Returns [id, name, id, name, ...] of users with a live connection. */
const LIST = script(
  2,
  `
local out = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%d', now_ms()), '+inf')) do
  out[#out + 1] = user
  out[#out + 1] = redis.call('HGET', KEYS[2], user) or ''
end
return out`,
);

/**
 * KEYS due; ARGV keyPrefix, max streams. Removes users whose every connection expired and returns
 * them as [stream, id, name, ...]. The removal and the answer are one atomic step, so when several
 * processes sweep, each expired user is reported by exactly one of them.
 */
const SWEEP = script(
  1,
  `
local now = now_ms()
local prefix = ARGV[1]
local out = {}
for _, stream in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now), 'LIMIT', 0, tonumber(ARGV[2]))) do
  local users = prefix .. 'presence:' .. stream
  local names = prefix .. 'presence-names:' .. stream
  for _, user in ipairs(redis.call('ZRANGEBYSCORE', users, '-inf', string.format('%d', now))) do
    out[#out + 1] = stream
    out[#out + 1] = user
    out[#out + 1] = redis.call('HGET', names, user) or ''
    drop_user(users, names, prefix .. 'presence-conns:' .. #stream .. ':' .. stream .. ':' .. user, user)
  end
  reindex(KEYS[1], users, names, stream)
end
return out`,
);

/**
 * KEYS bucket; ARGV burst, refillMs. Returns 0 when a token was taken, else ms until one is due.
 * The same arithmetic as the memory broker: tokens refill continuously, capped at burst.
 */
const CONSUME = script(
  1,
  `
local now = now_ms()
local burst, refill = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) / refill)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * refill) end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', now))
-- A bucket left alone for burst * refillMs is full again: the same as no bucket at all.
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * refill) + 1000)
return wait`,
);

/**
 * KEYS slot keys; ARGV connId, ttlMs, then one limit per key. Returns 0 when a slot was taken under
 * every key, else the 1-based index of the first full key (and takes nothing).
 */
const ACQUIRE_SLOTS = script(
  0,
  `
local now = now_ms()
local ttl = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', now))
  if not redis.call('ZSCORE', key, ARGV[1]) and redis.call('ZCARD', key) >= tonumber(ARGV[i + 2]) then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, string.format('%d', now + ttl), ARGV[1])
  keep(key, ttl)
end
return 0`,
);

/** KEYS slot keys; ARGV ttlMs, then one connId per key. Renews each (re-adding a lapsed one). */
const RENEW_SLOTS = script(
  0,
  `
local now = now_ms()
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, string.format('%d', now + ttl), ARGV[i + 1])
  keep(key, ttl)
end
return 0`,
);

const SWEEP_LIMIT = 500;
/** How long publishes wait for a SUBSCRIBE in flight before going out anyway. */
const SUBSCRIBE_WAIT_MS = 1_000;
/** How long the first commands wait for the first connection before failing like later ones. */
const FIRST_CONNECT_WAIT_MS = 3_000;
/** Publishes held back at most while waiting (for a connection or a SUBSCRIBE); more are dropped. */
const MAX_HELD_PUBLISHES = 10_000;

const noop = () => {};

const settleWithin = (promise: Promise<unknown>, ms: number): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(noop, noop).finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Where Redis is, for log lines: never the password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured URL';
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const prefix = options.keyPrefix ?? 'switchboard:';
  const sweepMs = options.sweepMs ?? 2_000;
  const graceMs = Math.max(60_000, sweepMs * 10);
  const log = options.log;
  const where = describeUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 200;

  const connection: RedisOptions = {
    connectTimeout: 3_000,
    // Full jitter, capped at one second: many processes reconnecting do not arrive together.
    retryStrategy: (times) => 50 + Math.random() * Math.min(1_000, 50 * 2 ** times),
  };
  // NOTE: commands fail fast while disconnected (no offline queue, one retry) and time out after
  // timeoutMs while connected to a Redis that does not answer, so a caller is never stuck behind
  // an outage; the subscriber keeps ioredis's queue and waits without limit,
  // so a SUBSCRIBE made during an outage is sent when Redis is back (and ioredis resubscribes
  // the channels it had on every reconnect).
  const cmd = new Redis(options.url, {
    ...connection,
    connectionName: 'switchboard-commands',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
  });
  const sub = new Redis(options.url, {
    ...connection,
    connectionName: 'switchboard-subscriber',
    maxRetriesPerRequest: null,
  });

  const channelPrefix = `${prefix}ch:`;
  const usersKey = (stream: string) => `${prefix}presence:${stream}`;
  const namesKey = (stream: string) => `${prefix}presence-names:${stream}`;
  // The stream's length in bytes makes the key unambiguous whatever the stream and user contain.
  const connsKey = (stream: string, userId: string) =>
    `${prefix}presence-conns:${Buffer.byteLength(stream)}:${stream}:${userId}`;
  const dueKey = `${prefix}presence-due`;
  const rateKey = (key: string) => `${prefix}rate:${key}`;

  let closed = false;
  let closing: Promise<void> | null = null;
  const counts = { droppedPublishes: 0, invalidMessages: 0, failedCommands: 0 };

  // --- health and outages ---------------------------------------------------------------------
  let quietUntil = 0;
  const reconnectHandlers: (() => void)[] = [];
  const link = createRedisLink({
    cmd,
    sub,
    where,
    timeoutMs,
    log,
    ...(options.faults ? { faults: options.faults } : {}),
    onBack: () => {
      // Give ioredis a moment to resubscribe the channels before subscribers catch up from the log.
      setTimeout(() => {
        for (const handler of reconnectHandlers) handler();
      }, 250).unref();
    },
  });
  const fellBack = (kind: FallbackKind) => options.faults?.fallback(kind);
  /**
   * A failed command: no answer (in time) makes the broker degraded, reported once by the link;
   * any other failure is logged at most once per 10 s.
   */
  const commandFailed = (event: string, err: unknown) => {
    counts.failedCommands++;
    if (isTimeout(err)) {
      link.failed(`no answer within ${timeoutMs} ms`);
      return;
    }
    if (cmd.status !== 'ready') {
      link.failed(errorText(err));
      return;
    }
    const t = Date.now();
    if (closed || link.downSince !== null || t < quietUntil) return;
    quietUntil = t + 10_000;
    log?.warn(event, { at: where, error: errorText(err) });
  };

  let everReady = false;
  const firstReady = new Promise<void>((resolve) => {
    cmd.once('ready', () => {
      everReady = true;
      resolve();
    });
    setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref();
  });

  /**
   * Runs a script, all of it within timeoutMs; commands made before the first connection wait for
   * it (at start-up only, bounded by FIRST_CONNECT_WAIT_MS; the server awaits `ready()` first).
   */
  const run = async (s: Script, keys: string[], args: (string | number)[]): Promise<unknown> => {
    if (closed) throw new Error('the Redis broker is closed');
    if (!everReady) await firstReady;
    if (!link.usable) {
      throw new Error(`Redis at ${where} is unreachable (${cmd.status}); retry once it is back`);
    }
    const attempt = async () => {
      try {
        return await cmd.evalsha(s.sha, s.keys, ...keys, ...args);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT'))
          return cmd.eval(s.lua, s.keys, ...keys, ...args);
        throw err;
      }
    };
    return within(attempt(), timeoutMs, 'script');
  };

  /**
   * Asks Redis while it answers; otherwise (or when it fails or is too slow) takes `local`'s answer
   * at once. Either way the caller waits at most timeoutMs.
   */
  const orLocal = async <T>(
    kind: FallbackKind,
    event: string,
    remote: () => Promise<T>,
    local: () => Promise<T>,
  ): Promise<T> => {
    if (link.usable || !everReady) {
      try {
        return await remote();
      } catch (err) {
        commandFailed(event, err);
      }
    }
    fellBack(kind);
    return local();
  };

  // --- publish and subscribe ------------------------------------------------------------------
  /** Marks this process's publishes, so it can skip them when Redis echoes them back. */
  const origin = randomBytes(9).toString('base64url');
  const channels = new Map<string, Set<(message: BrokerMessage) => void>>();
  /** Settles once every SUBSCRIBE/UNSUBSCRIBE sent so far has (or has had time to). */
  let subscribed: Promise<unknown> = Promise.resolve();
  let pendingSubscriptions = 0;
  let outbox: Promise<void> = Promise.resolve();
  let held = 0;

  const track = (change: Promise<unknown>) => {
    pendingSubscriptions++;
    const settled = settleWithin(change, SUBSCRIBE_WAIT_MS).finally(() => {
      pendingSubscriptions--;
    });
    subscribed = Promise.all([subscribed, settled]).then(noop);
  };

  const send = (redisChannel: string, payload: string) => {
    if (closed || !link.usable) {
      counts.droppedPublishes++;
      fellBack('publish');
      return;
    }
    cmd.publish(redisChannel, payload).catch((err: unknown) => {
      counts.droppedPublishes++;
      commandFailed('redis_publish_failed', err);
    });
  };

  const deliver = (
    channel: string,
    handlers: Set<(message: BrokerMessage) => void>,
    message: BrokerMessage,
  ) => {
    for (const handler of handlers) {
      try {
        handler(message);
      } catch (err) {
        log?.error('broker_handler_failed', { channel, error: errorText(err) });
      }
    }
  };

  sub.on('message', (redisChannel: string, raw: string) => {
    if (!redisChannel.startsWith(channelPrefix)) return;
    const channel = redisChannel.slice(channelPrefix.length);
    const handlers = channels.get(channel);
    if (!handlers || handlers.size === 0) return;
    const envelope = parseEnvelope(raw);
    // This process's own publishes were delivered here already, before they went to Redis.
    if (envelope?.origin === origin) return;
    const decoded = envelope
      ? decodeBrokerValue(envelope.message)
      : { ok: false as const, reason: 'not an envelope' };
    if (!decoded.ok) {
      counts.invalidMessages++;
      // The first, then every 100th: a flood of bad messages must not become a flood of lines.
      if (counts.invalidMessages % 100 === 1) {
        log?.warn('broker_message_dropped', {
          channel,
          reason: decoded.reason,
          total: counts.invalidMessages,
        });
      }
      return;
    }
    deliver(channel, handlers, decoded.message);
  });

  // --- presence expiry ------------------------------------------------------------------------
  const expiredHandlers: ((stream: string, user: UserRef) => void)[] = [];
  let sweeping = false;
  const sweep = async () => {
    // A process that does not report expiries leaves them to the processes that do.
    if (sweeping || closed || expiredHandlers.length === 0 || !link.usable) return;
    sweeping = true;
    try {
      const flat = await run(SWEEP, [dueKey], [prefix, SWEEP_LIMIT]);
      if (!isStringArray(flat)) throw new Error('the presence sweep returned an unexpected reply');
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const stream = flat[i] as string;
        const user: UserRef = { id: flat[i + 1] as string, name: flat[i + 2] as string };
        for (const handler of expiredHandlers) {
          try {
            handler(stream, user);
          } catch (err) {
            log?.error('presence_expiry_handler_failed', { stream, error: errorText(err) });
          }
        }
      }
    } catch (err) {
      commandFailed('redis_presence_sweep_failed', err);
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(() => void sweep(), sweepMs);
  timer.unref();

  // NOTE: when Redis cannot be asked, `consume` answers from a bucket in this process rather than
  // allowing everything: limits such as login attempts keep protecting, at worst multiplied by
  // the number of processes, until Redis is back. Refusing everything instead would turn a Redis
  // outage into a chat outage. The same local broker keeps a copy of this process's presence
  // entries at all times (it costs a map write), so that when Redis goes away, presence falls
  // back to everyone connected here rather than to nobody.
  const local = createMemoryBroker({ sweepMs });
  local.onPresenceExpired((stream, user) => {
    // While Redis is up its sweep reports expiries, for every process; while it is away, ours do.
    if (link.usable) return;
    for (const handler of expiredHandlers) {
      try {
        handler(stream, user);
      } catch (err) {
        log?.error('presence_expiry_handler_failed', { stream, error: errorText(err) });
      }
    }
  });

  // --- connection slots ------------------------------------------------------------------------
  // NOTE: this process's own slots are mirrored here. While Redis is away (or does not answer
  // within timeoutMs), caps are checked against the mirror alone: a cap per process rather than
  // none, and no upgrade ever waits on an outage for longer than that.
  const mirror = new SlotTable();
  const slotKey = (key: string) => `${prefix}slots:${key}`;
  const slotTimer = setInterval(() => mirror.sweep(), 60_000);
  slotTimer.unref();
  const quit = async (conn: Redis) => {
    if (conn.status === 'ready') await settleWithin(conn.quit(), 1_000);
    conn.disconnect();
  };

  return {
    name: 'redis',

    publish(channel, message) {
      if (closed) return;
      // NOTE: local subscribers get the message at once, from memory, in publish order; Redis
      // carries it to the other processes only. So a Redis outage pauses fan-out between
      // processes, never within one, and local delivery costs no round trip.
      const local = channels.get(channel);
      if (local && local.size > 0) deliver(channel, local, message);
      const redisChannel = channelPrefix + channel;
      let payload: string;
      try {
        payload = JSON.stringify({ o: origin, m: message });
      } catch {
        counts.droppedPublishes++;
        return;
      }
      if ((everReady && pendingSubscriptions === 0 && held === 0) || (everReady && !link.usable)) {
        send(redisChannel, payload);
        return;
      }
      // NOTE: a subscribe() followed by a publish() in this process must see that publish, as
      // with the memory broker; the SUBSCRIBE and the PUBLISH travel on different connections,
      // so publishes wait (in order, briefly) for subscription changes still in flight.
      if (held >= MAX_HELD_PUBLISHES) {
        counts.droppedPublishes++;
        return;
      }
      held++;
      const gate = Promise.all([subscribed, firstReady]);
      outbox = outbox
        .then(() => gate)
        .then(() => {
          held--;
          send(redisChannel, payload);
        });
    },

    subscribe(channel, handler) {
      let handlers = channels.get(channel);
      if (!handlers) {
        handlers = new Set();
        channels.set(channel, handlers);
        track(sub.subscribe(channelPrefix + channel));
      }
      handlers.add(handler);
      const own = handlers;
      return () => {
        if (!own.delete(handler) || own.size > 0 || channels.get(channel) !== own) return;
        channels.delete(channel);
        if (!closed) track(sub.unsubscribe(channelPrefix + channel));
      };
    },

    async presenceJoin(stream, user, connId, ttlMs) {
      const here = await local.presenceJoin(stream, user, connId, ttlMs);
      return orLocal(
        'presence',
        'redis_presence_failed',
        async () =>
          (await run(
            JOIN,
            [usersKey(stream), namesKey(stream), connsKey(stream, user.id), dueKey],
            [user.id, connId, user.name, Math.max(1, Math.ceil(ttlMs)), graceMs, stream],
          )) === 1,
        async () => here,
      );
    },
    async presenceLeave(stream, userId, connId) {
      const here = await local.presenceLeave(stream, userId, connId);
      return orLocal(
        'presence',
        'redis_presence_failed',
        async () =>
          (await run(
            LEAVE,
            [usersKey(stream), namesKey(stream), connsKey(stream, userId), dueKey],
            [userId, connId, stream],
          )) === 1,
        async () => here,
      );
    },
    async presenceList(stream) {
      return orLocal(
        'presence',
        'redis_presence_failed',
        async () => {
          const flat = await run(LIST, [usersKey(stream), namesKey(stream)], []);
          if (!isStringArray(flat)) throw new Error('the presence list returned an unexpected reply');
          const users: UserRef[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2)
            users.push({ id: flat[i] as string, name: flat[i + 1] as string });
          return users;
        },
        () => local.presenceList(stream),
      );
    },
    onPresenceExpired(handler) {
      expiredHandlers.push(handler);
    },

    async consume(key, rule) {
      return orLocal(
        'rate_limit',
        'redis_rate_limit_failed',
        async () => {
          const wait = Number(await run(CONSUME, [rateKey(key)], [rule.burst, rule.refillMs]));
          return wait > 0 ? { ok: false as const, retryAfterMs: wait } : { ok: true as const };
        },
        () => local.consume(key, rule),
      );
    },

    async acquireSlots(claims, connId, ttlMs) {
      if (claims.length === 0) return { ok: true };
      const ttl = Math.max(1, Math.ceil(ttlMs));
      return orLocal(
        'slots',
        'redis_slots_failed',
        async () => {
          const full = Number(
            await run(
              { ...ACQUIRE_SLOTS, keys: claims.length },
              claims.map((c) => slotKey(c.key)),
              [connId, ttl, ...claims.map((c) => c.limit)],
            ),
          );
          if (full > 0) return { ok: false as const, key: (claims[full - 1] as { key: string }).key };
          mirror.put(
            claims.map((c) => c.key),
            connId,
            ttl,
          );
          return { ok: true as const };
        },
        async () => mirror.acquire(claims, connId, ttl),
      );
    },
    async renewSlots(entries, ttlMs) {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const keys: string[] = [];
      const ids: string[] = [];
      for (const entry of entries) {
        mirror.put(entry.keys, entry.connId, ttl);
        for (const key of entry.keys) {
          keys.push(slotKey(key));
          ids.push(entry.connId);
        }
      }
      // In chunks: one script call holds Redis for its whole run.
      for (let i = 0; i < keys.length; i += 500) {
        const chunk = keys.slice(i, i + 500);
        try {
          await run({ ...RENEW_SLOTS, keys: chunk.length }, chunk, [ttl, ...ids.slice(i, i + 500)]);
        } catch (err) {
          commandFailed('redis_slots_failed', err);
          return;
        }
      }
    },
    async releaseSlots(keys, connId) {
      mirror.release(keys, connId);
      if (keys.length === 0 || closed || !link.usable) return;
      try {
        await within(Promise.all(keys.map((key) => cmd.zrem(slotKey(key), connId))), timeoutMs, 'zrem');
      } catch (err) {
        // The slot expires by itself.
        commandFailed('redis_slots_failed', err);
      }
    },

    onReconnect(handler) {
      reconnectHandlers.push(handler);
    },
    health() {
      const ok = link.usable;
      const dropped = `${counts.droppedPublishes} publishes dropped, ${counts.invalidMessages} invalid messages`;
      if (ok) return { ok, detail: `redis ${where}: connected; ${dropped}` };
      const error = link.lastError;
      return {
        ok,
        detail:
          `redis ${where}: commands ${cmd.status}, subscriber ${sub.status}` +
          `${error ? ` (${error})` : ''}; serving this process only; reconnecting by itself; is Redis running there?`,
      };
    },
    async check() {
      const ping = await link.ping();
      const { detail } = this.health?.() ?? { detail: '' };
      return ping.ok
        ? { status: 'ok' as const, latencyMs: ping.latencyMs, detail }
        : { status: 'degraded' as const, latencyMs: null, detail: `${detail}; PING: ${ping.error}` };
    },
    ready() {
      return firstReady;
    },

    async close() {
      if (!closing) {
        closed = true;
        link.close();
        clearInterval(timer);
        clearInterval(slotTimer);
        channels.clear();
        closing = Promise.all([local.close(), quit(cmd), quit(sub)]).then(noop);
      }
      await closing;
    },
  };
}

/** Every message on a Redis channel is `{"o": <origin process>, "m": <the BrokerMessage>}`. */
function parseEnvelope(raw: string): { origin: string; message: unknown } | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const { o, m } = value as { o?: unknown; m?: unknown };
    return typeof o === 'string' ? { origin: o, message: m } : null;
  } catch {
    return null;
  }
}
