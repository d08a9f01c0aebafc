/**
 * The support widget without a browser: its message list rules, its copy of linkify, the SDK's
 * widget options, and the chat model driving the real SDK over a scripted transport with a fake
 * HTTP API (the browser tests in tests/e2e/widget*.spec.ts cover the rest).
 */
import { describe, expect, it, vi } from 'vitest';
import type { VisitorConversation, WidgetConfig } from '../../shared/api.js';
import { linkify } from '../../shared/linkify.js';
import type { ClientFrame, MsgFrame, ServerFrame } from '../../shared/protocol.js';
import { createClient, type WebSocketConstructor } from '../../web/client/index.js';
import type { TransportHandlers } from '../../web/client/transport.js';
import { type WidgetApi, WidgetApiError } from '../../web/widget/chat/api.js';
import { createChatModel } from '../../web/widget/chat/model.js';
import { fromFrame, type Item, merge, ownKey, seenKey } from '../../web/widget/chat/thread.js';
import type { WidgetHost, WidgetMessageEvent, WidgetPushEvent } from '../../web/widget/host.js';

const VISITOR = { id: 'v.vis1', name: 'Vera' };
const AGENT = { id: 'agent1', name: 'alice' };
const TOKEN = 'T'.repeat(43);

const msg = (
  stream: string,
  seq: number,
  from: { id: string; name: string },
  text: string,
  clientMsgId = `c${seq}`,
) =>
  ({ type: 'msg', stream, seq, id: `id${seq}`, ts: 1000 + seq, from, clientMsgId, text }) satisfies MsgFrame;

const texts = (items: Item[]) => items.map((i) => `${i.text}${i.status === 'sent' ? '' : ` (${i.status})`}`);

describe('the message list', () => {
  it('keeps a pending send, its ack and its echo as one item, stored ones by seq, unsent ones last', () => {
    const pending: Item = {
      ...fromFrame(msg('conv:a', 0, VISITOR, 'mine', 'k1')),
      seq: 0,
      status: 'pending',
    };
    let items = merge([], [pending, fromFrame(msg('conv:a', 2, AGENT, 'second'))]);
    items = merge(items, [fromFrame(msg('conv:a', 1, AGENT, 'first'))]);
    expect(texts(items)).toEqual(['first', 'second', 'mine (pending)']);
    items = merge(items, [fromFrame(msg('conv:a', 3, VISITOR, 'mine', 'k1'))]);
    expect(texts(items)).toEqual(['first', 'second', 'mine']);
    // A late "pending" after the echo, and a duplicate of seq 2 under another key, change nothing.
    items = merge(items, [
      { ...pending },
      { ...fromFrame(msg('conv:a', 2, AGENT, 'second')), key: 's:other' },
    ]);
    expect(texts(items)).toEqual(['first', 'second', 'mine']);
    expect(items.map((i) => i.key)).toEqual(['s:id1', 's:id2', ownKey('k1')]);
  });

  it('puts "Seen" under the visitor’s last stored message once an agent read up to it', () => {
    const items = [
      fromFrame(msg('conv:a', 1, VISITOR, 'hello', 'h')),
      fromFrame(msg('conv:a', 2, AGENT, 'hi')),
      fromFrame(msg('conv:a', 3, VISITOR, 'thanks', 't')),
    ];
    expect(seenKey(items, 2)).toBeNull();
    expect(seenKey(items, 3)).toBe(ownKey('t'));
    expect(seenKey([...items, fromFrame(msg('conv:a', 4, AGENT, 'welcome'))], 3)).toBe(ownKey('t'));
    expect(seenKey([items[1] as Item], 9)).toBeNull();
  });
});

describe('linkify, as the widget renders messages with it (shared/linkify.ts, as the SPA)', () => {
  it.each([
    'see https://example.com.',
    'javascript:alert(1) and <img src=x onerror=alert(1)>',
    '(https://example.com/a_(b)) [x](javascript:alert(1)) xhttps://evil.example',
    'https://例え.jp/パス?q=1, http://[::1]:8080/x!',
  ])('keeps every character of %s and links only http(s) URLs', (text) => {
    const segments = linkify(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    for (const s of segments) {
      if (s.kind === 'link') expect(new URL(s.href).protocol).toMatch(/^https?:$/);
    }
  });
});

describe('the SDK for a widget', () => {
  it('names the site on the socket and on polls, and polls without cookies when asked', async () => {
    const urls: string[] = [];
    class FakeSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(url: string) {
        urls.push(url);
      }
      send() {}
      close() {}
    }
    const socket = createClient({
      url: 'wss://chat.example.com/ws',
      site: 'key 1',
      visitor: TOKEN,
      transport: 'websocket',
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
    });
    socket.connect();
    expect(urls).toEqual(['wss://chat.example.com/ws?site=key%201']);
    socket.close();

    const requests: { url: string; credentials: RequestCredentials | undefined }[] = [];
    const fetch = vi.fn(
      (url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          requests.push({ url: String(url), credentials: init?.credentials });
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const polling = createClient({
      url: 'wss://chat.example.com/ws',
      site: 'key1',
      visitor: TOKEN,
      transport: 'polling',
      fetch: fetch as typeof globalThis.fetch,
      pollCredentials: 'omit',
    });
    polling.connect();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toEqual({ url: 'https://chat.example.com/api/poll?site=key1', credentials: 'omit' });
    polling.close();
  });
});

// ---- the chat model -------------------------------------------------------------------------------

class ScriptedTransport {
  readonly name = 'websocket' as const;
  readonly sent: ClientFrame[] = [];
  constructor(readonly handlers: TransportHandlers) {}
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
      user: { id: VISITOR.id, name: VISITOR.name, role: 'visitor' },
      heartbeatMs: 25_000,
      replayLimit: 1000,
    });
  }
  deliver(frame: ServerFrame) {
    this.handlers.onMessage(JSON.stringify(frame));
  }
  sentOf<T extends ClientFrame['type']>(type: T) {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }
}

