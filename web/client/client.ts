/**
 * The Switchboard client: one connection per tab (or per bot), a state machine over a transport,
 * resume by cursor, dedupe by seq, and an outbox whose sends survive reconnects.
 *
 * @example
 * const client = createClient({ url: 'wss://chat.example.com/ws' });
 * client.on('message', (m) => console.log(m.from.name, m.text));
 * client.subscribe('room:general');
 * client.connect();
 * client.send('room:general', 'hello');
 */
import { decodeServerFrame, decodeServerValue } from '../../shared/codec.js';
import { CloseCode, closeInfo, ErrorCode, isErrorCode } from '../../shared/codes.js';
import {
  type AckFrame,
  type ChangeFrame,
  type ClientFrame,
  type ConversationsFrame,
  type ErrorFrame,
  type EventFrame,
  type JobFrame,
  type LogFrame,
  type MsgFrame,
  PROTOCOL_VERSION,
  type PresenceFrame,
  type ReceiptFrame,
  type ResyncFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { newClientMsgId, Outbox, type OutboxEntry } from './outbox.js';
import { pollingTransport } from './polling.js';
import {
  type ClientTransport,
  type TransportFactory,
  type TransportName,
  type WebSocketConstructor,
  webSocketTransport,
} from './transport.js';

export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting'; transport: TransportName; attempt: number }
  /**
   * `fallback` says why long-polling carries the connection in auto mode: `code` for programs
   * (and translations), `why` in English words, for example "WebSocket blocked".
   */
  | { status: 'online'; transport: TransportName; connId: string; fallback?: Fallback }
  | { status: 'reconnecting'; transport: TransportName; attempt: number; retryAt: number; reason: string }
  /** Terminal: the client stopped and will not retry by itself. */
  | { status: 'offline'; reason: string; code: number };

export type FallbackCode = 'websocket_blocked' | 'websocket_timeout' | 'websocket_unavailable';
export interface Fallback {
  code: FallbackCode;
  why: string;
}

export type SubscribedInfo = {
  stream: string;
  head: number;
  readSeq: number;
  unread: number;
  /** Rooms: messages after `readSeq` mentioning you. */
  mentions?: number;
};
export type TypingInfo = { stream: string; user: { id: string; name: string }; active: boolean };
export type ReadInfo = { stream: string; seq: number; unread: number; mentions?: number };

export type ClientEvents = {
  state: (state: ConnectionState) => void;
  welcome: (frame: WelcomeFrame) => void;
  message: (frame: MsgFrame) => void;
  /** A pushed event in a subscribed stream (push API, finished jobs), in seq order with messages. */
  event: (frame: EventFrame) => void;
  /** A change in a subscribed stream (an edit, a deletion, a reaction, a membership change), in seq order. */
  change: (frame: ChangeFrame) => void;
  /** A job's latest state (progress, then done or failed). */
  job: (frame: JobFrame) => void;
  /** Someone read a conversation up to a seq ("seen"). */
  receipt: (frame: ReceiptFrame) => void;
  /** The user's room list changed: fetch it again. */
  roomsChanged: () => void;
  /** The answer to `listConversations` (agents). */
  conversations: (frame: ConversationsFrame) => void;
  subscribed: (info: SubscribedInfo) => void;
  resync: (frame: ResyncFrame) => void;
  presence: (frame: PresenceFrame) => void;
  typing: (info: TypingInfo) => void;
  read: (info: ReadInfo) => void;
  /** An outbox entry changed status (pending, sent, failed). */
  outbox: (entry: OutboxEntry) => void;
  /** An error frame not tied to one of this client's sends. */
  error: (frame: ErrorFrame) => void;
};

export type TransportMode = 'auto' | TransportName;

export interface ClientOptions {
  /** The WebSocket URL of the server's `/ws` (ws:// or wss://). */
  url: string;
  /** The server's HTTP base URL for long-polling; derived from `url` when omitted. */
  pollUrl?: string;
  /** A WebSocket implementation; defaults to the global one (pass `ws`'s in Node). */
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  /**
   * 'auto' (the default): WebSocket first, long-polling when WebSocket does not open, and back to
   * WebSocket when a background probe finds it works. Or force one transport.
   */
  transport?: TransportMode;
  /** Replaces transport implementations (tests). */
  transports?: Partial<Record<TransportName, TransportFactory>>;
  /** auto: fall back when a WebSocket has not been welcomed within this long. */
  wsOpenTimeoutMs?: number;
  /** auto, while on long-polling: how often to probe WebSocket again. */
  probeIntervalMs?: number;
  /** A session token, for clients that do not carry the session cookie (bots, Node). */
  token?: string;
  /** A support widget: the site's key (added to the socket and poll URLs) and the visitor's token. */
  site?: string;
  visitor?: string;
  /**
   * Cookies on long-polls. Unset, polls send the session cookie to the same origin (the SPA); a
   * widget on a customer's page passes 'omit': it proves who it is in hello, never by cookie.
   */
  pollCredentials?: RequestCredentials;
  backoff?: Partial<BackoffOptions>;
  /** Give up on an attempt that has not received `welcome` within this long. */
  connectTimeoutMs?: number;
  random?: () => number;
}

interface StreamState {
  /** The highest seq this client holds; undefined until the server said where "now" is. */
  cursor: number | undefined;
  /** A `sub` is in flight; live frames are ignored until `subscribed` (the server replays). */
  resuming: boolean;
}

export class SwitchboardClient extends Emitter<ClientEvents> {
  private current: ConnectionState = { status: 'idle' };
  private transport: ClientTransport | null = null;
  private attemptId = 0;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private heartbeatMs = 25_000;
  private readonly streams = new Map<string, StreamState>();
  private readonly outbox = new Outbox();
  private readonly unsentReads = new Map<string, number>();
  /** Streams the last prelude subscribed; one added after it (before welcome) is sent on welcome. */
  private readonly inPrelude = new Set<string>();
  private readonly factories: Record<TransportName, TransportFactory | null>;
  private readonly mode: TransportMode;
  /** The transport the next attempt uses. */
  private active: TransportName;
  /** Why long-polling is in use in auto mode ("WebSocket blocked"), or null on WebSocket. */
  private fallback: Fallback | null = null;
  private wsEarlyCloses = 0;
  private probeTimer: ReturnType<typeof setInterval> | undefined;
  private probe: ClientTransport | null = null;
  private readonly wsOpenTimeoutMs: number;
  private readonly probeIntervalMs: number;
  /** One id for the life of this client (one tab): presence and the one-poll rule key on it. */
  readonly clientId = newClientMsgId();
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly connectTimeoutMs: number;
  private stopped = true;
  /** Who this connection is signed in as, once welcomed. */
  me: WelcomeFrame['user'] | null = null;

  constructor(private readonly options: ClientOptions) {
    super();
    const Ctor = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    const pollBase = options.pollUrl ?? options.url.replace(/^ws/, 'http').replace(/\/ws\/?$/, '');
    // A widget's socket and polls name their site: the server checks the page's origin against it.
    const site = options.site ? `site=${encodeURIComponent(options.site)}` : '';
    const wsUrl = site ? `${options.url}${options.url.includes('?') ? '&' : '?'}${site}` : options.url;
    this.factories = {
      websocket: options.transports?.websocket ?? (Ctor ? webSocketTransport(wsUrl, Ctor) : null),
      polling:
        options.transports?.polling ??
        (options.fetch || typeof globalThis.fetch === 'function'
          ? pollingTransport({
              baseUrl: pollBase,
              fetch: options.fetch,
              query: site ? `?${site}` : undefined,
              credentials: options.pollCredentials,
            })
          : null),
    };
    this.mode = options.transport ?? 'auto';
    // With no WebSocket at all (removed, or blocked by policy), auto starts on long-polling.
    this.active = this.mode === 'auto' ? (this.factories.websocket ? 'websocket' : 'polling') : this.mode;
    if (this.mode === 'auto' && !this.factories.websocket) {
      this.fallback = { code: 'websocket_unavailable', why: 'WebSocket unavailable in this environment' };
    }
    if (!this.factories[this.active]) {
      throw new Error(
        this.active === 'websocket'
          ? 'no WebSocket implementation: pass { WebSocket } (for example from the "ws" package)'
          : 'no fetch implementation for long-polling: pass { fetch }',
      );
    }
    this.wsOpenTimeoutMs = options.wsOpenTimeoutMs ?? 4000;
    this.probeIntervalMs = options.probeIntervalMs ?? 30_000;
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.random = options.random ?? Math.random;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Opens the connection (and keeps it open, reconnecting, until `close`). */
  connect(): void {
    this.stopped = false;
    if (this.current.status === 'connecting' || this.current.status === 'online') return;
    this.open();
  }

  /** Closes for good; pending sends stay in the outbox until `connect` is called again. */
  close(): void {
    this.stopped = true;
    this.teardown();
    this.setState({ status: 'idle' });
  }

  /** Subscribes to a stream. `after` is the last seq the caller already holds, if any. */
  subscribe(stream: string, options: { after?: number } = {}): void {
    const existing = this.streams.get(stream);
    const cursor = options.after ?? existing?.cursor;
    this.streams.set(stream, { cursor, resuming: true });
    this.sendSub(stream);
  }

  unsubscribe(stream: string): void {
    if (!this.streams.delete(stream)) return;
    this.write({ type: 'unsub', stream });
  }

  /** The highest seq held for a stream, or undefined. */
  cursor(stream: string): number | undefined {
    return this.streams.get(stream)?.cursor;
  }

  /** Queues a message; it is sent now if online, else on the next connection, until acked. */
  send(stream: string, text: string): OutboxEntry {
    const entry = this.outbox.add(stream, text);
    this.emit('outbox', entry);
    if (entry.status === 'pending') this.sendEntry(entry);
    return entry;
  }

  pending(): OutboxEntry[] {
    return this.outbox.pending();
  }

  /** Typing is ephemeral: sent only while online, never queued. */
  typing(stream: string, active: boolean): void {
    if (this.current.status === 'online') this.write({ type: 'typing', stream, active });
  }

  /** Marks the stream read up to `seq`, now or as soon as the connection is back. */
  markRead(stream: string, seq: number): void {
    if (this.current.status === 'online') this.write({ type: 'read', stream, seq });
    else this.unsentReads.set(stream, Math.max(seq, this.unsentReads.get(stream) ?? 0));
  }

  /**
   * Writes one frame as it is when online, and says whether it went out; nothing is queued or
   * retried. For frames without a helper here: the agent console's `assign`, `set_status`, `note`
   * and `list_conversations` (see support.ts, which builds those helpers on this).
   */
  sendFrame(frame: ClientFrame): boolean {
    if (this.current.status !== 'online' || !this.transport) return false;
    this.transport.send(frame);
    return true;
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  private open(): void {
    this.teardown();
    const attempt = ++this.attemptId;
    // NOTE: every callback checks its attempt id, so a late event from a socket we already gave
    // up on can never change the state of the current one.
    const live = () => attempt === this.attemptId;
    const name = this.active;
    const factory = this.factories[name] as TransportFactory;
    const transport = factory({
      clientId: this.clientId,
      prelude: () => this.prelude(),
      onOpen: () => {},
      onMessage: (data) => {
        if (live()) this.onMessage(data);
      },
      onClose: (code, reason, retryAfterMs) => {
        if (live()) this.onClose(code, reason, retryAfterMs);
      },
    });
    this.transport = transport;
    this.setState({ status: 'connecting', transport: name, attempt: this.failures });
    const timeout =
      name === 'websocket' && this.mode === 'auto' ? this.wsOpenTimeoutMs : this.connectTimeoutMs;
    this.connectTimer = setTimeout(() => {
      if (!live() || this.current.status !== 'connecting') return;
      if (name === 'websocket' && this.mode === 'auto') {
        this.fallBack({
          code: 'websocket_timeout',
          why: `WebSocket did not open within ${Math.round(timeout / 1000)} s`,
        });
      } else {
        this.dropAndRetry('the server did not answer in time');
      }
    }, timeout);
  }

  private hello(): ClientFrame {
    const hello: ClientFrame = { type: 'hello', v: PROTOCOL_VERSION };
    if (this.options.token) hello.token = this.options.token;
    if (this.options.visitor) hello.visitor = this.options.visitor;
    return hello;
  }

  /** hello, then a sub with the cursor for every stream: what (re)establishes the session. */
  private prelude(): ClientFrame[] {
    const frames: ClientFrame[] = [this.hello()];
    this.inPrelude.clear();
    for (const [stream, state] of this.streams) {
      this.inPrelude.add(stream);
      state.resuming = true;
      frames.push(
        state.cursor === undefined ? { type: 'sub', stream } : { type: 'sub', stream, after: state.cursor },
      );
    }
    return frames;
  }

  /** auto mode: WebSocket is not getting through; carry on over long-polling, at once. */
  private fallBack(fallback: Fallback): void {
    this.fallback = fallback;
    this.wsEarlyCloses = 0;
    this.active = 'polling';
    this.open();
  }

  /** auto mode, on long-polling: try a WebSocket now and then; move back when one is welcomed. */
  private startProbing(): void {
    clearInterval(this.probeTimer);
    if (this.mode !== 'auto' || this.active !== 'polling' || !this.factories.websocket) return;
    this.probeTimer = setInterval(() => this.runProbe(), this.probeIntervalMs);
  }

  private runProbe(): void {
    if (this.probe || this.current.status !== 'online' || !this.factories.websocket) return;
    let settled = false;
    const finish = (works: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const probe = this.probe;
      this.probe = null;
      probe?.close();
      if (works && this.active === 'polling' && !this.stopped) {
        this.fallback = null;
        this.active = 'websocket';
        this.open(); // cursors resume the streams on the socket: nothing lost, nothing twice
      }
    };
    const timer = setTimeout(() => finish(false), this.wsOpenTimeoutMs);
    const hello = this.hello();
    this.probe = this.factories.websocket({
      clientId: this.clientId,
      prelude: () => [hello],
      onOpen: () => {},
      onMessage: (data) => {
        if (
          typeof data === 'string'
            ? data.includes('"welcome"')
            : (data as { type?: string }).type === 'welcome'
        ) {
          finish(true);
        }
      },
      onClose: () => finish(false),
    });
  }

  private teardown(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    clearInterval(this.watchdog);
    clearInterval(this.probeTimer);
    const probe = this.probe;
    this.probe = null;
    probe?.close();
    const transport = this.transport;
    this.transport = null;
    this.attemptId++;
    transport?.close();
  }

  private dropAndRetry(reason: string): void {
    const name = this.transport?.name ?? 'websocket';
    this.teardown();
    this.scheduleRetry(name, reason);
  }

  private onClose(code: number, reason: string, retryAfterMs?: number): void {
    const name = this.transport?.name ?? 'websocket';
    const beforeWelcome = this.current.status === 'connecting';
    this.teardown();
    const info = closeInfo(code);
    if (info.name === 'too_many_connections') {
      // A cap, not a blocked transport: neither fall back nor switch; wait, then try the same way.
      this.scheduleRetry(name, reason || CloseCode.too_many_connections.meaning, retryAfterMs);
      return;
    }
    if (this.mode === 'auto' && beforeWelcome && info.recovery === 'retry') {
      if (name === 'websocket' && ++this.wsEarlyCloses >= 2) {
        this.fallBack({ code: 'websocket_blocked', why: 'WebSocket blocked' });
        return;
      }
      if (name === 'polling' && this.fallback !== null && this.factories.websocket) {
        // Long-polling fails too: the server is unreachable, not WebSocket. Back to the default.
        this.active = 'websocket';
        this.fallback = null;
      }
    }
    if (info.recovery === 'terminal') {
      this.stopped = true;
      const meaning = info.name === 'unknown' ? '' : CloseCode[info.name].meaning;
      this.setState({ status: 'offline', reason: reason || meaning || `closed (${code})`, code });
      return;
    }
    if (this.stopped) return;
    if (code === CloseCode.catch_up.code) this.failures = 0;
    this.scheduleRetry(
      name,
      reason || (code === 1006 ? 'the connection dropped' : `closed (${code})`),
      retryAfterMs,
    );
  }

  /**
   * `atLeastMs`: the server asked for this long first (a cap's Retry-After, a drained poll's
   * retryAfterMs); never less than the backoff, so a server's hint cannot make a client hammer.
   */
  private scheduleRetry(transport: TransportName, reason: string, atLeastMs = 0): void {
    if (this.stopped) return;
    const delay = Math.max(atLeastMs, backoffDelay(this.failures, this.backoff, this.random));
    this.failures++;
    this.setState({
      status: 'reconnecting',
      transport,
      attempt: this.failures,
      retryAt: Date.now() + delay,
      reason,
    });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Reconnect now instead of waiting out the backoff (for a "retry now" button, or `online`). */
  retryNow(): void {
    if (this.current.status === 'reconnecting' || (this.current.status === 'offline' && this.stopped)) {
      this.stopped = false;
      this.open();
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.emit('state', state);
  }

  // ---- inbound frames -------------------------------------------------------------------------

  private onMessage(data: string | object): void {
    this.lastFrameAt = Date.now();
    const decoded = typeof data === 'string' ? decodeServerFrame(data) : decodeServerValue(data);
    if (!decoded.ok) {
      // NOTE: the forward-compatibility rule. A log entry this build cannot read (a newer
      // server's frame type or change kind) is skipped, but counted: its seq moves the cursor, so
      // it is neither shown nor mistaken for a gap.
      const entry = decoded.error.logEntry;
      if (entry) this.skipLogEntry(entry.stream, entry.seq);
      else console.warn(`switchboard: ignored a server frame: ${decoded.error.message}`);
      return;
    }
    this.handle(decoded.frame);
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame);
        return;
      case 'msg':
      case 'event':
      case 'change':
        this.onLogFrame(frame);
        return;
      case 'job':
        this.emit('job', frame);
        return;
      case 'receipt':
        this.emit('receipt', frame);
        return;
      case 'conversations':
        this.emit('conversations', frame);
        return;
      case 'rooms_changed':
        this.emit('roomsChanged');
        return;
      case 'ack':
        this.onAck(frame);
        return;
      case 'subscribed': {
        const state = this.streams.get(frame.stream);
        if (!state) return;
        state.cursor = frame.head;
        state.resuming = false;
        this.emit('subscribed', {
          stream: frame.stream,
          head: frame.head,
          readSeq: frame.readSeq,
          unread: frame.unread,
          ...(frame.mentions === undefined ? {} : { mentions: frame.mentions }),
        });
        return;
      }
      case 'resync_required': {
        const state = this.streams.get(frame.stream);
        if (state) state.cursor = frame.head;
        this.emit('resync', frame);
        return;
      }
      case 'presence':
        this.emit('presence', frame);
        return;
      case 'typing':
        this.emit('typing', { stream: frame.stream, user: frame.user, active: frame.active });
        return;
      case 'read':
        this.emit('read', {
          stream: frame.stream,
          seq: frame.seq,
          unread: frame.unread,
          ...(frame.mentions === undefined ? {} : { mentions: frame.mentions }),
        });
        return;
      case 'error':
        this.onError(frame);
        return;
      case 'ping':
        this.write({ type: 'pong' });
        return;
      case 'pong':
        return;
    }
  }

  private onWelcome(frame: WelcomeFrame): void {
    clearTimeout(this.connectTimer);
    this.failures = 0;
    this.me = frame.user;
    this.heartbeatMs = frame.heartbeatMs;
    const transport = this.transport?.name ?? 'websocket';
    if (transport === 'websocket') this.wsEarlyCloses = 0;
    const online: ConnectionState = { status: 'online', transport, connId: frame.connId };
    if (transport === 'polling' && this.fallback) online.fallback = this.fallback;
    this.setState(online);
    if (transport === 'websocket') {
      // The server pings every heartbeatMs; silence for much longer means the link is dead even
      // if the socket has not noticed (browsers hide protocol-level pings). A poll's liveness is
      // its HTTP request's.
      this.watchdog = setInterval(
        () => {
          if (Date.now() - this.lastFrameAt > this.heartbeatMs * 2.5)
            this.dropAndRetry('no heartbeat from the server');
        },
        Math.max(250, this.heartbeatMs / 2),
      );
    } else {
      this.startProbing();
    }
    for (const stream of this.streams.keys()) if (!this.inPrelude.has(stream)) this.sendSub(stream);
    for (const [stream, seq] of this.unsentReads) this.write({ type: 'read', stream, seq });
    this.unsentReads.clear();
    for (const entry of this.outbox.pending()) this.sendEntry(entry);
    // Last, so a stream a listener subscribes to here is sent once, by subscribe().
    this.emit('welcome', frame);
  }

  /** Moves the stream's cursor to `seq` when it is the next one; false for a duplicate or a gap. */
  private advance(stream: string, seq: number): boolean {
    const state = this.streams.get(stream);
    if (!state || state.cursor === undefined) return false;
    if (seq <= state.cursor) return false; // a duplicate: already held
    if (seq !== state.cursor + 1) {
      // A gap should never happen (the server sends each subscription in order); if it does,
      // ask for the missing part rather than show a hole.
      if (!state.resuming) this.sendSub(stream);
      return false;
    }
    state.cursor = seq;
    return true;
  }

  private skipLogEntry(stream: string, seq: number): void {
    this.advance(stream, seq);
  }

  private onLogFrame(frame: LogFrame): void {
    if (!this.advance(frame.stream, frame.seq)) return;
    if (frame.type === 'event') {
      this.emit('event', frame);
      return;
    }
    if (frame.type === 'change') {
      this.emit('change', frame);
      return;
    }
    const own = this.outbox.acked(frame.clientMsgId, frame.seq, frame.id);
    if (own) this.emit('outbox', own);
    this.emit('message', frame);
  }

  private onAck(frame: AckFrame): void {
    const entry = this.outbox.acked(frame.clientMsgId, frame.seq, frame.id);
    if (entry) this.emit('outbox', entry);
  }

  private onError(frame: ErrorFrame): void {
    const entry = frame.ref ? this.outbox.get(frame.ref) : undefined;
    const retry = isErrorCode(frame.code) && ErrorCode[frame.code].recovery === 'retry';
    if (!entry) {
      const stream = frame.ref ? this.streams.get(frame.ref) : undefined;
      if (retry && stream?.resuming && frame.ref) {
        // A subscription the server could not start now (its storage is away): ask again later,
        // with the cursor held then, so the stream does not stay silently unsubscribed.
        const ref = frame.ref;
        const attempt = this.attemptId;
        setTimeout(() => {
          if (attempt === this.attemptId && this.streams.get(ref)?.resuming) this.sendSub(ref);
        }, frame.retryAfterMs ?? 1000);
      }
      this.emit('error', frame);
      return;
    }
    if (retry) {
      const delay = frame.retryAfterMs ?? 1000;
      setTimeout(() => {
        if (entry.status === 'pending') this.sendEntry(entry);
      }, delay);
      return;
    }
    const failed = this.outbox.failed(entry.clientMsgId, frame.message);
    if (failed) this.emit('outbox', failed);
  }

  // ---- outbound -------------------------------------------------------------------------------

  private sendSub(stream: string): void {
    const state = this.streams.get(stream);
    if (!state || this.current.status !== 'online') return;
    state.resuming = true;
    this.write(
      state.cursor === undefined ? { type: 'sub', stream } : { type: 'sub', stream, after: state.cursor },
    );
  }

  private sendEntry(entry: OutboxEntry): void {
    if (this.current.status !== 'online') return;
    this.write({ type: 'send', stream: entry.stream, clientMsgId: entry.clientMsgId, text: entry.text });
  }

  private write(frame: ClientFrame): void {
    if (this.current.status === 'online') this.transport?.send(frame);
  }
}

export function createClient(options: ClientOptions): SwitchboardClient {
  return new SwitchboardClient(options);
}
