/**
 * What a PostgreSQL failure means for a caller, and the log lines an outage leaves. Every storage
 * method goes through `guardStorage`: a failure that is the database being away or stuck becomes a
 * `StorageUnavailableError` (retryable, `unavailable` on the wire); anything else (a bug, a broken
 * constraint) is thrown as it is.
 *
 *   down   the connection failed: refused, reset, terminated, a connect or read timeout, the
 *          server shutting down or out of connections. One WARN `storage.down` when it starts,
 *          one INFO `storage.up` (with how long and how many operations failed) when a later
 *          operation succeeds.
 *   busy   the server answered, but cancelled the statement (statement_timeout, a lock wait, a
 *          serialization failure that outlived its retries). Other statements still work, so this
 *          is not "down": one WARN `storage.slow` per 10 s burst, with how many were left out.
 */
import { DatabaseError } from 'pg';
import { errorText, type Logger } from '../log.js';
import { StorageUnavailableError } from './unavailable.js';

export type Fault = 'down' | 'busy';

/** What a client should wait before it retries: 1 to 2 s, spread so that retries do not all land at once. */
export const RETRY_AFTER_MS = 1000;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages node-postgres and pg-pool use for a connection that failed (they carry no code). */
const DOWN_MESSAGES =
  /^(Connection terminated|Query read timeout|timeout expired|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** SQLSTATEs of a statement the server refused to finish, with the server still answering. */
const BUSY_STATES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '40001', // serialization_failure (after the append's own retries)
  '40P01', // deadlock_detected (likewise)
]);

/**
 * `poolFull`: whether every pooled connection is checked out. Then a connect timeout means the
 * statements holding them are slow (busy), not that the server is gone.
 */
export function classifyPostgresError(err: unknown, poolFull = false): Fault | null {
  if (err instanceof DatabaseError) {
    const state = err.code ?? '';
    if (BUSY_STATES.has(state)) return 'busy';
    // 08: connection exception; 57P01-03: shutting down, crashed, starting up; 53: out of resources.
    if (state.startsWith('08') || /^57P0[1-3]$/.test(state) || state.startsWith('53')) return 'down';
    if (state === '25P03') return 'down'; // idle_in_transaction_session_timeout ended the session
    return null;
  }
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'down';
  if (DOWN_MESSAGES.test(err.message)) {
    return poolFull && err.message.startsWith('timeout exceeded when trying to connect') ? 'busy' : 'down';
  }
  return null;
}

export interface FaultTracker {
  /** Records a classified failure (and logs it once per outage or burst). */
  failed(fault: Fault, err: unknown): void;
  /** Records a success: ends an outage. */
  succeeded(): void;
  readonly down: boolean;
}

const SLOW_BURST_MS = 10_000;

export function createFaultTracker(log: Logger, now: () => number = Date.now): FaultTracker {
  let downSince: number | null = null;
  let failedWhileDown = 0;
  let slowLoggedAt = Number.NEGATIVE_INFINITY;
  let slowSuppressed = 0;
  return {
    get down() {
      return downSince !== null;
    },
    failed(fault, err) {
      if (fault === 'down') {
        failedWhileDown++;
        if (downSince !== null) return;
        downSince = now();
        log.warn('storage.down', { error: errorText(err) });
        return;
      }
      if (downSince !== null) {
        failedWhileDown++;
        return;
      }
      const at = now();
      if (at - slowLoggedAt < SLOW_BURST_MS) {
        slowSuppressed++;
        return;
      }
      log.warn('storage.slow', { error: errorText(err), suppressed: slowSuppressed });
      slowLoggedAt = at;
      slowSuppressed = 0;
    },
    succeeded() {
      if (downSince === null) return;
      log.info('storage.up', { down_ms: now() - downSince, failed: failedWhileDown });
      downSince = null;
      failedWhileDown = 0;
    },
  };
}

/**
 * Wraps every method of a storage object: a success ends an outage, a classified failure is
 * recorded and rethrown as `StorageUnavailableError`, anything else passes through unchanged.
 */
export function guardStorage<T extends object>(
  target: T,
  classify: (err: unknown) => Fault | null,
  tracker: FaultTracker,
  random: () => number = Math.random,
): T {
  const guarded = { ...target } as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) {
    if (typeof value !== 'function' || key === 'close') continue;
    const method = value as (...args: unknown[]) => Promise<unknown>;
    guarded[key] = async (...args: unknown[]) => {
      try {
        const result = await method.apply(target, args);
        tracker.succeeded();
        return result;
      } catch (err) {
        const fault = classify(err);
        if (fault === null) throw err;
        tracker.failed(fault, err);
        const retryAfterMs = RETRY_AFTER_MS + Math.floor(random() * RETRY_AFTER_MS);
        const what = fault === 'down' ? 'PostgreSQL is unreachable' : 'PostgreSQL did not finish in time';
        throw new StorageUnavailableError(
          `${what} (${errorText(err)}); retry in ${retryAfterMs} ms`,
          retryAfterMs,
          {
            cause: err,
          },
        );
      }
    };
  }
  return guarded as T;
}
