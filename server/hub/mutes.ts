/**
 * Who may not send in a room right now (a moderator's mute), asked on every send to a room.
 *
 * NOTE: a send must not pay a storage round trip, so the answer for a (room, user) is kept for
 * `ttlMs`. A mute set on this process takes effect at once (`forget`); one set on another process
 * within `ttlMs` (1 s by default). A mute ends by itself at its `until`, which the cached answer
 * carries, so an ended mute never outlives its end here.
 */
import type { ModerationStore } from '../storage/storage.js';

export interface Mutes {
  /** The end of the user's mute in the room (null: until lifted), or undefined when not muted. */
  mutedUntil(roomId: string, userId: string): Promise<number | null | undefined>;
  /** Drops the remembered answer for a (room, user) whose sanctions just changed. */
  forget(roomId: string, userId: string): void;
}

export function createMutes(store: ModerationStore, ttlMs = 1000, now = Date.now): Mutes {
  const known = new Map<string, { checkedAt: number; until: number | null | undefined }>();
  const keyOf = (roomId: string, userId: string) => `${roomId}\u0000${userId}`;
  return {
    async mutedUntil(roomId, userId) {
      const key = keyOf(roomId, userId);
      const t = now();
      const hit = known.get(key);
      if (hit && t - hit.checkedAt < ttlMs) {
        return hit.until !== undefined && hit.until !== null && hit.until <= t ? undefined : hit.until;
      }
      const sanction = await store.activeSanction(roomId, userId, 'mute', t);
      const until = sanction ? sanction.until : undefined;
      known.set(key, { checkedAt: t, until });
      if (known.size > 50_000) {
        for (const [k, v] of known) if (t - v.checkedAt >= ttlMs) known.delete(k);
      }
      return until;
    },
    forget(roomId, userId) {
      known.delete(keyOf(roomId, userId));
    },
  };
}
