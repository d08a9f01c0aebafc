/**
 * The open room: its header, who is here, the conversation, who is typing, and the composer. A
 * direct message has no Leave (its people are fixed) and says "Seen" under the user's newest
 * message once others have read it.
 */
import { useSignal } from '@preact/signals';
import type { ApiUser } from '../../../../shared/api.js';
import type { UserRef } from '../../../../shared/protocol.js';
import type { Api, ApiResult } from '../../common/api.js';
import { TypingIndicator } from '../../common/components/TypingIndicator.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Typing } from '../../common/models/typing.js';
import { apiErrorText } from '../../common/text-errors.js';
import type { RoomChat } from '../models/chat.js';
import type { Presence } from '../models/presence.js';
import { type Receipts, seenBy } from '../models/receipts.js';
import type { RoomEntry, Rooms } from '../models/rooms.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { ModerationPanel } from './ModerationPanel.js';
import { PresenceList } from './PresenceList.js';

export interface RoomViewProps {
  room: RoomEntry;
  api: Api;
  chat: RoomChat;
  me: ApiUser;
  rooms: Rooms;
  presence: Presence;
  typing: Typing;
  t: Catalog;
  lang: Lang;
  onLeft(): void;
  receipts: Receipts;
  /** Opens (and shows) the DM with these people. */
  onOpenDm(userIds: string[]): Promise<ApiResult<unknown>>;
}

/** "Seen" (or "Seen by ...") under the user's newest message in a DM, once someone read that far. */
function seenLine(room: RoomEntry, chat: RoomChat, meId: string, receipts: Receipts, t: Catalog) {
  if (room.kind !== 'dm') return undefined;
  const mine = chat.messages.value.findLast((m) => m.type === 'msg' && m.from.id === meId && !m.deleted);
  if (!mine) return undefined;
  const readers = seenBy(receipts.positions(room.stream).value, mine.seq);
  if (readers.length === 0) return undefined;
  const text = room.people.length <= 1 ? t.seen : t.seenBy(readers.map((r) => r.name));
  return { seq: mine.seq, text };
}

export function RoomView(props: RoomViewProps) {
  const { room, api, chat, me, rooms, presence, typing, t, lang, onLeft, receipts, onOpenDm } = props;
  const error = useSignal<string | null>(null);
  const message = async (user: UserRef) => {
    error.value = null;
    const result = await onOpenDm([user.id]);
    if (!result.ok) error.value = apiErrorText(t, result) || t.networkError;
  };
  const leave = async () => {
    // Leaving a private room cannot be undone without a new invitation: ask first.
    if (!window.confirm(t.confirmLeave(room.title))) return;
    error.value = null;
    const result = await rooms.leave(room.id);
    if (result.ok) onLeft();
    else error.value = result.message || t.networkError;
  };
  return (
    <section class="room" aria-labelledby="room-title">
      <header class="room-header">
        <div class="room-heading">
          <h1 id="room-title">{room.title}</h1>
          {room.topic && <p class="room-topic">{room.topic}</p>}
        </div>
        <div class="room-tools">
          <PresenceList users={presence.of(room.stream).value} meId={me.id} t={t} onMessage={message} />
          {room.kind !== 'dm' &&
            (room.role === 'owner' || room.role === 'moderator' || me.role === 'admin') && (
              <ModerationPanel
                room={room}
                api={api}
                present={presence.of(room.stream).value}
                meId={me.id}
                t={t}
              />
            )}
          {room.kind !== 'dm' && (
            <button
              type="button"
              class="button ghost small"
              aria-label={t.leaveRoom(room.title)}
              onClick={leave}
            >
              {t.leave}
            </button>
          )}
        </div>
      </header>
      {error.value && (
        <p class="form-error banner" role="alert">
          {error.value}
        </p>
      )}
      <MessageList
        chat={chat}
        room={room}
        me={{ id: me.id, name: me.username }}
        t={t}
        lang={lang}
        seen={seenLine(room, chat, me.id, receipts, t)}
      />
      <TypingIndicator users={typing.of(room.stream).value} t={t} />
      <Composer
        chat={chat}
        t={t}
        roomTitle={room.title}
        members={rooms.memberSearch(room.id)}
        meId={me.id}
        canMentionRoom={room.role === 'owner' || room.role === 'moderator'}
      />
    </section>
  );
}
