/**
 * Connection caps: how many connections (WebSockets, and tabs long-polling) one address and one
 * account may hold at once, counted through the broker (across processes with Redis). Sockets
 * hold their slots until they close, renewed on a timer so a crashed process's slots expire; a
 * polling tab holds one slot (`p.<cid>`) that each of its polls renews and that lapses when it
 * stops polling.
 *
 * @example
 * const verdict = await caps.take(slotId, { ip: clientIp(req, trustProxy) }, 'socket');
 * if (!verdict.ok) refuse(429, verdict);
 * ws.on('close', () => caps.release(slotId));
 */
import type { Broker, SlotClaim } from '../broker/broker.js';
import { errorText, type Logger } from '../log.js';
import type { Refusals } from '../refusals.js';

export interface CapLimits {
  /** Connections per client address; 0: no cap. */
  perIp: number;
  /** Connections per account (or support visitor); 0: no cap. */
  perUser: number;
}

export type CapScope = 'ip' | 'user';
export type CapVerdict = { ok: true } | { ok: false; scope: CapScope; limit: number; message: string };

export interface ConnectionCaps {
  /** What a refused client is told to wait before trying again (HTTP Retry-After), in seconds. */
  readonly retryAfterS: number;
  /** Takes a slot under each key given (taking one already held renews it). */
  take(
    slotId: string,
    who: { ip?: string | null; userId?: string | null },
    mode: 'socket' | 'poll',
  ): Promise<CapVerdict>;
  /** A socket closed: its slots are free. Harmless for unknown ids and polls. */
  release(slotId: string): void;
  close(): void;
}

/** A socket's slot lives this long unless renewed; renewed every third of it. */
export const SOCKET_SLOT_TTL_MS = 60_000;
export const CAP_RETRY_AFTER_S = 5;

export function createConnectionCaps(deps: {
  broker: Broker;
  limits: CapLimits;
  /** How long a polling tab's slot outlives its last poll (a hold plus a grace). */
  pollTtlMs: number;
  refusals: Refusals;
  log: Logger;
}): ConnectionCaps {
  const { broker, limits, refusals, log } = deps;
  /** Sockets open in this process: slot id -> the keys it holds. */
  const held = new Map<string, string[]>();

  const renew = setInterval(() => {
    if (held.size === 0) return;
    const slots = [...held].map(([connId, keys]) => ({ connId, keys }));
    broker
      .renewSlots(slots, SOCKET_SLOT_TTL_MS)
      .catch((err) => log.debug('caps.renew_failed', { error: errorText(err) }));
  }, SOCKET_SLOT_TTL_MS / 3);
  renew.unref();

  return {
    retryAfterS: CAP_RETRY_AFTER_S,
    async take(slotId, who, mode) {
      const claims: SlotClaim[] = [];
      if (who.ip && limits.perIp > 0) claims.push({ key: `ip:${who.ip}`, limit: limits.perIp });
      if (who.userId && limits.perUser > 0) claims.push({ key: `user:${who.userId}`, limit: limits.perUser });
      if (claims.length === 0) return { ok: true };
      const ttl = mode === 'socket' ? SOCKET_SLOT_TTL_MS : deps.pollTtlMs;
      const result = await broker.acquireSlots(claims, slotId, ttl);
      if (result.ok) {
        if (mode === 'socket') {
          const keys = held.get(slotId) ?? [];
          for (const c of claims) if (!keys.includes(c.key)) keys.push(c.key);
          held.set(slotId, keys);
        }
        return { ok: true };
      }
      const scope: CapScope = result.key.startsWith('ip:') ? 'ip' : 'user';
      const limit = scope === 'ip' ? limits.perIp : limits.perUser;
      const message =
        scope === 'ip'
          ? `this address has ${limit} connections open, the most allowed (MAX_CONNECTIONS_PER_IP); close one or retry in ${CAP_RETRY_AFTER_S} s`
          : `this account has ${limit} connections open, the most allowed (MAX_CONNECTIONS_PER_USER); close a tab or retry in ${CAP_RETRY_AFTER_S} s`;
      refusals.note('too_many_connections', {
        scope,
        limit,
        mode,
        ...(scope === 'ip' ? { ip: who.ip } : { user: who.userId }),
      });
      return { ok: false, scope, limit, message };
    },
    release(slotId) {
      const keys = held.get(slotId);
      if (!keys) return;
      held.delete(slotId);
      broker
        .releaseSlots(keys, slotId)
        .catch((err) => log.debug('caps.release_failed', { error: errorText(err) }));
    },
    close() {
      clearInterval(renew);
    },
  };
}
