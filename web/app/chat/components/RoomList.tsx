/** The rooms the user is in (with unread counts), their direct messages, and the rooms they could join. */
import { useSignal } from '@preact/signals';
import { Avatar } from '../../common/components/Avatar.js';
import { Link } from '../../common/components/Link.js';
import type { Catalog } from '../../common/i18n.js';
import { type Router, roomPath } from '../../common/models/router.js';
import type { RoomEntry, Rooms } from '../models/rooms.js';
import { NewMessage } from './NewMessage.js';

export interface RoomListProps {
  rooms: Rooms;
  router: Router;
  t: Catalog;
  activeId: string | null;
  /** A room was picked (the drawer closes, even when it was the open room). */
  onPick(): void;
}

interface JoinedRoomProps {
  room: RoomEntry;
  router: Router;
  t: Catalog;
  active: boolean;
  onPick(): void;
}

function JoinedRoom({ room, router, t, active, onPick }: JoinedRoomProps) {
  const unread = room.unread.value;
  const mentions = room.mentions.value;
  return (
    <li>
      <Link
        router={router}
        href={roomPath(room.id)}
        class={`room-link${unread > 0 ? ' has-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        onNavigate={onPick}
      >
        {room.kind === 'dm' ? (
          <Avatar id={room.people[0]?.id ?? room.id} name={room.title} small />
        ) : (
          <span class="room-hash" aria-hidden="true">
            #
          </span>
        )}
        <span class="room-text">
          <span class="room-name">{room.title}</span>
          {room.kind === 'dm' ? (
            room.people.length > 1 && <span class="room-meta">{t.members(room.memberCount)}</span>
          ) : (
            <span class="room-meta">{t.members(room.memberCount)}</span>
          )}
        </span>
        {mentions > 0 && (
          <span class="badge badge-mention">
            <span aria-hidden="true">@{mentions}</span>
            <span class="sr-only">{t.mentionCount(mentions)}</span>
          </span>
        )}
        {unread > 0 && (
          <span class="badge">
            <span aria-hidden="true">{unread}</span>
            <span class="sr-only">{t.unreadCount(unread)}</span>
          </span>
        )}
      </Link>
    </li>
  );
}

export function RoomList({ rooms, router, t, activeId, onPick }: RoomListProps) {
  const busy = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);

  const join = async (room: RoomEntry) => {
    busy.value = room.id;
    error.value = null;
    const result = await rooms.join(room.id);
    busy.value = null;
    if (!result.ok) {
      error.value = result.message || t.networkError;
      return;
    }
    router.navigate(roomPath(room.id));
    onPick();
  };

  const joined = rooms.joined.value;
  const dms = rooms.dms.value;
  const others = rooms.others.value;
  return (
    <nav class="room-nav" aria-label={t.rooms}>
      <h2 class="section-title">{t.yourRooms}</h2>
      {!rooms.loaded.value && <p class="muted small-print">{t.loading}</p>}
      <ul class="room-list">
        {joined.map((room) => (
          <JoinedRoom
            key={room.id}
            room={room}
            router={router}
            t={t}
            active={room.id === activeId}
            onPick={onPick}
          />
        ))}
      </ul>
      <div class="section-head">
        <h2 class="section-title">{t.directMessages}</h2>
        {rooms.loaded.value && <NewMessage rooms={rooms} router={router} t={t} />}
      </div>
      {rooms.loaded.value && dms.length === 0 && <p class="muted small-print room-none">{t.noDms}</p>}
      <ul class="room-list" aria-label={t.directMessages}>
        {dms.map((room) => (
          <JoinedRoom
            key={room.id}
            room={room}
            router={router}
            t={t}
            active={room.id === activeId}
            onPick={onPick}
          />
        ))}
      </ul>
      {rooms.error.value && (
        <p class="form-error" role="alert">
          {rooms.error.value}
        </p>
      )}
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
      {rooms.loaded.value && (
        <>
          <h2 class="section-title">{t.moreRooms}</h2>
          {others.length === 0 && <p class="muted small-print">{t.noMoreRooms}</p>}
          <ul class="room-list">
            {others.map((room) => (
              <li key={room.id} class="room-other">
                <span class="room-text">
                  <span class="room-name">{room.title}</span>
                  <span class="room-meta">{t.members(room.memberCount)}</span>
                </span>
                <button
                  type="button"
                  class="button small"
                  aria-label={t.joinRoom(room.title)}
                  disabled={busy.value === room.id}
                  onClick={() => join(room)}
                >
                  {t.join}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}
