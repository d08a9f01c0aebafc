/**
 * Connection slots in one process: for each key (`ip:<address>`, `user:<id>`) the connection ids
 * holding a slot there, each with an expiry. The memory broker counts with it; the Redis broker
 * keeps one as a mirror of its own connections, to count from when Redis cannot be asked.
 */
import type { SlotClaim, SlotResult } from './broker.js';

export class SlotTable {
  private readonly keys = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Live slots under `key` (expired ones are dropped as they are met). */
  count(key: string): number {
    const slots = this.keys.get(key);
    if (!slots) return 0;
    const t = this.now();
    for (const [connId, expires] of slots) if (expires <= t) slots.delete(connId);
    if (slots.size === 0) this.keys.delete(key);
    return slots.size;
  }

  /** Takes a slot under every key, or none: the first key that is full is the answer. */
  acquire(claims: readonly SlotClaim[], connId: string, ttlMs: number): SlotResult {
    for (const claim of claims) {
      const held = this.keys.get(claim.key)?.has(connId) ?? false;
      if (!held && this.count(claim.key) >= claim.limit) return { ok: false, key: claim.key };
    }
    this.put(
      claims.map((c) => c.key),
      connId,
      ttlMs,
    );
    return { ok: true };
  }

  /** Records slots without checking a limit (renewals, and the Redis broker's mirror). */
  put(keys: readonly string[], connId: string, ttlMs: number): void {
    const expires = this.now() + ttlMs;
    for (const key of keys) {
      let slots = this.keys.get(key);
      if (!slots) {
        slots = new Map();
        this.keys.set(key, slots);
      }
      slots.set(connId, expires);
    }
  }

  release(keys: readonly string[], connId: string): void {
    for (const key of keys) {
      const slots = this.keys.get(key);
      if (!slots) continue;
      slots.delete(connId);
      if (slots.size === 0) this.keys.delete(key);
    }
  }

  /** Drops every expired slot (a periodic sweep, so keys nobody asks about again do not pile up). */
  sweep(): void {
    for (const key of [...this.keys.keys()]) this.count(key);
  }
}
