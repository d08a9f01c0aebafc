/**
 * The agent console's models without a browser: the queue folded from an HTTP snapshot and the
 * queue stream's events, unread counts, alerts, resync, the SDK's support helpers (over a
 * scripted transport), and the small pure helpers (canned responses, origins, user agents).
 */
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame, ConversationView, ServerFrame } from '../../shared/protocol.js';
import { parseOrigins } from '../../web/app/admin/models/admin.js';
import type { Api, ApiResult } from '../../web/app/common/api.js';
import { catalogs } from '../../web/app/common/i18n.js';
import type { Route, Router } from '../../web/app/common/models/router.js';
import type { AlertInput, Alerts } from '../../web/app/support/models/alerts.js';
import { cannedQuery, insertCanned, matchCanned } from '../../web/app/support/models/canned.js';
import { createSupportDesk, QUEUE_STREAM, type SupportDesk } from '../../web/app/support/models/support.js';
import { summarizeUserAgent } from '../../web/app/support/models/useragent.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import { createSupportClient } from '../../web/client/support.js';
import type { TransportHandlers } from '../../web/client/transport.js';

const ME = { id: 'u1', username: 'ann', role: 'agent' as const };

class ScriptedTransport {
  readonly sent: ClientFrame[] = [];
  constructor(readonly handlers: TransportHandlers) {}
  readonly name = 'websocket' as const;
  send(frame: ClientFrame) {
    this.sent.push(frame);
  }
  close() {}
  welcome() {
    this.sent.push(...this.handlers.prelude());
    this.handlers.onOpen();
    this.deliver({
      type: 'welcome',
      v: 1,
      connId: 'c1',
      user: { id: ME.id, name: ME.username, role: ME.role },
      heartbeatMs: 60_000,
      replayLimit: 1000,
    });
  }
  deliver(frame: ServerFrame) {
    this.handlers.onMessage(JSON.stringify(frame));
  }
  drop() {
    this.handlers.onClose(1006, '');
  }
  sentOf<T extends ClientFrame['type']>(type: T) {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }
}

const view = (id: string, over: Partial<ConversationView> = {}): ConversationView => ({
  id,
  siteId: 's1',
  siteName: 'Shop',
  status: 'open',
  assignee: null,
  visitor: { id: `vis-${id}`, name: `Visitor ${id}`, email: '' },
  createdAt: 1,
  lastActivityAt: 1,
  lastSeq: 1,
  lastPreview: 'hello',
  lastFrom: 'visitor',
  ...over,
});

const ok = <T>(value: T): Promise<ApiResult<T>> => Promise.resolve({ ok: true, value });

let transports: ScriptedTransport[];
let client: SwitchboardClient;
let lists: Record<string, { items: ConversationView[]; queueHead: number }>;
let listCalls: number;
let alerts: AlertInput[];
let route: ReturnType<typeof signal<Route>>;
let desk: SupportDesk;
const latest = () => transports.at(-1) as ScriptedTransport;
let queueSeq = 0;

function queueEvent(v: ConversationView, seq = ++queueSeq): ServerFrame {
  return { type: 'event', stream: QUEUE_STREAM, seq, id: `q${seq}`, ts: seq, event: 'conversation', data: v };
}

function makeDesk(): SupportDesk {
  const api = {
    conversations: (status?: string) => {
      listCalls++;
      return ok(lists[status ?? 'open'] ?? { items: [], queueHead: 0 });
    },
    agents: () => ok({ agents: [] }),
    canned: () => ok({ canned: [] }),
    conversation: (id: string) => ok({ conversation: view(id), visitor: null }),
    conversationMessages: (id: string) =>
      ok({
        messages: [
          {
            type: 'msg',
            stream: `conv:${id}`,
            seq: 2,
            id: 'm2',
            ts: 2,
            from: { id: `v.vis-${id}`, name: 'Vera' },
            clientMsgId: 'c2',
            text: 'hello?',
          },
        ],
        hasMore: false,
      }),
    conversationNotes: () => ok({ messages: [], hasMore: false }),
  } as unknown as Api;
  const fakeAlerts: Alerts = {
    muted: signal(false),
    setMuted() {},
    permission: signal('default'),
    async requestPermission() {},
    alert: (input) => alerts.push(input),
    dispose() {},
  };
  const router = {
    route,
    query: signal(new URLSearchParams()),
    navigate() {},
    href: (p: string) => p,
  } as unknown as Router;
  return createSupportDesk({
    api,
    client,
    me: ME,
    router,
    visible: signal(true),
    alerts: fakeAlerts,
    t: () => catalogs.en,
  });
}

