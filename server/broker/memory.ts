/** The single-process broker: maps and timers, nothing shared beyond this process. */
import type { UserRef } from '../../shared/protocol.js';
import type { Broker, BrokerMessage, RateResult, RateRule } from './broker.js';
import { SlotTable } from './slots.js';

interface PresentUser {
  user: UserRef;
  /** connId -> expiry time (ms since epoch) */
  conns: Map<string, number>;
}

export interface MemoryBrokerOptions {
  /** How often expired presence is swept, in ms. */
  sweepMs?: number;
  now?: () => number;
}

export function createMemoryBroker(options: MemoryBrokerOptions = {}): Broker {
  const now = options.now ?? Date.now;
  const channels = new Map<string, Set<(message: BrokerMessage) => void>>();
  const presence = new Map<string, Map<string, PresentUser>>();
  const buckets = new Map<string, { tokens: number; at: number; rule: RateRule }>();
  const expiredHandlers: ((stream: string, user: UserRef) => void)[] = [];
  const slots = new SlotTable(now);

  /** Drops a user's expired connections, swept or not, so join and leave see only live ones. */
  const prune = (entry: PresentUser, t: number) => {
    for (const [connId, expiresAt] of entry.conns) if (expiresAt <= t) entry.conns.delete(connId);
  };

  const sweep = () => {
    const t = now();
    for (const [stream, users] of presence) {
      for (const [userId, entry] of users) {
        prune(entry, t);
        if (entry.conns.size === 0) {
          users.delete(userId);
          for (const handler of expiredHandlers) handler(stream, entry.user);
        }
      }
      if (users.size === 0) presence.delete(stream);
    }
    for (const [key, bucket] of buckets) {
      if (t - bucket.at >= bucket.rule.burst * bucket.rule.refillMs) buckets.delete(key);
    }
    slots.sweep();
  };
  const timer = setInterval(sweep, options.sweepMs ?? 2000);
  timer.unref();

  return {
    name: 'memory',
    publish(channel, message) {
      const handlers = channels.get(channel);
      if (!handlers) return;
      for (const handler of handlers) handler(message);
    },
    subscribe(channel, handler) {
      let handlers = channels.get(channel);
      if (!handlers) {
        handlers = new Set();
        channels.set(channel, handlers);
      }
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0 && channels.get(channel) === handlers) channels.delete(channel);
      };
    },

    async presenceJoin(stream, user, connId, ttlMs) {
      let users = presence.get(stream);
      if (!users) {
        users = new Map();
        presence.set(stream, users);
      }
      const t = now();
      let entry = users.get(user.id);
      if (entry) prune(entry, t);
      // An entry whose connections all expired before a sweep removed it is not presence.
      const isNew = entry === undefined || entry.conns.size === 0;
      if (!entry) {
        entry = { user, conns: new Map() };
        users.set(user.id, entry);
      }
      entry.conns.set(connId, t + ttlMs);
      return isNew;
    },
    async presenceLeave(stream, userId, connId) {
      const users = presence.get(stream);
      const entry = users?.get(userId);
      if (!users || !entry?.conns.delete(connId)) return false;
      prune(entry, now());
      if (entry.conns.size > 0) return false;
      users.delete(userId);
      if (users.size === 0) presence.delete(stream);
      return true;
    },
    async presenceList(stream) {
      const t = now();
      const users = presence.get(stream);
      if (!users) return [];
      const list: UserRef[] = [];
      for (const entry of users.values()) {
        for (const expiresAt of entry.conns.values()) {
          if (expiresAt > t) {
            list.push(entry.user);
            break;
          }
        }
      }
      return list;
    },
    onPresenceExpired(handler) {
      expiredHandlers.push(handler);
    },

    async consume(key, rule): Promise<RateResult> {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: rule.burst, at: t, rule };
      const earned = (t - bucket.at) / rule.refillMs;
      bucket.tokens = Math.min(rule.burst, bucket.tokens + earned);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) * rule.refillMs) };
    },

    async acquireSlots(claims, connId, ttlMs) {
      return slots.acquire(claims, connId, ttlMs);
    },
    async renewSlots(entries, ttlMs) {
      for (const entry of entries) slots.put(entry.keys, entry.connId, ttlMs);
    },
    async releaseSlots(keys, connId) {
      slots.release(keys, connId);
    },

    health() {
      return { ok: true, detail: 'in-process' };
    },

    async close() {
      clearInterval(timer);
      channels.clear();
    },
  };
}
