/** Room moderation on PostgreSQL: bans and mutes, invite links, the audit log. */
import type { Pool, PoolClient } from 'pg';
import { randomId } from '../ids.js';
import { type AuditRow, type InviteRow, type SanctionRow, toAudit, toInvite, toSanction } from './rows.js';
import type { ModerationStore, Sanction } from './storage.js';

const sql = {
  upsertSanction: `
    INSERT INTO room_sanctions (room_id, user_id, kind, until, by_user, created_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (room_id, user_id, kind) DO UPDATE SET
      until = excluded.until, by_user = excluded.by_user, created_at = excluded.created_at`,
  leave: 'DELETE FROM members WHERE room_id = $1 AND user_id = $2',
  lift: 'DELETE FROM room_sanctions WHERE room_id = $1 AND user_id = $2 AND kind = $3',
  active: `
    SELECT * FROM room_sanctions WHERE room_id = $1 AND user_id = $2 AND kind = $3
      AND (until IS NULL OR until > $4)`,
  inRoom: `
    SELECT * FROM room_sanctions WHERE room_id = $1 AND (until IS NULL OR until > $2)
    ORDER BY created_at, user_id COLLATE "C", kind COLLATE "C"`,
  insertInvite: `
    INSERT INTO room_invites (id, room_id, token_hash, created_by, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
  inviteByHash: 'SELECT * FROM room_invites WHERE token_hash = $1',
  listInvites: 'SELECT * FROM room_invites WHERE room_id = $1 ORDER BY created_at DESC, id COLLATE "C" DESC',
  revokeInvite: 'UPDATE room_invites SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
  useInvite: 'UPDATE room_invites SET uses = uses + 1 WHERE id = $1',
  insertAudit: `
    INSERT INTO audit_log (id, at, actor_id, action, target_user_id, room_id, details)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  listAudit: 'SELECT * FROM audit_log WHERE at < $1 ORDER BY at DESC, id COLLATE "C" DESC LIMIT $2',
};

export function postgresModeration(
  pool: Pool,
  transaction: <T>(work: (client: PoolClient) => Promise<T>) => Promise<T>,
): ModerationStore {
  return {
    async setSanction(input) {
      const s: Sanction = { ...input, createdAt: Date.now() };
      await transaction(async (client) => {
        await client.query(sql.upsertSanction, [s.roomId, s.userId, s.kind, s.until, s.by, s.createdAt]);
        if (s.kind === 'ban') await client.query(sql.leave, [s.roomId, s.userId]);
      });
      return s;
    },
    async liftSanction(roomId, userId, kind) {
      return ((await pool.query(sql.lift, [roomId, userId, kind])).rowCount ?? 0) > 0;
    },
    async activeSanction(roomId, userId, kind, now) {
      const [row] = (await pool.query<SanctionRow>(sql.active, [roomId, userId, kind, now])).rows;
      return row ? toSanction(row) : null;
    },
    async roomSanctions(roomId, now) {
      return (await pool.query<SanctionRow>(sql.inRoom, [roomId, now])).rows.map(toSanction);
    },
    async createInvite(input) {
      const { rows } = await pool.query<InviteRow>(sql.insertInvite, [
        input.id,
        input.roomId,
        input.tokenHash,
        input.createdBy,
        Date.now(),
        input.expiresAt,
      ]);
      return toInvite(rows[0] as InviteRow);
    },
    async inviteByTokenHash(tokenHash) {
      const [row] = (await pool.query<InviteRow>(sql.inviteByHash, [tokenHash])).rows;
      return row ? toInvite(row) : null;
    },
    async listInvites(roomId) {
      return (await pool.query<InviteRow>(sql.listInvites, [roomId])).rows.map(toInvite);
    },
    async revokeInvite(id, at) {
      return ((await pool.query(sql.revokeInvite, [id, at])).rowCount ?? 0) > 0;
    },
    async useInvite(id) {
      await pool.query(sql.useInvite, [id]);
    },
    async recordAudit(input) {
      const entry = { ...input, id: randomId(12), at: input.at ?? Date.now() };
      await pool.query(sql.insertAudit, [
        entry.id,
        entry.at,
        entry.actorId,
        entry.action,
        entry.targetUserId,
        entry.roomId,
        JSON.stringify(entry.details),
      ]);
      return entry;
    },
    async listAudit(filter) {
      const before = filter.before ?? Number.MAX_SAFE_INTEGER;
      return (await pool.query<AuditRow>(sql.listAudit, [before, filter.limit])).rows.map(toAudit);
    },
  };
}
