/**
 * The agent console's state, for agents and admins: the queue of conversations, live from the
 * `queue:support` stream, with unread counts; the conversations open in the console; the agents
 * to assign to; canned responses; the agent's availability; and alerts for new visitor messages.
 *
 * The queue is an HTTP snapshot (with the queue stream's head) folded with the stream's events
 * from that head on: every change to a conversation is an event carrying its whole view, so a
 * later event simply replaces the view. After a reconnect the SDK resumes the stream from its
 * cursor; when the server cannot (`resync`), the snapshot is loaded again.
 *
 * Unread counts come from the conversations' own streams, each subscribed "from now": the
 * `subscribed` and `read` frames carry the server's count, and each live message from someone
 * else adds one, as in the room list.
 */
import {
  batch,
  computed,
  effect,
  type ReadonlySignal,
  type Signal,
  signal,
  untracked,
} from '@preact/signals';
import * as v from 'valibot';
import type { ApiUser } from '../../../../shared/api.js';
import { ConversationView } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';
import { createSupportClient, type SupportClient } from '../../../client/support.js';
import type { AgentView, Api, ApiResult, Availability, ConversationStatus } from '../../common/api.js';
import type { Catalog } from '../../common/i18n.js';
import type { LoadStatus } from '../../common/models/load.js';
import { conversationPath, type Router } from '../../common/models/router.js';
import type { Alerts } from './alerts.js';
import { type Canned, createCanned } from './canned.js';
import {
  type Conversation,
  type ConversationInternals,
  convStream,
  createConversation,
  isVisitorId,
} from './conversation.js';

export const QUEUE_STREAM = 'queue:support';
export const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

export const isAgentRole = (role: ApiUser['role']): boolean => role === 'agent' || role === 'admin';

export interface QueueEntry {
  readonly id: string;
  readonly stream: string;
  readonly view: ReadonlySignal<ConversationView>;
  /** Messages from others after the agent's read position. */
  readonly unread: ReadonlySignal<number>;
  /** How far the visitor has read ("seen"), as far as this tab has heard. */
  readonly visitorReadSeq: ReadonlySignal<number>;
}

interface Entry extends QueueEntry {
  readonly view: Signal<ConversationView>;
  readonly unread: Signal<number>;
  readonly readSeq: Signal<number>;
  readonly visitorReadSeq: Signal<number>;
  /** The queue seq of the newest event applied (0: only snapshots so far). */
  eventSeq: number;
}

export interface SupportDesk {
  readonly support: SupportClient;
  /** Every known conversation, newest activity first. */
  readonly queue: ReadonlySignal<QueueEntry[]>;
  readonly load: ReadonlySignal<LoadStatus>;
  readonly error: ReadonlySignal<string | null>;
  /** Unread messages in conversations that are the agent's or nobody's, and not resolved. */
  readonly totalUnread: ReadonlySignal<number>;
  readonly agents: ReadonlySignal<AgentView[]>;
  /** The agent's own availability, once known. */
  readonly availability: ReadonlySignal<Availability | null>;
  setAvailability(availability: Availability): Promise<ApiResult<unknown>>;
  readonly canned: Canned;
  readonly alerts: Alerts;
  /** The conversation on screen (route and visible tab), or null. */
  readonly viewing: ReadonlySignal<string | null>;
  /** The conversation in the address bar, opened. */
  readonly current: ReadonlySignal<Conversation | null>;
  /** The queue's status tab. */
  readonly tab: Signal<ConversationStatus>;
  entry(id: string): QueueEntry | undefined;
  /** The conversation's model, created and loaded the first time. */
  open(id: string): Conversation;
  refresh(): Promise<void>;
  /** Assign to an agent (the agent's own id claims it), or unassign with null. */
  assign(id: string, to: string | null): void;
  setStatus(id: string, status: ConversationStatus): void;
  dispose(): void;
}

export interface SupportDeskDeps {
  api: Api;
  client: SwitchboardClient;
  me: ApiUser;
  router: Router;
  visible: ReadonlySignal<boolean>;
  alerts: Alerts;
  t: () => Catalog;
}