beforeEach(() => {
  transports = [];
  alerts = [];
  listCalls = 0;
  queueSeq = 10;
  route = signal<Route>({ name: 'support', conversationId: null });
  lists = {
    open: { items: [view('a', { lastActivityAt: 5 }), view('b', { lastActivityAt: 9 })], queueHead: 10 },
    pending: { items: [], queueHead: 10 },
    resolved: { items: [view('r', { status: 'resolved' })], queueHead: 10 },
  };
  client = createClient({
    url: 'ws://test/ws',
    transport: 'websocket',
    transports: {
      websocket: (handlers) => {
        const t = new ScriptedTransport(handlers);
        transports.push(t);
        return t;
      },
    },
  });
});
afterEach(() => {
  desk?.dispose();
  client.close();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the queue', () => {
  it('lists the snapshot newest first, then follows the queue stream from the snapshot’s head', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    expect(desk.queue.value.map((e) => e.id)).toEqual(['b', 'a', 'r']);
    expect(latest().sentOf('sub')).toContainEqual({ type: 'sub', stream: QUEUE_STREAM, after: 10 });
    // Every conversation not resolved is followed, for its unread count and receipts.
    const subs = latest()
      .sentOf('sub')
      .map((s) => s.stream);
    expect(subs).toContain('conv:a');
    expect(subs).toContain('conv:b');
    expect(subs).not.toContain('conv:r');

    latest().deliver({ type: 'subscribed', stream: QUEUE_STREAM, head: 10, readSeq: 0, unread: 0 });
    latest().deliver(queueEvent(view('a', { lastActivityAt: 20, lastSeq: 2, lastPreview: 'again' })));
    latest().deliver(queueEvent(view('c', { lastActivityAt: 30 })));
    expect(desk.queue.value.map((e) => e.id)).toEqual(['c', 'a', 'b', 'r']);
    expect(desk.entry('a')?.view.value.lastPreview).toBe('again');
  });

  it('keeps an event newer than a reloaded snapshot, and reloads the snapshot on resync', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'subscribed', stream: QUEUE_STREAM, head: 10, readSeq: 0, unread: 0 });
    latest().deliver(queueEvent(view('a', { status: 'pending' }), 11));
    // The server cannot resume the queue: the console loads the lists again. Their head (10) is
    // older than the event already applied (11), so that event's view stays.
    const before = listCalls;
    latest().deliver({ type: 'resync_required', stream: QUEUE_STREAM, head: 500, reason: 'backlog' });
    await flush();
    expect(listCalls).toBe(before + 3);
    expect(desk.entry('a')?.view.value.status).toBe('pending');
    // A reload whose head is past an entry's events replaces it.
    lists.open = { items: [view('b', { lastPreview: 'from the reload' })], queueHead: 600 };
    latest().deliver({ type: 'resync_required', stream: QUEUE_STREAM, head: 600, reason: 'backlog' });
    await flush();
    expect(desk.entry('b')?.view.value.lastPreview).toBe('from the reload');
  });

  it('ignores a queue event whose data is not a conversation', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'subscribed', stream: QUEUE_STREAM, head: 10, readSeq: 0, unread: 0 });
    latest().deliver({
      type: 'event',
      stream: QUEUE_STREAM,
      seq: 11,
      id: 'q11',
      ts: 1,
      event: 'conversation',
      data: { id: 'x', status: 'weird' },
    });
    expect(desk.entry('x')).toBeUndefined();
  });
});

