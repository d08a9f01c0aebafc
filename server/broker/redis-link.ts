/**
 * Whether Redis answers, as this process sees it: connection events, commands that got no answer
 * in time, and a PING every `probeMs`. While Redis is away (refused, closed, or hung with the TCP
 * connection open) the broker is degraded: it answers from this process's own state instead of
 * waiting. The link reports one WARN when Redis goes away, one INFO when it is back, and a reminder
 * at most every `reminderMs` meanwhile: never a line per request.
 *
 * @example
 * const link = createRedisLink({ cmd, sub, where: '127.0.0.1:6379', timeoutMs: 200, onBack });
 * if (link.usable) await cmd.evalsha(...); else answerLocally();
 */
import type { Redis } from 'ioredis';
import { errorText, type Logger } from '../log.js';

/** What a degraded broker did instead of asking Redis, for /metrics. */
export type FallbackKind = 'presence' | 'rate_limit' | 'publish' | 'slots';

/** Where the broker reports its outages (server/metrics/metrics.ts counts them). */
export interface BrokerFaultSink {
  outage(): void;
  fallback(kind: FallbackKind): void;
  /** Time spent degraded since the last call, reported while degraded and when it ends. */
  degradedSeconds(seconds: number): void;
}

export interface RedisLinkOptions {
  cmd: Redis;
  sub: Redis;
  /** host:port for log lines, never the password. */
  where: string;
  /** A PING (or a command) unanswered for this long means Redis is away. */
  timeoutMs: number;
  log?: Logger;
  faults?: BrokerFaultSink;
  /** Called once each time Redis is back after an outage. */
  onBack(): void;
  probeMs?: number;
  reminderMs?: number;
}

export interface PingResult {
  ok: boolean;
  /** How long the answer took; null when there was none. */
  latencyMs: number | null;
  error?: string;
}

export interface RedisLink {
  /** Commands may go to Redis: it is connected, and the last command or PING answered. */
  readonly usable: boolean;
  /** Since when Redis is away (ms since epoch), or null while it is not. */
  readonly downSince: number | null;
  readonly lastError: string;
  /** A command failed because Redis did not answer (in time): Redis is away until a PING answers. */
  failed(reason: string): void;
  /** A live check: one PING, bounded by the timeout. Also moves the link up or down. */
  ping(): Promise<PingResult>;
  close(): void;
}

export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError';
}

/** Our own deadline, or ioredis's `commandTimeout` (set to the same bound), whichever came first. */
export const isTimeout = (err: unknown): boolean =>
  err instanceof RedisTimeoutError || (err instanceof Error && err.message === 'Command timed out');

/** Settles as `promise` does, or rejects with a RedisTimeoutError after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export function createRedisLink(options: RedisLinkOptions): RedisLink {
  const { cmd, sub, where, timeoutMs, log, faults } = options;
  const probeMs = options.probeMs ?? 500;
  const reminderMs = options.reminderMs ?? 60_000;
  let downSince: number | null = null;
  let lastError = '';
  let closed = false;
  /** Degraded time up to here has been reported. */
  let tallied = 0;
  let remindedAt = 0;

  const connected = () => cmd.status === 'ready' && sub.status === 'ready';
  const lost = (conn: Redis) =>
    conn.status === 'reconnecting' || conn.status === 'close' || conn.status === 'end';

  const tally = () => {
    const t = Date.now();
    if (downSince !== null) faults?.degradedSeconds((t - tallied) / 1000);
    tallied = t;
  };

  const goDown = (reason: string) => {
    lastError = reason;
    if (closed || downSince !== null) return;
    downSince = Date.now();
    tallied = downSince;
    remindedAt = downSince;
    faults?.outage();
    log?.warn('redis_unreachable', {
      at: where,
      error: reason,
      effect:
        'serving this process only: publishes stay local, presence and rate limits per process; catching up from storage once it is back',
    });
  };

  const goUp = () => {
    if (closed || downSince === null || !connected()) return;
    tally();
    log?.info('redis_reachable_again', { at: where, down_ms: Date.now() - downSince });
    downSince = null;
    options.onBack();
  };

  const ping = async (): Promise<PingResult> => {
    if (closed) return { ok: false, latencyMs: null, error: 'the broker is closed' };
    if (!connected()) {
      const error = `commands ${cmd.status}, subscriber ${sub.status}${lastError ? ` (${lastError})` : ''}`;
      // Still opening (at start-up) is not an outage; a connection that failed or closed is.
      if (lost(cmd) || lost(sub)) goDown(lastError || `connection ${cmd.status}`);
      return { ok: false, latencyMs: null, error };
    }
    const started = performance.now();
    try {
      await within(cmd.ping(), timeoutMs, 'PING');
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      goUp();
      return { ok: true, latencyMs };
    } catch (err) {
      const error = isTimeout(err) ? `PING: no answer within ${timeoutMs} ms` : errorText(err);
      goDown(error);
      return { ok: false, latencyMs: null, error };
    }
  };

  let probing = false;
  const probe = async () => {
    if (probing || closed) return;
    probing = true;
    try {
      await ping();
    } finally {
      probing = false;
    }
    if (downSince === null) return;
    tally();
    const t = Date.now();
    if (t - remindedAt >= reminderMs) {
      remindedAt = t;
      log?.warn('redis_still_unreachable', {
        at: where,
        down_s: Math.round((t - downSince) / 1000),
        error: lastError,
      });
    }
  };
  const timer = setInterval(() => void probe(), probeMs);
  timer.unref();

  for (const conn of [cmd, sub]) {
    conn.on('error', (err: Error) => {
      lastError = errorText(err);
      if (conn.status !== 'ready') goDown(lastError);
    });
    conn.on('close', () => goDown(lastError || 'connection closed'));
    // A connection (re)opened: Redis may be back; a PING says whether it answers.
    conn.on('ready', () => void probe());
  }

  return {
    get usable() {
      // The commands' connection only: a subscriber still reconnecting delays what this process
      // receives, which the catch-up after `onBack` makes good, not what it may ask.
      return !closed && downSince === null && cmd.status === 'ready';
    },
    get downSince() {
      return downSince;
    },
    get lastError() {
      return lastError;
    },
    failed: goDown,
    ping,
    close() {
      tally();
      closed = true;
      clearInterval(timer);
    },
  };
}
