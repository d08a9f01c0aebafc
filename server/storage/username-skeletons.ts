/**
 * The migration that gives every existing user their confusable skeletons (auth/confusables.ts)
 * in `username_skeletons`, whose primary key makes each skeleton belong to one account: planned
 * here once for SQLite and PostgreSQL alike.
 *
 * Accounts made before the rule may already look alike. The migration must not fail on them, and
 * nobody's name changes: oldest first, each account takes the skeletons nobody holds yet, so the
 * older of two look-alikes keeps the shared ones and the younger keeps only its own (maybe none).
 * A new look-alike of either is still refused, by the older one's rows. Each such pair is logged
 * once, at the migration.
 */
import { usernameSkeletons } from '../auth/confusables.js';
import type { Logger } from '../log.js';

export interface SkeletonCollision {
  id: string;
  username: string;
  olderId: string;
  olderUsername: string;
}

export interface SkeletonPlan {
  rows: { skeleton: string; userId: string }[];
  collisions: SkeletonCollision[];
}

/** `users` must come oldest first (created_at, then id), so the older account keeps what is shared. */
export function planSkeletons(users: readonly { id: string; username: string }[]): SkeletonPlan {
  const holder = new Map<string, { id: string; username: string }>();
  const plan: SkeletonPlan = { rows: [], collisions: [] };
  for (const user of users) {
    const olders = new Map<string, { id: string; username: string }>();
    for (const skeleton of usernameSkeletons(user.username)) {
      const older = holder.get(skeleton);
      if (older) {
        olders.set(older.id, older);
      } else {
        holder.set(skeleton, user);
        plan.rows.push({ skeleton, userId: user.id });
      }
    }
    for (const older of olders.values()) {
      plan.collisions.push({ ...user, olderId: older.id, olderUsername: older.username });
    }
  }
  return plan;
}

export function logCollisions(log: Logger | undefined, collisions: readonly SkeletonCollision[]): void {
  for (const c of collisions) {
    log?.warn('storage.username_lookalike_kept', {
      user: c.username,
      id: c.id,
      looksLike: c.olderUsername,
      olderId: c.olderId,
    });
  }
}