describe('unread counts and alerts', () => {
  it('counts messages from others after the read position, and takes the server’s number on read', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'subscribed', stream: 'conv:a', head: 3, readSeq: 1, unread: 2 });
    expect(desk.entry('a')?.unread.value).toBe(2);
    const msg = (seq: number, from: string): ServerFrame => ({
      type: 'msg',
      stream: 'conv:a',
      seq,
      id: `m${seq}`,
      ts: seq,
      from: { id: from, name: from },
      clientMsgId: `c${seq}`,
      text: 'hi',
    });
    latest().deliver(msg(4, 'v.vis-a'));
    latest().deliver(msg(5, ME.id)); // the agent's own reply
    expect(desk.entry('a')?.unread.value).toBe(3);
    expect(desk.totalUnread.value).toBe(3);
    latest().deliver({ type: 'read', stream: 'conv:a', seq: 5, unread: 0 });
    expect(desk.entry('a')?.unread.value).toBe(0);
  });

  it('alerts for a visitor’s new message in a conversation that is the agent’s or nobody’s', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'subscribed', stream: QUEUE_STREAM, head: 10, readSeq: 0, unread: 0 });
    latest().deliver(queueEvent(view('n', { lastSeq: 1, siteName: 'Shop' })));
    latest().deliver(queueEvent(view('a', { lastSeq: 2, lastPreview: 'still there?' })));
    latest().deliver(queueEvent(view('a', { lastSeq: 3, lastFrom: 'agent' })));
    latest().deliver(queueEvent(view('b', { lastSeq: 2, assignee: { id: 'u9', name: 'someone else' } })));
    expect(alerts.map((a) => [a.title, a.body])).toEqual([
      ['New conversation on Shop', 'Visitor n: hello'],
      ['New message from Visitor a', 'Visitor a: still there?'],
    ]);
  });

  it('does not count or alert what the agent is looking at, and marks it read', async () => {
    route.value = { name: 'support', conversationId: 'a' };
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'subscribed', stream: QUEUE_STREAM, head: 10, readSeq: 0, unread: 0 });
    latest().deliver(queueEvent(view('a', { lastSeq: 2 })));
    expect(alerts).toEqual([]);
    latest().deliver({ type: 'subscribed', stream: 'conv:a', head: 2, readSeq: 0, unread: 2 });
    expect(desk.entry('a')?.unread.value).toBe(0);
    await flush();
    expect(latest().sentOf('read')).toEqual([{ type: 'read', stream: 'conv:a', seq: 2 }]);
  });

  it('tracks how far the visitor has read, from receipts by the visitor only', async () => {
    desk = makeDesk();
    client.connect();
    latest().welcome();
    await flush();
    latest().deliver({ type: 'receipt', stream: 'conv:a', by: { id: 'u2', name: 'bob' }, seq: 9 });
    latest().deliver({ type: 'receipt', stream: 'conv:a', by: { id: 'v.vis-a', name: 'Vera' }, seq: 4 });
    expect(desk.entry('a')?.visitorReadSeq.value).toBe(4);
  });
});

