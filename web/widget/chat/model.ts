/**
 * The chat's state and actions: small signals, created once in main.tsx and passed down.
 *
 * The life of a visitor: the config first (greeting, pre-chat form, whether anyone is there); a
 * new visitor is created on the first send (`POST /visitors`, token to the host page's
 * localStorage), and the conversation with the first message (`POST /conversations`). From then
 * on the SDK carries everything live: the visitor's sends (outbox: pending, then sent or failed),
 * the agent's replies, typing, "seen" receipts and unread counts, resuming by cursor after any
 * drop. A returning visitor starts from `GET /conversations` and the latest history page.
 */
import { batch, computed, effect, type Signal, signal } from '@preact/signals';
import type { VisitorConversation, WidgetConfig } from '../../../shared/api.js';
import type { MsgFrame } from '../../../shared/protocol.js';
import {
  type ConnectionState,
  createClient,
  newClientMsgId,
  type OutboxEntry,
  type SwitchboardClient,
} from '../../client/index.js';
import type { IdentifyData, WidgetHost } from '../host.js';
import { type StartBody, type WidgetApi, WidgetApiError } from './api.js';
import { catalogs } from './i18n.js';
import { type PageView, watchPageViews } from './page-views.js';
import { fromFrame, type Item, isVisitor, lastAgentSeq, lastSeq, merge, ownKey } from './thread.js';

/** How many conversations a returning visitor follows live (newest first). */
const FOLLOW_LIMIT = 20;
/** A typing indicator nobody switched off ends by itself. */
const TYPING_SHOWN_MS = 8000;

export interface Thread {
  /** null for the conversation the first message will open. */
  readonly id: string | null;
  readonly items: Signal<Item[]>;
  readonly hasMore: Signal<boolean>;
  readonly loadingOlder: Signal<boolean>;
  /** The name of the agent typing now, or null. */
  readonly typing: Signal<string | null>;
  /** The highest seq an agent has read ("seen"). */
  readonly seenSeq: Signal<number>;
  readonly unread: Signal<number>;
  /** The server has counted this thread's unread replies (its `subscribed` arrived). */
  readonly counted: Signal<boolean>;
  loaded: boolean;
  readSeq: number;
  /** Where a live subscription starts when no history is loaded. */
  after: number;
  typingTimer?: ReturnType<typeof setTimeout>;
}

function newThread(id: string | null, after = 0, items: Item[] = []): Thread {
  return {
    id,
    items: signal(items),
    hasMore: signal(false),
    loadingOlder: signal(false),
    typing: signal(null),
    seenSeq: signal(0),
    unread: signal(0),
    counted: signal(false),
    loaded: id === null,
    readSeq: 0,
    after,
  };
}

const streamOf = (id: string) => `conv:${id}`;

export interface Profile {
  name: string;
  email: string;
}

export interface ChatDeps {
  host: WidgetHost;
  api: WidgetApi;
  /** The SDK, made once the visitor has a conversation (tests pass one on a scripted transport). */
  connect?: (token: string) => SwitchboardClient;
  /** Page views of the host page (tests, which have no `history`, pass their own). */
  watchPages?: typeof watchPageViews;
}

