/**
 * Who a room message mentions: each `@name` that is a member of the room, by user id, and
 * `room` for `@room`. A name that is nobody in the room stays plain text.
 *
 * NOTE: `@room` from a member who is not an owner or moderator is refused with
 * `room_mention_forbidden` rather than kept as plain text: the sender meant to notify everyone,
 * and silently not doing it would be worse than saying so (the SPA checks before sending).
 */
import type { ErrorCode } from '../../shared/codes.js';
import { isRoomMention, MAX_MENTIONS, mentionNames, ROOM_MENTION } from '../../shared/mentions.js';
import { usernameKey } from '../auth/username.js';
import type { MentionStore, RoomStore } from '../storage/storage.js';

export type MentionResult =
  | { ok: true; mentions: string[] }
  | { ok: false; code: Extract<ErrorCode, 'too_many_mentions' | 'room_mention_forbidden'>; message: string };

export async function resolveMentions(
  store: MentionStore & RoomStore,
  roomId: string,
  senderId: string,
  text: string,
): Promise<MentionResult> {
  const names = mentionNames(text);
  if (names.length === 0) return { ok: true, mentions: [] };
  const room = names.some(isRoomMention);
  if (room) {
    const role = await store.memberRole(roomId, senderId);
    if (role !== 'owner' && role !== 'moderator') {
      return {
        ok: false,
        code: 'room_mention_forbidden',
        message: 'only the room’s owners and moderators may mention @room; write "room" without the @',
      };
    }
  }
  const keys = [...new Set(names.filter((n) => !isRoomMention(n)).map(usernameKey))];
  const members = await store.membersByKeys(roomId, keys);
  // Yourself is not a mention: it would notify nobody.
  const ids = [...new Set(members.map((m) => m.id))].filter((id) => id !== senderId);
  const mentions = room ? [ROOM_MENTION, ...ids] : ids;
  if (mentions.length > MAX_MENTIONS) {
    return {
      ok: false,
      code: 'too_many_mentions',
      message: `the message mentions ${mentions.length} people; the limit is ${MAX_MENTIONS} (to reach everyone, a moderator can write @room)`,
    };
  }
  return { ok: true, mentions };
}