const conversation = (id: string, lastSeq: number, at: number): VisitorConversation => ({
  id,
  status: 'open',
  lastSeq,
  lastPreview: '',
  lastFrom: 'agent',
  lastActivityAt: at,
});

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

function harness(
  options: { token?: string; conversations?: VisitorConversation[]; history?: MsgFrame[] } = {},
) {
  let token = options.token ?? null;
  const unread: number[] = [];
  const messages: WidgetMessageEvent[] = [];
  const visitors: string[] = [];
  const pushed: WidgetPushEvent[] = [];
  const calls: string[] = [];
  const host: WidgetHost = {
    root: null as unknown as ShadowRoot,
    container: null as unknown as HTMLElement,
    origin: 'https://chat.example.com',
    site: 'site1',
    lang: 'en',
    greeting: '',
    token: () => token,
    saveToken: (value) => {
      token = value;
    },
    isOpen: () => false,
    close() {},
    unread: (count) => unread.push(count),
    message: (event) => messages.push(event),
    visitor: (id) => visitors.push(id),
    event: (event) => pushed.push(event),
  };
  const config: WidgetConfig = { site: { name: 'Shop', greeting: 'Hi', prechat: false }, available: true };
  const api = {
    config: async () => {
      calls.push('config');
      return config;
    },
    createVisitor: async () => {
      calls.push('visitors');
      return { token: TOKEN };
    },
    conversations: async () => {
      calls.push('conversations');
      return { conversations: options.conversations ?? [] };
    },
    start: vi.fn(async (body: { text: string; clientMsgId?: string }) => {
      calls.push(`start ${body.text}`);
      return {
        conversation: conversation('new1', 1, 5000),
        message: msg('conv:new1', 1, VISITOR, body.text, body.clientMsgId),
      };
    }),
    messages: async (id: string) => {
      calls.push(`messages ${id}`);
      return { messages: (options.history ?? []).filter((m) => m.stream === `conv:${id}`), hasMore: false };
    },
    identify: async () => {
      calls.push('identify');
      return null;
    },
    page: async () => {
      calls.push('page');
    },
  };
  let transport: ScriptedTransport | null = null;
  const model = createChatModel({
    host,
    api: api as unknown as WidgetApi,
    watchPages: (report) => {
      report({ url: 'https://shop.example/', title: 'Shop' });
      return () => {};
    },
    connect: (visitor) =>
      createClient({
        url: 'wss://chat.example.com/ws',
        site: 'site1',
        visitor,
        transport: 'websocket',
        transports: {
          websocket: (handlers) => {
            transport = new ScriptedTransport(handlers);
            return transport;
          },
        },
      }),
  });
  return {
    model,
    api,
    calls,
    unread,
    messages,
    visitors,
    pushed,
    token: () => token,
    transport: () => {
      if (!transport) throw new Error('the model has not connected');
      return transport;
    },
    items: () => texts(model.active.peek().items.peek()),
  };
}

