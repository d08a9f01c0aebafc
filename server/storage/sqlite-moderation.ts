/** Room moderation on SQLite: bans and mutes, invite links, the audit log. */
import type Database from 'better-sqlite3';
import { randomId } from '../ids.js';
import { type AuditRow, type InviteRow, type SanctionRow, toAudit, toInvite, toSanction } from './rows.js';
import type { ModerationStore, Sanction } from './storage.js';

export function sqliteModeration(db: Database.Database): ModerationStore {
  const q = {
    upsertSanction: db.prepare(
      `INSERT INTO room_sanctions (room_id, user_id, kind, until, by_user, created_at)
       VALUES (@roomId, @userId, @kind, @until, @by, @createdAt)
       ON CONFLICT (room_id, user_id, kind) DO UPDATE SET
         until = excluded.until, by_user = excluded.by_user, created_at = excluded.created_at`,
    ),
    leave: db.prepare<[string, string]>('DELETE FROM members WHERE room_id = ? AND user_id = ?'),
    lift: db.prepare<[string, string, string]>(
      'DELETE FROM room_sanctions WHERE room_id = ? AND user_id = ? AND kind = ?',
    ),
    active: db.prepare<[string, string, string, number], SanctionRow>(
      `SELECT * FROM room_sanctions WHERE room_id = ? AND user_id = ? AND kind = ?
         AND (until IS NULL OR until > ?)`,
    ),
    inRoom: db.prepare<[string, number], SanctionRow>(
      `SELECT * FROM room_sanctions WHERE room_id = ? AND (until IS NULL OR until > ?)
       ORDER BY created_at, user_id, kind`,
    ),
    insertInvite: db.prepare(
      `INSERT INTO room_invites (id, room_id, token_hash, created_by, created_at, expires_at)
       VALUES (@id, @roomId, @tokenHash, @createdBy, @createdAt, @expiresAt)`,
    ),
    inviteById: db.prepare<[string], InviteRow>('SELECT * FROM room_invites WHERE id = ?'),
    inviteByHash: db.prepare<[string], InviteRow>('SELECT * FROM room_invites WHERE token_hash = ?'),
    listInvites: db.prepare<[string], InviteRow>(
      'SELECT * FROM room_invites WHERE room_id = ? ORDER BY created_at DESC, id DESC',
    ),
    revokeInvite: db.prepare<[number, string]>(
      'UPDATE room_invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    useInvite: db.prepare<[string]>('UPDATE room_invites SET uses = uses + 1 WHERE id = ?'),
    insertAudit: db.prepare(
      `INSERT INTO audit_log (id, at, actor_id, action, target_user_id, room_id, details)
       VALUES (@id, @at, @actorId, @action, @targetUserId, @roomId, @details)`,
    ),
    listAudit: db.prepare<[number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE at < ? ORDER BY at DESC, id DESC LIMIT ?',
    ),
  };

  const setSanctionTx = db.transaction((sanction: Sanction) => {
    q.upsertSanction.run(sanction);
    if (sanction.kind === 'ban') q.leave.run(sanction.roomId, sanction.userId);
  });

  return {
    async setSanction(input) {
      const sanction: Sanction = { ...input, createdAt: Date.now() };
      setSanctionTx.immediate(sanction);
      return sanction;
    },
    async liftSanction(roomId, userId, kind) {
      return q.lift.run(roomId, userId, kind).changes > 0;
    },
    async activeSanction(roomId, userId, kind, now) {
      const row = q.active.get(roomId, userId, kind, now);
      return row ? toSanction(row) : null;
    },
    async roomSanctions(roomId, now) {
      return q.inRoom.all(roomId, now).map(toSanction);
    },
    async createInvite(input) {
      const createdAt = Date.now();
      q.insertInvite.run({ ...input, createdAt });
      return toInvite(q.inviteById.get(input.id) as InviteRow);
    },
    async inviteByTokenHash(tokenHash) {
      const row = q.inviteByHash.get(tokenHash);
      return row ? toInvite(row) : null;
    },
    async listInvites(roomId) {
      return q.listInvites.all(roomId).map(toInvite);
    },
    async revokeInvite(id, at) {
      return q.revokeInvite.run(at, id).changes > 0;
    },
    async useInvite(id) {
      q.useInvite.run(id);
    },
    async recordAudit(input) {
      const entry = { ...input, id: randomId(12), at: input.at ?? Date.now() };
      q.insertAudit.run({ ...entry, details: JSON.stringify(entry.details) });
      return entry;
    },
    async listAudit(filter) {
      return q.listAudit.all(filter.before ?? Number.MAX_SAFE_INTEGER, filter.limit).map(toAudit);
    },
  };
}
