/** Direct messages, user search and user settings on SQLite. */
import type Database from 'better-sqlite3';
import { randomId } from '../ids.js';
import { type RoomRow, toRoom, toUser, type UserRow } from './rows.js';
import { type DmMember, type DmStore, dmKey, type Room, type UserSettings } from './storage.js';

interface MemberRow {
  room_id: string;
  id: string;
  username: string;
  read_receipts: number;
}

export function sqliteDms(db: Database.Database): DmStore {
  const q = {
    byKey: db.prepare<[string], RoomRow>(
      'SELECT id, title, topic, kind, created_at FROM rooms WHERE dm_key = ?',
    ),
    insertRoom: db.prepare(
      `INSERT INTO rooms (id, title, topic, kind, created_by, created_at, dm_key)
       VALUES (@id, @title, '', 'dm', @createdBy, @createdAt, @key)`,
    ),
    insertMember: db.prepare<[string, string, number]>(
      "INSERT INTO members (room_id, user_id, joined_at, role) VALUES (?, ?, ?, 'member')",
    ),
    members: db.prepare<[string], MemberRow>(
      `SELECT m.room_id, u.id, u.username, u.read_receipts
       FROM members m JOIN rooms r ON r.id = m.room_id JOIN users u ON u.id = m.user_id
       WHERE r.kind = 'dm' AND m.room_id IN (SELECT value FROM json_each(?))
       ORDER BY m.room_id, u.username_key`,
    ),
    // A range on the unique index rather than LIKE, whose wildcards the prefix would have to escape.
    search: db.prepare<{ prefix: string; limit: number }, UserRow>(
      `SELECT * FROM users
       WHERE status = 'active' AND username_key >= @prefix AND username_key < @prefix || char(1114111)
       ORDER BY username_key LIMIT @limit`,
    ),
    settings: db.prepare<[string], { read_receipts: number }>('SELECT read_receipts FROM users WHERE id = ?'),
    setReadReceipts: db.prepare<[number, string]>('UPDATE users SET read_receipts = ? WHERE id = ?'),
  };

  const openTx = db.transaction((input: { userIds: readonly string[]; title: string; createdBy: string }) => {
    const key = dmKey(input.userIds);
    const found = q.byKey.get(key);
    if (found) return { room: toRoom(found), created: false };
    const room: Room = { id: randomId(9), title: input.title, topic: '', kind: 'dm', createdAt: Date.now() };
    q.insertRoom.run({
      id: room.id,
      title: room.title,
      createdBy: input.createdBy,
      createdAt: room.createdAt,
      key,
    });
    for (const userId of new Set(input.userIds)) q.insertMember.run(room.id, userId, room.createdAt);
    return { room, created: true };
  });

  const settingsOf = (userId: string): UserSettings | null => {
    const row = q.settings.get(userId);
    return row ? { readReceipts: row.read_receipts !== 0 } : null;
  };

  return {
    async openDm(input) {
      return openTx.immediate(input);
    },
    async dmMembers(roomIds) {
      const byRoom = new Map<string, DmMember[]>();
      if (roomIds.length === 0) return byRoom;
      for (const row of q.members.all(JSON.stringify(roomIds))) {
        const list = byRoom.get(row.room_id) ?? [];
        list.push({ id: row.id, username: row.username, readReceipts: row.read_receipts !== 0 });
        byRoom.set(row.room_id, list);
      }
      return byRoom;
    },
    async searchUsers(prefix, limit) {
      return q.search.all({ prefix, limit }).map(toUser);
    },
    async userSettings(userId) {
      return settingsOf(userId);
    },
    async updateUserSettings(userId, patch) {
      if (patch.readReceipts !== undefined) q.setReadReceipts.run(patch.readReceipts ? 1 : 0, userId);
      return settingsOf(userId);
    },
  };
}
