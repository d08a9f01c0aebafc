/** Direct messages, user search and user settings on PostgreSQL. */
import type { Pool, PoolClient } from 'pg';
import { randomId } from '../ids.js';
import { type RoomRow, toRoom, toUser, type UserRow } from './rows.js';
import { type DmMember, type DmStore, dmKey, type Room, type UserSettings } from './storage.js';

const sql = {
  // NOTE: one DM per set of people, across processes. Two transactions inserting the same key
  // meet at the unique index: the second waits for the first to commit, then does nothing, and
  // (read committed: each statement sees what committed before it began) finds its room below.
  insertRoom: `
    INSERT INTO rooms (id, title, topic, kind, created_by, created_at, dm_key)
    VALUES ($1, $2, '', 'dm', $3, $4, $5)
    ON CONFLICT (dm_key) DO NOTHING
    RETURNING id`,
  insertMembers: `
    INSERT INTO members (room_id, user_id, joined_at, role)
    SELECT $1, u, $3, 'member' FROM unnest($2::text[]) AS u`,
  byKey: 'SELECT id, title, topic, kind, created_at FROM rooms WHERE dm_key = $1',
  members: `
    SELECT m.room_id, u.id, u.username, u.read_receipts
    FROM members m JOIN rooms r ON r.id = m.room_id JOIN users u ON u.id = m.user_id
    WHERE r.kind = 'dm' AND m.room_id = ANY($1::text[])
    ORDER BY m.room_id COLLATE "C", u.username_key COLLATE "C"`,
  search: `
    SELECT * FROM users WHERE status = 'active' AND starts_with(username_key, $1)
    ORDER BY username_key COLLATE "C" LIMIT $2`,
  settings: 'SELECT read_receipts FROM users WHERE id = $1',
  setReadReceipts: 'UPDATE users SET read_receipts = $2 WHERE id = $1 RETURNING read_receipts',
};

export function postgresDms(
  pool: Pool,
  transaction: <T>(work: (client: PoolClient) => Promise<T>) => Promise<T>,
): DmStore {
  const settingsRow = (row: { read_receipts: number } | undefined): UserSettings | null =>
    row ? { readReceipts: row.read_receipts !== 0 } : null;

  const settingsOf = async (userId: string): Promise<UserSettings | null> =>
    settingsRow((await pool.query<{ read_receipts: number }>(sql.settings, [userId])).rows[0]);

  return {
    async openDm(input) {
      const key = dmKey(input.userIds);
      return transaction(async (client) => {
        const room: Room = {
          id: randomId(9),
          title: input.title,
          topic: '',
          kind: 'dm',
          createdAt: Date.now(),
        };
        const inserted = await client.query(sql.insertRoom, [
          room.id,
          room.title,
          input.createdBy,
          room.createdAt,
          key,
        ]);
        if (inserted.rowCount === 1) {
          await client.query(sql.insertMembers, [room.id, [...new Set(input.userIds)], room.createdAt]);
          return { room, created: true };
        }
        const found = (await client.query<RoomRow>(sql.byKey, [key])).rows[0];
        if (!found) throw new Error(`openDm: the key ${key} conflicted, yet no room holds it`);
        return { room: toRoom(found), created: false };
      });
    },
    async dmMembers(roomIds) {
      const byRoom = new Map<string, DmMember[]>();
      if (roomIds.length === 0) return byRoom;
      const { rows } = await pool.query<{
        room_id: string;
        id: string;
        username: string;
        read_receipts: number;
      }>(sql.members, [roomIds]);
      for (const row of rows) {
        const list = byRoom.get(row.room_id) ?? [];
        list.push({ id: row.id, username: row.username, readReceipts: row.read_receipts !== 0 });
        byRoom.set(row.room_id, list);
      }
      return byRoom;
    },
    async searchUsers(prefix, limit) {
      return (await pool.query<UserRow>(sql.search, [prefix, limit])).rows.map(toUser);
    },
    userSettings: settingsOf,
    async updateUserSettings(userId, patch) {
      if (patch.readReceipts === undefined) return settingsOf(userId);
      const { rows } = await pool.query<{ read_receipts: number }>(sql.setReadReceipts, [
        userId,
        patch.readReceipts ? 1 : 0,
      ]);
      return settingsRow(rows[0]);
    },
  };
}