const PageEvent = v.object({ visitorId: v.string(), url: v.string(), title: v.string() });

const convIdOf = (stream: string): string | null => (stream.startsWith('conv:') ? stream.slice(5) : null);
const notesIdOf = (stream: string): string | null => (stream.startsWith('notes:') ? stream.slice(6) : null);

export function createSupportDesk({
  api,
  client,
  me,
  router,
  visible,
  alerts,
  t,
}: SupportDeskDeps): SupportDesk {
  const support = createSupportClient(client);
  const canned = createCanned(api);
  const entries = signal<ReadonlyMap<string, Entry>>(new Map());
  const load = signal<LoadStatus>('idle');
  const error = signal<string | null>(null);
  const agents = signal<AgentView[]>([]);
  const availability = signal<Availability | null>(null);
  const open = new Map<string, ConversationInternals>();
  const followed = new Set<string>();
  let queueFollowed = false;
  let refreshing: Promise<void> | null = null;

  const viewing = computed(() => {
    const route = router.route.value;
    return route.name === 'support' && route.conversationId && visible.value ? route.conversationId : null;
  });

  const network = () => t().networkError;

  /** Follows a conversation's stream for its unread count, receipts and live messages. */
  function follow(entry: Entry): void {
    if (followed.has(entry.stream)) return;
    followed.add(entry.stream);
    client.subscribe(entry.stream);
  }

  const mayFollow = (entry: Entry) => entry.view.peek().status !== 'resolved' || open.has(entry.id);

  function entryFor(view: ConversationView): { entry: Entry; created: boolean } {
    const existing = entries.peek().get(view.id);
    if (existing) return { entry: existing, created: false };
    const entry: Entry = {
      id: view.id,
      stream: convStream(view.id),
      view: signal(view),
      unread: signal(0),
      readSeq: signal(0),
      visitorReadSeq: signal(0),
      eventSeq: 0,
    };
    const next = new Map(entries.peek());
    next.set(view.id, entry);
    entries.value = next;
    return { entry, created: true };
  }

  /** A view from an HTTP answer, as of queue seq `asOf`: an event applied after it stays. */
  function applySnapshot(view: ConversationView, asOf: number): void {
    const { entry, created } = entryFor(view);
    if (!created && entry.eventSeq > asOf) return;
    entry.view.value = view;
    if (mayFollow(entry)) follow(entry);
  }

  function applyEvent(view: ConversationView, seq: number): void {
    const { entry, created } = entryFor(view);
    const before = created ? null : entry.view.peek();
    entry.view.value = view;
    entry.eventSeq = seq;
    if (mayFollow(entry)) follow(entry);
    const news = view.lastFrom === 'visitor' && view.lastSeq > (before?.lastSeq ?? 0);
    const mine = view.assignee === null || view.assignee.id === me.id;
    if (news && mine && viewing.peek() !== view.id) {
      const strings = t();
      const who = view.visitor.name || strings.visitorFallback;
      alerts.alert({
        title:
          view.lastSeq <= 1 ? strings.notifyNewConversation(view.siteName) : strings.notifyNewMessage(who),
        body: `${who}: ${view.lastPreview}`,
        tag: `switchboard-conv-${view.id}`,
        onClick: () => router.navigate(conversationPath(view.id)),
      });
    }
  }

  async function fetchAll(): Promise<void> {
    if (load.peek() !== 'ready') load.value = 'loading';
    const answers = await Promise.all(STATUSES.map((status) => api.conversations(status)));
    const failed = answers.find((a) => !a.ok);
    if (failed && !failed.ok) {
      error.value = failed.message || network();
      if (load.peek() !== 'ready') load.value = 'error';
      return;
    }
    let head = Number.POSITIVE_INFINITY;
    batch(() => {
      for (const answer of answers) if (answer.ok) head = Math.min(head, answer.value.queueHead);
      for (const answer of answers) {
        if (answer.ok) for (const view of answer.value.items) applySnapshot(view, head);
      }
      error.value = null;
      load.value = 'ready';
    });
    // Changes after the snapshot's head come through the stream, in order, from that cursor.
    if (!queueFollowed) {
      queueFollowed = true;
      client.subscribe(QUEUE_STREAM, { after: head });
    }
  }

  function refresh(): Promise<void> {
    refreshing ??= fetchAll().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function refreshAgents(): Promise<void> {
    const result = await api.agents();
    if (!result.ok) return;
    agents.value = result.value.agents;
    const self = result.value.agents.find((a) => a.id === me.id);
    if (self) availability.value = self.availability;
  }

  function openConversation(id: string): ConversationInternals {
    let conversation = open.get(id);
    if (!conversation) {
      conversation = createConversation({
        id,
        api,
        client,
        support,
        network,
        onView: (view) => applySnapshot(view, 0),
      });
      open.set(id, conversation);
      client.subscribe(conversation.notesStream);
      const entry = entries.peek().get(id);
      if (entry) {
        follow(entry);
      } else if (!followed.has(convStream(id))) {
        // Not in the queue yet (opened from an address): its view arrives with the context.
        followed.add(convStream(id));
        client.subscribe(convStream(id));
      }
    }
    for (const chat of [conversation.chatInternals, conversation.notesInternals]) {
      if (chat.status.peek() === 'idle' || chat.status.peek() === 'error') void chat.loadNewest();
    }
    if (conversation.contextStatus.peek() !== 'ready') void conversation.loadContext();
    return conversation;
  }

  const refused = (id: string, message: string) => {
    const conversation = open.get(id);
    if (conversation) conversation.actionError.value = message;
  };

  const marked = new Map<string, number>();
  const offs = [
    client.on('event', (event) => {
      if (event.stream !== QUEUE_STREAM) return;
      if (event.event === 'conversation') {
        const parsed = v.safeParse(ConversationView, event.data);
        if (parsed.success) applyEvent(parsed.output, event.seq);
      } else if (event.event === 'visitor.page') {
        const parsed = v.safeParse(PageEvent, event.data);
        if (!parsed.success) return;
        const { visitorId, url, title } = parsed.output;
        for (const conversation of open.values())
          conversation.pageViewed(visitorId, { url, title, at: event.ts });
      }
    }),
    client.on('resync', (frame) => {
      if (frame.stream === QUEUE_STREAM) {
        void refresh();
        return;
      }
      const id = convIdOf(frame.stream) ?? notesIdOf(frame.stream);
      const conversation = id === null ? undefined : open.get(id);
      if (!conversation) return;
      const chat = frame.stream.startsWith('conv:')
        ? conversation.chatInternals
        : conversation.notesInternals;
      if (chat.status.peek() !== 'idle') void chat.loadNewest();
    }),
    client.on('subscribed', (info) => {
      const convId = convIdOf(info.stream);
      if (convId !== null) {
        const entry = entries.peek().get(convId);
        if (entry) {
          batch(() => {
            entry.unread.value = viewing.peek() === convId ? 0 : info.unread;
            entry.readSeq.value = info.readSeq;
          });
        }
        open.get(convId)?.chatInternals.caughtUp(info.head);
        return;
      }
      const notesId = notesIdOf(info.stream);
      if (notesId !== null) open.get(notesId)?.notesInternals.caughtUp(info.head);
    }),
    client.on('message', (msg) => {
      const convId = convIdOf(msg.stream);
      if (convId !== null) {
        const entry = entries.peek().get(convId);
        if (entry && msg.from.id !== me.id && msg.seq > entry.readSeq.peek() && viewing.peek() !== convId) {
          entry.unread.value++;
        }
        open.get(convId)?.chatInternals.receive(msg);
        return;
      }
      const notesId = notesIdOf(msg.stream);
      if (notesId !== null) open.get(notesId)?.notesInternals.receive(msg);
    }),
    client.on('outbox', (entry) => {
      const id = convIdOf(entry.stream);
      const conversation = id === null ? undefined : open.get(id);
      if (!conversation) return;
      conversation.chatInternals.outbox(entry);
      // Replying is reading: the agent's own reply must not count as unread in another tab.
      if (entry.status === 'sent' && entry.seq !== undefined) markRead(conversation.stream, entry.seq);
    }),
    support.on('note', (entry) => {
      const id = convIdOf(entry.stream);
      if (id !== null) open.get(id)?.notesInternals.outbox(entry);
    }),
    client.on('read', (info) => {
      const id = convIdOf(info.stream);
      const entry = id === null ? undefined : entries.peek().get(id);
      if (!entry) return;
      batch(() => {
        entry.unread.value = info.unread;
        entry.readSeq.value = Math.max(entry.readSeq.peek(), info.seq);
      });
    }),
    client.on('receipt', (frame) => {
      const id = convIdOf(frame.stream);
      const entry = id === null ? undefined : entries.peek().get(id);
      if (!entry || !isVisitorId(frame.by.id)) return;
      entry.visitorReadSeq.value = Math.max(entry.visitorReadSeq.peek(), frame.seq);
    }),
    client.on('error', (frame) => {
      // A refused assign or set_status names its conversation's stream.
      const id = frame.ref ? convIdOf(frame.ref) : null;
      if (id !== null) refused(id, frame.message);
    }),
    client.on('welcome', () => {
      void refreshAgents();
      // The first answer may have failed while the server was out of reach.
      if (load.peek() === 'error') void refresh();
    }),
  ];

  function markRead(stream: string, seq: number): void {
    if (seq <= (marked.get(stream) ?? 0)) return;
    marked.set(stream, seq);
    client.markRead(stream, seq);
  }

  const current = signal<ConversationInternals | null>(null);
  const disposers = [
    effect(() => {
      const route = router.route.value;
      const id = route.name === 'support' ? route.conversationId : null;
      // untracked: what opening reads must not re-run this effect.
      const next = id === null ? null : untracked(() => openConversation(id));
      if (next !== current.peek()) {
        current.peek()?.chatInternals.typing.stop();
        current.value = next;
      }
    }),
    // Mark read what the agent can see: the open conversation, in a visible tab, up to its newest.
    effect(() => {
      const id = viewing.value;
      if (id === null) return;
      const conversation = open.get(id);
      const entry = entries.value.get(id);
      if (!conversation || !entry) return;
      const last = conversation.chat.lastSeq.value;
      if (last > entry.readSeq.value) {
        entry.unread.value = 0;
        markRead(entry.stream, last);
      }
    }),
  ];

  void refresh();
  void refreshAgents();
  void canned.refresh();

  const queue = computed(() =>
    [...entries.value.values()].sort(
      (a, b) => b.view.value.lastActivityAt - a.view.value.lastActivityAt || a.id.localeCompare(b.id),
    ),
  );

  const send = (ok: boolean, id: string) => {
    if (!ok) refused(id, t().actionOffline);
  };

  return {
    support,
    queue,
    load,
    error,
    totalUnread: computed(() => {
      let total = 0;
      for (const entry of entries.value.values()) {
        const view = entry.view.value;
        if (view.status === 'resolved') continue;
        if (view.assignee !== null && view.assignee.id !== me.id) continue;
        total += entry.unread.value;
      }
      return total;
    }),
    agents,
    availability,
    async setAvailability(next) {
      const result = await api.setAvailability(next);
      if (result.ok) availability.value = result.value.availability;
      return result;
    },
    canned,
    alerts,
    viewing,
    current,
    tab: signal<ConversationStatus>('open'),
    entry: (id) => entries.value.get(id),
    open: openConversation,
    refresh,
    assign(id, to) {
      const conversation = open.get(id);
      if (conversation) conversation.actionError.value = null;
      send(support.assign(convStream(id), to), id);
    },
    setStatus(id, status) {
      const conversation = open.get(id);
      if (conversation) conversation.actionError.value = null;
      send(support.setStatus(convStream(id), status), id);
    },
    dispose() {
      for (const off of offs) off();
      for (const dispose of disposers) dispose();
      for (const conversation of open.values()) conversation.dispose();
      support.dispose();
      alerts.dispose();
    },
  };
}
