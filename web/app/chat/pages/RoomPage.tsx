/**
 * The room in the address: its conversation when the user is a member, else its title and a Join
 * button; or why there is none to show (none picked yet, the list still loading, no such room).
 */
import { useSignal } from '@preact/signals';
import type { ApiUser } from '../../../../shared/api.js';
import type { Api, ApiResult } from '../../common/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Typing } from '../../common/models/typing.js';
import { RoomView } from '../components/RoomView.js';
import type { RoomChat } from '../models/chat.js';
import type { Presence } from '../models/presence.js';
import type { Receipts } from '../models/receipts.js';
import type { Rooms } from '../models/rooms.js';

export interface RoomPageProps {
  /** The room in the address; null on the home page. */
  roomId: string | null;
  api: Api;
  rooms: Rooms;
  /** The open room's chat, once the user is a member of it. */
  chat: RoomChat | null;
  me: ApiUser;
  presence: Presence;
  typing: Typing;
  t: Catalog;
  lang: Lang;
  /** The user left the room. */
  onLeft(): void;
  receipts: Receipts;
  /** Opens (and shows) the DM with these people. */
  onOpenDm(userIds: string[]): Promise<ApiResult<unknown>>;
}

export function RoomPage(props: RoomPageProps) {
  const { roomId, api, rooms, chat, me, presence, typing, t, lang, onLeft, receipts, onOpenDm } = props;
  const joinError = useSignal<string | null>(null);
  const room = roomId === null ? undefined : rooms.byId(roomId);

  const join = async (id: string) => {
    joinError.value = null;
    const result = await rooms.join(id);
    if (!result.ok) joinError.value = result.message || t.networkError;
  };

  if (roomId === null) return <p class="placeholder">{t.pickRoom}</p>;
  if (!rooms.loaded.value) return <p class="placeholder">{t.loading}</p>;
  if (!room) return <p class="placeholder">{t.noSuchRoom}</p>;
  if (!room.joined || !chat) {
    return (
      <section class="room-join" aria-labelledby="room-title">
        <h1 id="room-title">{room.title}</h1>
        {room.topic && <p class="room-topic">{room.topic}</p>}
        <p class="muted">{t.members(room.memberCount)}</p>
        <p>{t.notMember}</p>
        <button type="button" class="button primary" onClick={() => join(room.id)}>
          {t.joinRoom(room.title)}
        </button>
        {joinError.value && (
          <p class="form-error" role="alert">
            {joinError.value}
          </p>
        )}
      </section>
    );
  }
  return (
    <RoomView
      key={room.id}
      room={room}
      api={api}
      chat={chat}
      me={me}
      rooms={rooms}
      presence={presence}
      typing={typing}
      t={t}
      lang={lang}
      onLeft={onLeft}
      receipts={receipts}
      onOpenDm={onOpenDm}
    />
  );
}
