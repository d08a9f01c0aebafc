/** The open room: its header, who is here, the conversation, who is typing, and the composer. */
import { useSignal } from '@preact/signals';
import type { ApiUser } from '../../../../shared/api.js';
import type { Api } from '../../common/api.js';
import { TypingIndicator } from '../../common/components/TypingIndicator.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Typing } from '../../common/models/typing.js';
import type { RoomChat } from '../models/chat.js';
import type { Presence } from '../models/presence.js';
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
}

export function RoomView({ room, api, chat, me, rooms, presence, typing, t, lang, onLeft }: RoomViewProps) {
  const error = useSignal<string | null>(null);
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
          <PresenceList users={presence.of(room.stream).value} meId={me.id} t={t} />
          {(room.role === 'owner' || room.role === 'moderator' || me.role === 'admin') && (
            <ModerationPanel
              room={room}
              api={api}
              present={presence.of(room.stream).value}
              meId={me.id}
              t={t}
            />
          )}
          <button
            type="button"
            class="button ghost small"
            aria-label={t.leaveRoom(room.title)}
            onClick={leave}
          >
            {t.leave}
          </button>
        </div>
      </header>
      {error.value && (
        <p class="form-error banner" role="alert">
          {error.value}
        </p>
      )}
      <MessageList chat={chat} room={room} me={{ id: me.id, name: me.username }} t={t} lang={lang} />
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
