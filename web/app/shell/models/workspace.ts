/**
 * Everything that exists while a user is signed in: one client connection, the rooms, their chats,
 * presence and typing, the user's jobs, (for agents and admins) the support console's queue, and
 * (for admins) API keys, sites and roles. Created at sign-in, disposed at sign-out, so nothing of
 * one account survives into the next.
 */
import { computed, effect, type ReadonlySignal, signal } from '@preact/signals';
import type { ApiUser } from '../../../../shared/api.js';
import { createClient, type SwitchboardClient } from '../../../client/index.js';
import { type AdminModels, createAdminModels } from '../../admin/models/admin.js';
import { type ApiKeys, createApiKeys } from '../../admin/models/keys.js';
import { type Chats, createChats, type RoomChat } from '../../chat/models/chat.js';
import { createPresence, type Presence } from '../../chat/models/presence.js';
import { createReceipts, type Receipts } from '../../chat/models/receipts.js';
import { createRooms, type Rooms } from '../../chat/models/rooms.js';
import type { Api } from '../../common/api.js';
import type { Catalog } from '../../common/i18n.js';
import { type Router, roomPath } from '../../common/models/router.js';
import { createSettings, type Settings } from '../../common/models/settings.js';
import { createTyping, type Typing } from '../../common/models/typing.js';
import { createJobs, type Jobs, userStream } from '../../jobs/models/jobs.js';
import { createLab, type Lab } from '../../lab/models/lab.js';
import { createAlerts } from '../../support/models/alerts.js';
import { createSupportDesk, isAgentRole, type SupportDesk } from '../../support/models/support.js';
import { type Connection, createConnection, hasWebSocket, type TransportMode } from './connection.js';

export interface Workspace {
  readonly me: ApiUser;
  readonly client: SwitchboardClient;
  readonly connection: Connection;
  readonly rooms: Rooms;
  readonly chats: Chats;
  readonly presence: Presence;
  readonly typing: Typing;
  /** What the user chose for themself (read receipts). */
  readonly settings: Settings;
  /** "Seen" in direct messages. */
  readonly receipts: Receipts;
  /** The Transport lab: its run outlives the page, so leaving and coming back shows its progress. */
  readonly lab: Lab;
  /** The user's jobs, live from their `user:<id>` stream (for the jobs page and the top bar). */
  readonly jobs: Jobs;
  /** API keys: null unless the user is an admin (the server refuses anyone else anyway). */
  readonly keys: ApiKeys | null;
  /** Sites and roles: null unless the user is an admin. */
  readonly admin: AdminModels | null;
  /**
   * The agent console: null unless the user is an agent or an admin. Made at sign-in, so the
   * queue is live (unread counts, alerts) on every page, not only the console's.
   */
  readonly support: SupportDesk | null;
  /** The chat of the room in the address bar, when the user is a member of it. */
  readonly current: ReadonlySignal<RoomChat | null>;
  dispose(): void;
}

export interface WorkspaceDeps {
  me: ApiUser;
  api: Api;
  router: Router;
  visible: ReadonlySignal<boolean>;
  networkError: () => string;
  /** The strings of the UI's language now (for alerts made outside a render). */
  t: () => Catalog;
  win: Window;
  /** From the address (`?transport=`); 'auto' when absent. */
  transport?: TransportMode;
}

export const socketUrl = (loc: Location): string =>
  `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;

export function createWorkspace({
  me,
  api,
  router,
  visible,
  networkError,
  t,
  win,
  transport = 'auto',
}: WorkspaceDeps): Workspace {
  // NOTE: no token: the browser sends the HttpOnly session cookie with the upgrade request (and
  // with every long-poll).
  const client = createClient({ url: socketUrl(win.location), transport });
  const current = signal<RoomChat | null>(null);
  const viewing = computed(() => (visible.value && current.value ? current.value.stream : null));
  const connection = createConnection(client, win, transport);
  const rooms = createRooms({ api, client, me, viewing });
  const chats = createChats({ api, client, networkError });
  const presence = createPresence(client);
  const typing = createTyping(client, me.id);
  const settings = createSettings(api);
  void settings.load();
  const receipts = createReceipts({ client, enabled: settings.readReceipts });
  const jobs = createJobs({ api, client, userId: me.id });
  // Subscribed before the first connect, so the first handshake carries it with the rooms; the
  // server answers it with the current state of every running and recent job.
  client.subscribe(userStream(me.id));
  const keys = me.role === 'admin' ? createApiKeys(api) : null;
  const admin = me.role === 'admin' ? createAdminModels(api) : null;
  const support = isAgentRole(me.role)
    ? createSupportDesk({ api, client, me, router, visible, alerts: createAlerts(win), t })
    : null;
  const lab = createLab({
    userId: me.id,
    baseUrl: win.location.origin,
    wsUrl: socketUrl(win.location),
    available: (t) => t !== 'websocket' || hasWebSocket(win),
  });

  // Connect once the joined rooms are known, so the first handshake subscribes them all at once.
  let disposed = false;
  let firstLoad: Promise<void> | null = rooms.refresh().finally(() => {
    firstLoad = null;
    if (!disposed) client.connect();
  });

  const marked = new Map<string, number>();
  const disposers = [
    effect(() => {
      const route = router.route.value;
      const room = route.name === 'room' ? rooms.byId(route.roomId) : undefined;
      const next = room?.joined ? chats.open(room.id) : null;
      if (next !== current.peek()) {
        current.peek()?.typing.stop();
        current.value = next;
      }
    }),
    // Mark read what the user can see: the open room, in a visible tab, up to its newest message.
    effect(() => {
      const stream = viewing.value;
      const chat = current.value;
      if (!stream || !chat) return;
      const room = rooms.byId(chat.roomId);
      const last = chat.lastSeq.value;
      if (!room || last === 0) return;
      const read = Math.max(room.readSeq.value, marked.get(stream) ?? 0);
      if (last > read) {
        marked.set(stream, last);
        client.markRead(stream, last);
      }
    }),
    // The home page has nothing of its own to show (and the sign-in pages nothing for a signed-in
    // user): open the first room the user is in.
    effect(() => {
      const name = router.route.value.name;
      if (name !== 'home' && name !== 'login' && name !== 'register') return;
      const first = rooms.joined.value[0];
      if (first) router.navigate(roomPath(first.id), { replace: true });
    }),
    // A tab coming back may have missed joins and leaves made elsewhere.
    effect(() => {
      if (visible.value && !firstLoad) void rooms.refresh();
    }),
  ];

  return {
    me,
    client,
    connection,
    rooms,
    chats,
    presence,
    typing,
    settings,
    receipts,
    lab,
    jobs,
    keys,
    admin,
    support,
    current,
    dispose() {
      disposed = true;
      for (const dispose of disposers) dispose();
      chats.dispose();
      rooms.dispose();
      presence.dispose();
      typing.dispose();
      receipts.dispose();
      lab.dispose();
      jobs.dispose();
      support?.dispose();
      connection.dispose();
      client.close();
    },
  };
}