describe('the SDK’s support helpers', () => {
  it('sends assign and set_status only while online, and says so', () => {
    const support = createSupportClient(client);
    expect(support.assign('conv:a', ME.id)).toBe(false);
    client.connect();
    latest().welcome();
    expect(support.assign('conv:a', ME.id)).toBe(true);
    expect(support.setStatus('conv:a', 'resolved')).toBe(true);
    expect(latest().sent.slice(-2)).toEqual([
      { type: 'assign', stream: 'conv:a', to: ME.id },
      { type: 'set_status', stream: 'conv:a', status: 'resolved' },
    ]);
    support.dispose();
  });

  it('keeps a note pending until it comes back on the notes stream, resending it after a reconnect', () => {
    vi.useFakeTimers();
    try {
      const support = createSupportClient(client);
      const changes: string[] = [];
      support.on('note', (e) => changes.push(e.status));
      client.subscribe('notes:a');
      client.connect();
      latest().welcome();
      latest().deliver({ type: 'subscribed', stream: 'notes:a', head: 0, readSeq: 0, unread: 0 });
      const entry = support.note('conv:a', 'VIP');
      const first = latest().sentOf('note');
      expect(first).toEqual([
        { type: 'note', stream: 'conv:a', clientMsgId: entry.clientMsgId, text: 'VIP' },
      ]);
      latest().drop();
      vi.runOnlyPendingTimers();
      latest().welcome();
      // The same clientMsgId: the server stores it once.
      expect(latest().sentOf('note')).toEqual(first);
      latest().deliver({
        type: 'msg',
        stream: 'notes:a',
        seq: 1,
        id: 'n1',
        ts: 1,
        from: { id: ME.id, name: ME.username },
        clientMsgId: entry.clientMsgId,
        text: 'VIP',
      });
      expect(changes).toEqual(['pending', 'sent']);
      expect(entry).toMatchObject({ status: 'sent', seq: 1 });
      expect(support.note('conv:a', '   ')).toMatchObject({
        status: 'failed',
        error: 'the message is empty',
      });
      support.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers listConversations with the server’s list', async () => {
    const support = createSupportClient(client);
    await expect(support.listConversations('open')).rejects.toThrow('not connected');
    client.connect();
    latest().welcome();
    const answer = support.listConversations('open');
    expect(latest().sentOf('list_conversations')).toEqual([{ type: 'list_conversations', status: 'open' }]);
    latest().deliver({ type: 'conversations', items: [view('a')] });
    expect((await answer).map((c) => c.id)).toEqual(['a']);
    support.dispose();
  });
});

describe('helpers', () => {
  it('finds the /shortcut before the caret, matches and inserts a canned response', () => {
    expect(cannedQuery('/th', 3)).toEqual({ start: 0, prefix: 'th' });
    expect(cannedQuery('Hi /th', 6)).toEqual({ start: 3, prefix: 'th' });
    expect(cannedQuery('a/th', 4)).toBeNull(); // a slash inside a word is not a shortcut
    expect(cannedQuery('see https://x', 13)).toBeNull();
    const list = [
      { id: '1', shortcut: 'thanks-long', text: 'Thanks a lot!', createdAt: 0 },
      { id: '2', shortcut: 'thanks', text: 'Thanks!', createdAt: 0 },
      { id: '3', shortcut: 'ship', text: 'Shipping…', createdAt: 0 },
    ];
    expect(matchCanned(list, 'th').map((c) => c.shortcut)).toEqual(['thanks', 'thanks-long']);
    expect(insertCanned('Hi /th!', 3, 6, 'Thanks!')).toEqual({ text: 'Hi Thanks!!', caret: 10 });
  });

  it('reads allowed origins one per line, without blanks, trailing slashes or repeats', () => {
    expect(parseOrigins(' https://shop.example/ \n\nhttps://*.shop.example,https://shop.example')).toEqual([
      'https://shop.example',
      'https://*.shop.example',
    ]);
  });

  it('summarizes user agents as browser and system', () => {
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    expect(summarizeUserAgent(chrome)).toEqual({ browser: 'Chrome 120', os: 'Windows' });
    expect(summarizeUserAgent(`${chrome} Edg/120.0.2210.91`)).toEqual({ browser: 'Edge 120', os: 'Windows' });
    expect(
      summarizeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      ),
    ).toEqual({ browser: 'Safari 17', os: 'iOS' });
    expect(
      summarizeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'),
    ).toEqual({ browser: 'Firefox 121', os: 'Linux' });
    expect(summarizeUserAgent('curl/8.0')).toEqual({ browser: null, os: null });
  });
});