export function createChatModel(deps: ChatDeps) {
  const { host, api } = deps;
  const t = catalogs[host.lang];

  const config = signal<WidgetConfig | null>(null);
  /** Why the chat could not start, or null. */
  const failure = signal<string | null>(null);
  const conversations = signal<VisitorConversation[]>([]);
  /** Conversations followed live (each has an id). */
  const threads = signal<Thread[]>([]);
  const active = signal<Thread>(newThread(null));
  const view = signal<'thread' | 'list'>('thread');
  const profile = signal<Profile>({ name: '', email: '' });
  const prechatDone = signal(false);
  /** A message was left while nobody was available: "we'll reply by email, or here". */
  const leftMessage = signal(false);
  const status = signal<ConnectionState['status']>('idle');
  const open = signal(false);
  const pageVisible = signal(typeof document === 'undefined' || document.visibilityState === 'visible');

  let client: SwitchboardClient | null = null;
  let pendingIdentify: IdentifyData[] = [];
  let watchingPages = false;
  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;

  const unavailable = computed(() => {
    const c = config.value;
    return c && !c.available ? (c.reason ?? 'no_agents') : null;
  });
  /** Nothing written yet: the forms before a first message may show. */
  const isNew = computed(
    () =>
      active.value.id === null && conversations.value.length === 0 && active.value.items.value.length === 0,
  );
  const needsPrechat = computed(
    () => !!config.value?.site.prechat && isNew.value && !prechatDone.value && !unavailable.value,
  );
  const greeting = computed(() => host.greeting || config.value?.site.greeting || t.greeting);

  const threadOf = (stream: string): Thread | undefined =>
    stream.startsWith('conv:') ? threads.peek().find((th) => th.id === stream.slice(5)) : undefined;
  const viewing = (th: Thread) =>
    open.peek() && pageVisible.peek() && view.peek() === 'thread' && active.peek() === th;

  const upsert = (th: Thread, items: Item[]) => {
    th.items.value = merge(th.items.peek(), items);
  };
  const ownItem = (key: string, text: string, patch: Partial<Item> = {}): Item => ({
    key,
    seq: 0,
    text,
    mine: true,
    name: profile.peek().name || t.you,
    ts: Date.now(),
    status: 'pending',
    ...patch,
  });

  // ---- the live connection --------------------------------------------------------------------

  const makeClient =
    deps.connect ??
    ((token: string) =>
      createClient({
        url: `${host.origin.replace(/^http/, 'ws')}/ws`,
        site: host.site,
        visitor: token,
        pollCredentials: 'omit',
      }));

  function follow(th: Thread): void {
    if (!th.id || !client) return;
    client.subscribe(streamOf(th.id), { after: th.loaded ? lastSeq(th.items.peek()) : th.after });
  }

  function connect(): void {
    const token = host.token();
    if (client || !token) return;
    const c = makeClient(token);
    client = c;
    c.on('state', (s) => {
      status.value = s.status;
    });
    c.on('message', onMessage);
    c.on('outbox', (entry: OutboxEntry) => {
      const th = threadOf(entry.stream);
      if (!th) return;
      const patch: Partial<Item> = { status: entry.status, seq: entry.seq ?? 0 };
      if (entry.error) patch.error = entry.error;
      upsert(th, [ownItem(ownKey(entry.clientMsgId), entry.text, patch)]);
    });
    c.on('typing', ({ stream, user, active: on }) => {
      const th = threadOf(stream);
      if (!th || isVisitor(user.id)) return;
      clearTimeout(th.typingTimer);
      th.typing.value = on ? user.name : null;
      if (on) th.typingTimer = setTimeout(() => (th.typing.value = null), TYPING_SHOWN_MS);
    });
    c.on('receipt', ({ stream, by, seq }) => {
      const th = threadOf(stream);
      if (th && !isVisitor(by.id) && seq > th.seenSeq.peek()) th.seenSeq.value = seq;
    });
    c.on('subscribed', ({ stream, readSeq, unread }) => {
      const th = threadOf(stream);
      if (!th) return;
      th.readSeq = readSeq;
      batch(() => {
        th.unread.value = unread;
        th.counted.value = true;
      });
    });
    c.on('read', ({ stream, seq, unread }) => {
      const th = threadOf(stream);
      if (!th) return;
      th.readSeq = Math.max(th.readSeq, seq);
      th.unread.value = unread;
    });
    c.on('resync', ({ stream }) => {
      const th = threadOf(stream);
      if (th) void loadLatest(th, true);
    });
    c.on('error', (frame) => console.warn(`Switchboard: ${frame.code}: ${frame.message}`));
    // The visitor's own stream carries what the site's backend pushes to them (`{visitor: id}`).
    c.on('welcome', ({ user }) => {
      const id = user.id.startsWith('v.') ? user.id.slice(2) : user.id;
      host.visitor(id);
      if (c.cursor(`visitor:${id}`) === undefined) c.subscribe(`visitor:${id}`);
    });
    c.on('event', (frame) => {
      if (frame.stream.startsWith('visitor:'))
        host.event({ event: frame.event, data: frame.data, at: frame.ts });
    });
    for (const th of threads.peek()) follow(th);
    c.connect();
  }

  function onMessage(frame: MsgFrame): void {
    const th = threadOf(frame.stream);
    if (!th) return;
    const item = fromFrame(frame);
    upsert(th, [item]);
    conversations.value = conversations
      .peek()
      .map((conv) =>
        conv.id === th.id
          ? {
              ...conv,
              lastSeq: Math.max(conv.lastSeq, frame.seq),
              lastPreview: frame.text.slice(0, 140),
              lastFrom: item.mine ? ('visitor' as const) : ('agent' as const),
              lastActivityAt: frame.ts,
            }
          : conv,
      )
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    if (item.mine) return;
    clearTimeout(th.typingTimer);
    th.typing.value = null;
    if (!viewing(th) && frame.seq > th.readSeq) th.unread.value = th.unread.peek() + 1;
    host.message({ conversation: th.id as string, from: frame.from.name, text: frame.text, at: frame.ts });
  }

  // The launcher's dot: the sum over followed conversations, once the server counted each.
  effect(() => {
    const list = threads.value;
    if (list.length === 0 || !list.every((th) => th.counted.value)) return;
    host.unread(list.reduce((n, th) => n + th.unread.value, 0));
  });

  // Reading: while the panel is open on a conversation and the page is visible, everything in it
  // is read, up to the newest message the client holds.
  effect(() => {
    const th = active.value;
    if (!open.value || !pageVisible.value || view.value !== 'thread' || !th.id) return;
    const items = th.items.value;
    const unread = th.unread.value;
    if (!th.loaded) return;
    const seq = Math.max(lastSeq(items), client?.cursor(streamOf(th.id)) ?? 0);
    if (seq > 0 && (lastAgentSeq(items) > th.readSeq || unread > 0)) {
      th.readSeq = Math.max(th.readSeq, seq);
      client?.markRead(streamOf(th.id), seq);
      if (unread > 0) th.unread.value = 0;
    }
  });

  // ---- history --------------------------------------------------------------------------------

  async function loadLatest(th: Thread, replace = false): Promise<void> {
    if (!th.id) return;
    const page = await api.messages(th.id);
    const stored = page.messages.flatMap((m) => (m.type === 'msg' ? [fromFrame(m)] : []));
    const keep = replace ? th.items.peek().filter((i) => i.seq === 0) : th.items.peek();
    // Loaded before the items change: the reading effect runs on that change and needs to know.
    th.loaded = true;
    batch(() => {
      th.items.value = merge(keep, stored);
      th.hasMore.value = page.hasMore;
    });
  }

  async function loadOlder(): Promise<void> {
    const th = active.peek();
    const first = th.items.peek().find((i) => i.seq > 0);
    if (!th.id || !first || th.loadingOlder.peek()) return;
    th.loadingOlder.value = true;
    try {
      const page = await api.messages(th.id, first.seq);
      upsert(
        th,
        page.messages.flatMap((m) => (m.type === 'msg' ? [fromFrame(m)] : [])),
      );
      th.hasMore.value = page.hasMore;
    } catch (err) {
      console.warn(`Switchboard: ${errorText(err)}`);
    } finally {
      th.loadingOlder.value = false;
    }
  }

  // ---- the visitor ----------------------------------------------------------------------------

  const report = (pageView: PageView) => {
    let timezone: string | undefined;
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      // no time zone: the agent sees none
    }
    api.page({ ...pageView, ...(timezone ? { timezone } : {}) }).catch(() => {
      // page views are a courtesy to the agent: a refused one (rate limit) is not worth a word
    });
  };

  async function sendIdentify(data: IdentifyData): Promise<void> {
    try {
      await api.identify(data);
    } catch (err) {
      console.warn(`Switchboard.identify: ${errorText(err)}`);
    }
  }

  /** The visitor exists from now on: report pages and send what the page told about them. */
  async function visitorReady(): Promise<void> {
    if (!watchingPages) {
      watchingPages = true;
      (deps.watchPages ?? watchPageViews)(report);
    }
    const queued = pendingIdentify;
    pendingIdentify = [];
    for (const data of queued) await sendIdentify(data);
  }

  async function ensureVisitor(): Promise<void> {
    if (host.token()) return;
    const { token } = await api.createVisitor();
    host.saveToken(token);
    await visitorReady();
  }

  function identify(data: IdentifyData): void {
    const current = profile.peek();
    const next = {
      name: typeof data.name === 'string' ? data.name : current.name,
      email: typeof data.email === 'string' ? data.email : current.email,
    };
    profile.value = next;
    // A visitor the page already knows by name and email skips the pre-chat form.
    if (next.name && next.email) prechatDone.value = true;
    if (host.token()) void sendIdentify(data);
    else pendingIdentify.push(data);
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Opens the conversation with its first message (HTTP), then follows it live. */
  async function start(draft: Thread, text: string, recover: boolean): Promise<void> {
    const clientMsgId = newClientMsgId();
    const key = ownKey(clientMsgId);
    upsert(draft, [ownItem(key, text)]);
    try {
      await ensureVisitor();
      // NOTE: POST /conversations is not idempotent (see README). After a failure that may have
      // stored the conversation (no answer, or a 5xx), a retry adopts it instead of opening a
      // second one.
      const adopted = recover ? await findStarted(text) : null;
      const { name, email } = profile.peek();
      const body: StartBody = { text, clientMsgId };
      if (name) body.name = name;
      if (email) body.email = email;
      const { conversation, message } = adopted ?? (await api.start(body));
      // Messages written meanwhile (still pending) are sent by `send` once this one is in.
      const carried = draft.items.peek().filter((i) => i.key !== key && i.status !== 'pending');
      const th = newThread(conversation.id, message.seq, merge(carried, [fromFrame(message)]));
      if (adopted) await loadLatest(th);
      th.loaded = true;
      batch(() => {
        conversations.value = [conversation, ...conversations.peek().filter((c) => c.id !== conversation.id)];
        threads.value = [th, ...threads.peek()];
        if (active.peek() === draft) active.value = th;
        if (unavailable.peek()) leftMessage.value = true;
      });
      if (client) follow(th);
      else connect();
    } catch (err) {
      const status = err instanceof WidgetApiError ? err.status : 0;
      upsert(draft, [
        ownItem(key, text, {
          status: 'failed',
          error: status === 429 ? t.rateLimited : errorText(err),
          uncertain: status === 0 || status >= 500,
        }),
      ]);
    }
  }

  /** A conversation opened by a send whose answer was lost, if there is one. */
  async function findStarted(
    text: string,
  ): Promise<{ conversation: VisitorConversation; message: MsgFrame } | null> {
    const known = new Set(conversations.peek().map((c) => c.id));
    const { conversations: list } = await api.conversations();
    const found = list.find(
      (c) => !known.has(c.id) && c.lastFrom === 'visitor' && c.lastPreview === text.slice(0, 140),
    );
    if (!found) return null;
    const page = await api.messages(found.id);
    const first = page.messages.find((m): m is MsgFrame => m.type === 'msg');
    return first ? { conversation: found, message: first } : null;
  }

  function sendLive(th: Thread, text: string): void {
    const entry = (client as SwitchboardClient).send(streamOf(th.id as string), text);
    const patch: Partial<Item> = { status: entry.status };
    if (entry.error) patch.error = entry.error;
    upsert(th, [ownItem(ownKey(entry.clientMsgId), text, patch)]);
  }

  /** The first message's request, while it is under way: later ones wait for its conversation. */
  let starting: Promise<void> | null = null;

  function send(text: string, recover = false): void {
    const body = text.trim();
    if (!body) return;
    const th = active.peek();
    stopTyping();
    if (th.id && client) {
      sendLive(th, body);
      return;
    }
    if (!starting) {
      starting = start(th, body, recover).finally(() => {
        starting = null;
      });
      return;
    }
    const key = ownKey(newClientMsgId());
    upsert(th, [ownItem(key, body)]);
    void starting.then(() => {
      th.items.value = th.items.peek().filter((i) => i.key !== key);
      const now = active.peek();
      if (now.id && client) sendLive(now, body);
      else send(body);
    });
  }

  function retry(item: Item): void {
    const th = active.peek();
    th.items.value = th.items.peek().filter((i) => i.key !== item.key);
    send(item.text, !!item.uncertain);
  }

  function typing(text: string): void {
    const th = active.peek();
    if (!th.id || !client) return;
    clearTimeout(typingStop);
    if (!text.trim()) {
      stopTyping();
      return;
    }
    if (Date.now() - typingSentAt > 2000) {
      typingSentAt = Date.now();
      client.typing(streamOf(th.id), true);
    }
    typingStop = setTimeout(stopTyping, 4000);
  }

  function stopTyping(): void {
    clearTimeout(typingStop);
    const th = active.peek();
    if (!typingSentAt || !th.id || !client) return;
    typingSentAt = 0;
    client.typing(streamOf(th.id), false);
  }

  // ---- start-up and navigation ----------------------------------------------------------------

  async function init(): Promise<void> {
    failure.value = null;
    try {
      let list: VisitorConversation[] = [];
      const [cfg] = await Promise.all([
        api.config(),
        host.token()
          ? api.conversations().then(
              (answer) => {
                list = answer.conversations;
              },
              (err) => {
                // An unknown token: this site forgot the visitor; start afresh.
                if (err instanceof WidgetApiError && err.status === 401) host.saveToken(null);
                else throw err;
              },
            )
          : null,
      ]);
      const followed = list.slice(0, FOLLOW_LIMIT).map((c) => newThread(c.id, c.lastSeq));
      if (followed[0]) await loadLatest(followed[0]);
      batch(() => {
        config.value = cfg;
        conversations.value = list;
        threads.value = followed;
        if (followed[0]) active.value = followed[0];
      });
      if (host.token()) await visitorReady();
      // Live only with something to follow: a visitor without a conversation needs no socket.
      if (followed.length > 0) connect();
    } catch (err) {
      console.warn(`Switchboard: ${errorText(err)}`);
      failure.value = errorText(err);
    }
  }

  function openConversation(id: string): void {
    const th = threads.peek().find((x) => x.id === id);
    if (!th) return;
    batch(() => {
      active.value = th;
      view.value = 'thread';
    });
    if (!th.loaded) loadLatest(th).catch((err) => console.warn(`Switchboard: ${errorText(err)}`));
  }

  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      pageVisible.value = document.visibilityState === 'visible';
    });
  }

  return {
    t,
    host,
    config,
    failure,
    conversations,
    threads,
    active,
    view,
    profile,
    prechatDone,
    leftMessage,
    status,
    open,
    unavailable,
    isNew,
    needsPrechat,
    greeting,
    init,
    identify,
    send,
    retry,
    typing,
    loadOlder,
    openConversation,
    showList: () => {
      view.value = 'list';
    },
    submitPrechat(who: Profile) {
      batch(() => {
        profile.value = who;
        prechatDone.value = true;
      });
    },
    /** Nobody is available: the message goes with an email address to reply to. */
    leaveMessage(who: Profile, text: string) {
      profile.value = who;
      send(text);
    },
  };
}

export type ChatModel = ReturnType<typeof createChatModel>;

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