describe('the chat', () => {
  it('makes the visitor and the conversation on the first message, then follows it live from there', async () => {
    const h = harness();
    await h.model.init();
    expect(h.calls).toEqual(['config']);
    h.model.send('  Where is my order?  ');
    expect(h.items()).toEqual(['Where is my order? (pending)']);
    await flush();
    expect(h.calls).toEqual(['config', 'visitors', 'page', 'start Where is my order?']);
    expect(h.token()).toBe(TOKEN);
    expect(h.items()).toEqual(['Where is my order?']);
    const t = h.transport();
    t.welcome();
    expect(t.sent.slice(0, 2)).toEqual([
      { type: 'hello', v: 1, visitor: TOKEN },
      { type: 'sub', stream: 'conv:new1', after: 1 },
    ]);
  });

  it('holds a message written while the first is under way, and sends it into the same conversation', async () => {
    const h = harness();
    await h.model.init();
    let answer: () => void = () => {};
    const original = h.api.start.getMockImplementation();
    h.api.start.mockImplementationOnce(
      (body) =>
        new Promise((resolve) => (answer = () => resolve((original as NonNullable<typeof original>)(body)))),
    );
    h.model.send('one');
    h.model.send('two');
    await flush();
    expect(h.items()).toEqual(['one (pending)', 'two (pending)']);
    answer();
    await flush();
    expect(h.api.start).toHaveBeenCalledTimes(1);
    const t = h.transport();
    t.welcome();
    const [send] = t.sentOf('send');
    expect(send).toMatchObject({ stream: 'conv:new1', text: 'two' });
    expect(h.items()).toEqual(['one', 'two (pending)']);
    t.deliver({
      type: 'ack',
      stream: 'conv:new1',
      clientMsgId: send?.clientMsgId as string,
      id: 'x',
      seq: 2,
      ts: 9,
    });
    expect(h.items()).toEqual(['one', 'two']);
  });

  it('shows the dot once every followed conversation is counted, counts replies while closed, and reading clears', async () => {
    const h = harness({
      token: TOKEN,
      conversations: [conversation('a', 2, 2000), conversation('b', 4, 1000)],
      history: [
        msg('conv:a', 1, VISITOR, 'hi', 'h1'),
        msg('conv:a', 2, AGENT, 'hello'),
        msg('conv:b', 3, AGENT, 'Your refund is on its way'),
        msg('conv:b', 4, AGENT, 'It takes 3 days'),
      ],
    });
    await h.model.init();
    expect(h.calls).toEqual(['config', 'conversations', 'messages a', 'page']);
    const t = h.transport();
    t.welcome();
    expect(t.sentOf('sub')).toEqual([
      { type: 'sub', stream: 'conv:a', after: 2 },
      { type: 'sub', stream: 'conv:b', after: 4 },
      { type: 'sub', stream: 'visitor:vis1' },
    ]);
    expect(h.visitors).toEqual(['vis1']);
    t.deliver({ type: 'subscribed', stream: 'conv:a', head: 2, readSeq: 1, unread: 1 });
    expect(h.unread).toEqual([]);
    t.deliver({ type: 'subscribed', stream: 'conv:b', head: 4, readSeq: 2, unread: 2 });
    expect(h.unread).toEqual([3]);
    t.deliver(msg('conv:b', 5, AGENT, 'Anything else?'));
    expect(h.unread).toEqual([3, 4]);
    expect(h.messages).toEqual([{ conversation: 'b', from: 'alice', text: 'Anything else?', at: 1005 }]);
    // What the site's backend pushes to this visitor reaches the page's on('event') listeners.
    t.deliver({ type: 'subscribed', stream: 'visitor:vis1', head: 0, readSeq: 0, unread: 0 });
    t.deliver({
      type: 'event',
      stream: 'visitor:vis1',
      seq: 1,
      id: 'e1',
      event: 'order.shipped',
      data: { order: 42 },
      ts: 7,
    });
    expect(h.pushed).toEqual([{ event: 'order.shipped', data: { order: 42 }, at: 7 }]);
    expect(h.model.conversations.peek().map((c) => c.id)).toEqual(['a', 'b']);

    h.model.open.value = true; // on conversation a, the newest
    expect(t.sentOf('read')).toEqual([{ type: 'read', stream: 'conv:a', seq: 2 }]);
    expect(h.unread).toEqual([3, 4, 3]);
    t.deliver({ type: 'typing', stream: 'conv:a', user: AGENT, active: true });
    expect(h.model.active.peek().typing.peek()).toBe('alice');
    t.deliver(msg('conv:a', 3, AGENT, 'Still there?'));
    expect(h.model.active.peek().typing.peek()).toBeNull();
    expect(t.sentOf('read').at(-1)).toEqual({ type: 'read', stream: 'conv:a', seq: 3 });
    expect(h.unread).toEqual([3, 4, 3]);

    // The older conversation, from the list: its history loads and everything in it is read.
    h.model.showList();
    h.model.openConversation('b');
    await flush();
    expect(h.items()).toEqual(['Your refund is on its way', 'It takes 3 days', 'Anything else?']);
    expect(t.sentOf('read').at(-1)).toEqual({ type: 'read', stream: 'conv:b', seq: 5 });
    expect(h.unread).toEqual([3, 4, 3, 0]);
  });

  it('after a lost answer to the first message, the retry adopts the conversation the server opened', async () => {
    const h = harness();
    await h.model.init();
    h.api.start.mockRejectedValueOnce(new WidgetApiError(0, 'could not reach the server'));
    h.model.send('Hello?');
    await flush();
    expect(h.items()).toEqual(['Hello? (failed)']);
    // It was stored after all: the server has the conversation and its first message.
    const stored = msg('conv:lost1', 1, VISITOR, 'Hello?', 'orig');
    h.api.conversations = async () => ({
      conversations: [{ ...conversation('lost1', 1, 3000), lastFrom: 'visitor', lastPreview: 'Hello?' }],
    });
    h.api.messages = async () => ({ messages: [stored], hasMore: false });
    h.model.retry(h.model.active.peek().items.peek()[0] as Item);
    await flush();
    expect(h.api.start).toHaveBeenCalledTimes(1);
    expect(h.model.active.peek().id).toBe('lost1');
    expect(h.items()).toEqual(['Hello?']);
  });
});
