/**
 * The room list with live unread counts. Every joined room is subscribed, so a message anywhere
 * moves its count; `read` events (from any tab of this user) set it back to the server's number.
 * Direct messages are rooms too (kind `dm`), listed apart, titled with the other people's names.
 */
import { batch, computed, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { ApiPerson, ApiRoom, ApiUser, RoomKind, RoomRole } from '../../../../shared/api.js';
import { ROOM_MENTION } from '../../../../shared/mentions.js';
import type { MsgFrame } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';
import type { Api, ApiResult } from '../../common/api.js';
import { createMemberSearch, type MemberSearch } from './members.js';

export interface RoomEntry {
  readonly id: string;
  readonly stream: string;
  readonly title: string;
  readonly topic: string;
  readonly memberCount: number;
  readonly joined: boolean;
  readonly kind: RoomKind;
  /** A DM's other people (its title is their names); empty for other rooms. */
  readonly people: readonly ApiPerson[];
  /** Messages from others, and pushed events, after `readSeq`. */
  readonly unread: Signal<number>;
  /** Messages from others after `readSeq` that mention the user, or `@room`. */
  readonly mentions: Signal<number>;
  readonly readSeq: Signal<number>;
  /** The user's role in the room; null when not a member. */
  readonly role: RoomRole | null;
}

export interface Rooms {
  readonly list: ReadonlySignal<RoomEntry[]>;
  /** Rooms the user is in, but DMs. */
  readonly joined: ReadonlySignal<RoomEntry[]>;
  /** The user's direct messages. */
  readonly dms: ReadonlySignal<RoomEntry[]>;
  readonly others: ReadonlySignal<RoomEntry[]>;
  readonly loaded: ReadonlySignal<boolean>;
  readonly error: ReadonlySignal<string | null>;
  readonly totalUnread: ReadonlySignal<number>;
  readonly totalMentions: ReadonlySignal<number>;
  byId(id: string): RoomEntry | undefined;
  refresh(): Promise<void>;
  join(id: string): Promise<ApiResult<unknown>>;
  leave(id: string): Promise<ApiResult<unknown>>;
  /** The room's members by name prefix (for `@` completion), kept per room for the session. */
  memberSearch(id: string): MemberSearch;
  /** Creates a room (and joins it); resolves to its id. */
  create(title: string, topic: string): Promise<ApiResult<{ id: string }>>;
  /** Finds or opens the DM with these people; resolves to its id once it is in the list. */
  openDm(userIds: string[]): Promise<ApiResult<{ id: string }>>;
  /** People to message whose username starts with `q` (never the user). */
  searchPeople(q: string): Promise<ApiResult<ApiPerson[]>>;
  dispose(): void;
}

export const roomStream = (roomId: string): string => `room:${roomId}`;
const roomIdOf = (stream: string): string | null => (stream.startsWith('room:') ? stream.slice(5) : null);

export interface RoomsDeps {
  api: Api;
  client: SwitchboardClient;
  me: ApiUser;
  /** The stream the user is looking at right now (open and the tab visible), if any. */
  viewing: ReadonlySignal<string | null>;
}

export function createRooms({ api, client, me, viewing }: RoomsDeps): Rooms {
  const list = signal<RoomEntry[]>([]);
  const loaded = signal(false);
  const error = signal<string | null>(null);
  // Counters outlive list refreshes, so a refresh never loses a live update to a stale copy.
  const counters = new Map<
    string,
    { unread: Signal<number>; mentions: Signal<number>; readSeq: Signal<number> }
  >();
  const subscribed = new Set<string>();
  const searches = new Map<string, MemberSearch>();
  // NOTE: the SDK sends its subscriptions in the prelude when a transport opens and sends a later
  // `subscribe` only once online, so one made between open and welcome would never reach the
  // server. Those are made again when the welcome arrives (a repeat `sub` is harmless).
  const unsure = new Set<string>();

  const countersOf = (id: string) => {
    let c = counters.get(id);
    if (!c) {
      c = { unread: signal(0), mentions: signal(0), readSeq: signal(0) };
      counters.set(id, c);
    }
    return c;
  };

  const byStream = (stream: string): RoomEntry | undefined => {
    const id = roomIdOf(stream);
    return id === null ? undefined : list.peek().find((r) => r.id === id);
  };

  function countUnread(stream: string, seq: number): void {
    if (viewing.peek() === stream) return;
    const room = byStream(stream);
    if (room?.joined && seq > room.readSeq.peek()) room.unread.value++;
  }

  function countMention(msg: MsgFrame): void {
    if (!mentionsMe(msg, me.id) || viewing.peek() === msg.stream) return;
    const room = byStream(msg.stream);
    if (room?.joined && msg.seq > room.readSeq.peek()) room.mentions.value++;
  }

  function apply(rooms: ApiRoom[]): void {
    batch(() => {
      list.value = rooms.map((room) => {
        const c = countersOf(room.id);
        c.unread.value = room.unread;
        c.mentions.value = room.mentions ?? 0;
        c.readSeq.value = room.readSeq;
        return {
          id: room.id,
          stream: roomStream(room.id),
          title: room.title,
          topic: room.topic,
          memberCount: room.memberCount,
          joined: room.joined,
          role: room.role ?? null,
          kind: room.kind,
          people: room.people ?? [],
          ...c,
        };
      });
      loaded.value = true;
      error.value = null;
    });
    const joined = new Set(rooms.filter((r) => r.joined).map((r) => roomStream(r.id)));
    for (const stream of joined) {
      if (!subscribed.has(stream)) {
        subscribed.add(stream);
        if (client.state.status === 'connecting') unsure.add(stream);
        client.subscribe(stream);
      }
    }
    for (const stream of [...subscribed]) {
      if (!joined.has(stream)) {
        subscribed.delete(stream);
        unsure.delete(stream);
        client.unsubscribe(stream);
      }
    }
  }

  async function refresh(): Promise<void> {
    const result = await api.rooms();
    if (result.ok) apply(result.value.rooms);
    else error.value = result.message || null;
  }

  const offs = [
    client.on('welcome', () => {
      for (const stream of unsure) client.subscribe(stream);
      unsure.clear();
    }),
    client.on('subscribed', (info) => {
      const room = byStream(info.stream);
      if (!room) return;
      batch(() => {
        room.unread.value = info.unread;
        if (info.mentions !== undefined) room.mentions.value = info.mentions;
        room.readSeq.value = info.readSeq;
      });
    }),
    client.on('message', (msg) => {
      if (msg.from.id !== me.id) {
        countUnread(msg.stream, msg.seq);
        countMention(msg);
      }
    }),
    // An event pushed into a room (push API) is news like a message from someone else; the
    // server counts it in `unread` too, so the two numbers agree after a reload.
    client.on('event', (event) => countUnread(event.stream, event.seq)),
    client.on('read', (info) => {
      const room = byStream(info.stream);
      if (!room) return;
      batch(() => {
        room.unread.value = info.unread;
        if (info.mentions !== undefined) room.mentions.value = info.mentions;
        room.readSeq.value = Math.max(room.readSeq.peek(), info.seq);
      });
    }),
    // Another tab, person or process changed this user's rooms (created, joined, left, removed).
    client.on('roomsChanged', () => void refresh()),
    client.on('error', (frame) => {
      // A subscription refused because the room was left (in another tab) or removed.
      if ((frame.code === 'forbidden' || frame.code === 'not_found') && frame.ref?.startsWith('room:')) {
        void refresh();
      }
    }),
  ];

  return {
    list,
    joined: computed(() => list.value.filter((r) => r.joined && r.kind !== 'dm')),
    dms: computed(() => list.value.filter((r) => r.joined && r.kind === 'dm')),
    others: computed(() => list.value.filter((r) => !r.joined)),
    loaded,
    error,
    totalUnread: computed(() => list.value.reduce((n, r) => n + (r.joined ? r.unread.value : 0), 0)),
    totalMentions: computed(() => list.value.reduce((n, r) => n + (r.joined ? r.mentions.value : 0), 0)),
    byId: (id) => list.value.find((r) => r.id === id),
    memberSearch(id) {
      let search = searches.get(id);
      if (!search) {
        search = createMemberSearch(api, id);
        searches.set(id, search);
      }
      return search;
    },
    refresh,
    async join(id) {
      const result = await api.join(id);
      if (result.ok) await refresh();
      return result;
    },
    async leave(id) {
      const result = await api.leave(id);
      if (result.ok) await refresh();
      return result;
    },
    async create(title, topic) {
      const result = await api.createRoom(topic ? { title, topic } : { title });
      if (!result.ok) return result;
      await refresh();
      return { ok: true, value: { id: result.value.room.id } };
    },
    async openDm(userIds) {
      const result = await api.openDm(userIds);
      if (!result.ok) return result;
      await refresh();
      return { ok: true, value: { id: result.value.room.id } };
    },
    async searchPeople(q) {
      const result = await api.searchUsers(q);
      return result.ok ? { ok: true, value: result.value.users } : result;
    },
    dispose() {
      for (const off of offs) off();
    },
  };
}

/** Whether a message from someone else mentions the user: by id, or `@room`. */
export const mentionsMe = (msg: Pick<MsgFrame, 'mentions' | 'from'>, meId: string): boolean =>
  msg.from.id !== meId &&
  (msg.mentions?.includes(meId) === true || msg.mentions?.includes(ROOM_MENTION) === true);
