/**
 * One client connection as the hub sees it, whatever transport carries it: the hello handshake,
 * the frame handlers, subscriptions, protocol-error accounting and heartbeat bookkeeping.
 */
import type { DecodeError } from '../../shared/codec.js';
import { CloseCode, type CloseName, type ErrorCode } from '../../shared/codes.js';
import {
  type ClientFrame,
  PROTOCOL_VERSION,
  type SendFrame,
  type ServerFrame,
  type SupportFrame,
  type UserRef,
} from '../../shared/protocol.js';
import { streamChannel, userChannel } from '../broker/broker.js';
import { randomId } from '../ids.js';
import { errorText, type LogFields } from '../log.js';
import type { AppendResult, Role } from '../storage/storage.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import { AGENT_KINDS, WRITABLE_KINDS } from './access.js';
import type { Conn } from './conn.js';
import { errorFrame, messageBody } from './frames.js';
import type { HubContext } from './hub-context.js';
import { type Identity, isAgent } from './identity.js';
import { Subscription, type SubscriptionOwner } from './subscription.js';

type State = 'hello' | 'authenticating' | 'open' | 'closed';

/** Where a session's send and typing chains start: one settled promise shared by every session. */
const SETTLED: Promise<void> = Promise.resolve();

export interface SessionOptions {
  /**
   * The connection's id in presence. Polling clients send their own (one per tab), so that the
   * many short requests of one tab count as one presence entry that they keep alive.
   */
  connId?: string;
  /** The support site a widget connection was opened for (`?site=` on its URL). */
  siteKey?: string | null;
  /** Its id in the connection caps (the transport may have taken the address's slot under it). */
  slotId?: string;
}

/** Closes that refuse a connection or end it for a lost right: counted and logged as refusals. */
const REFUSAL_CLOSES = new Set<CloseName>([
  'signed_out',
  'account_suspended',
  'account_deleted',
  'too_many_connections',
  'hello_timeout',
  'unauthorized',
]);

const kindOf = (stream: string): string => stream.slice(0, stream.indexOf(':'));

export class Session implements SubscriptionOwner {
  readonly connId: string;
  readonly slotId: string;
  private state: State = 'hello';
  private identity: Identity | null;
  private readonly siteKey: string | null;
  private readonly subs = new Map<string, Subscription>();
  /** Streams this connection was found allowed to use; dropped when membership ends. */
  private readonly allowed = new Set<string>();
  private readonly errorTimes: number[] = [];
  private readonly early: ClientFrame[] = [];
  private sendChain: Promise<void> = SETTLED;
  private typingChain: Promise<void> = SETTLED;
  private busy = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private helloTimer: NodeJS.Timeout | undefined;
  /** Set when the server drains: frames that arrive from now on are not handled. */
  private refusing = false;
  lastInbound = Date.now();

  constructor(
    private readonly hub: HubContext,
    readonly conn: Conn,
    cookieAuth: Identity | null,
    options: SessionOptions = {},
  ) {
    this.connId = options.connId ?? randomId(9);
    this.slotId = options.slotId ?? this.connId;
    this.identity = cookieAuth;
    this.siteKey = options.siteKey ?? null;
    this.helloTimer = setTimeout(() => {
      if (this.state === 'hello' || this.state === 'authenticating') {
        this.close('hello_timeout', 'no hello frame within the time allowed');
      }
    }, hub.config.helloTimeoutMs);
    this.helloTimer.unref();
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** Who this connection is, once the handshake is done. */
  get user(): Identity | null {
    return this.state === 'open' ? this.identity : null;
  }

  /** The signed-in user's id, kept after close so registries can find this session. */
  get userId(): string | null {
    return this.identity?.id ?? null;
  }

  get authSessionId(): string | null {
    return this.identity?.sessionId ?? null;
  }

  get subscribedStreams(): IterableIterator<string> {
    return this.subs.keys();
  }

  // ---- inbound ------------------------------------------------------------------------------

  /** A transport hands every decoded frame here. */
  receive(frame: ClientFrame): void {
    this.lastInbound = Date.now();
    if (this.refusing) return;
    switch (this.state) {
      case 'closed':
        return;
      case 'authenticating':
        this.early.push(frame);
        return;
      case 'hello':
        if (frame.type === 'hello') {
          this.guard(
            this.onHello(frame.v, { token: frame.token, visitor: frame.visitor }, frame.quiet === true),
          );
        } else {
          this.protocolError({ code: 'hello_required', message: 'the first frame must be hello' });
        }
        return;
      case 'open':
        this.dispatch(frame);
    }
  }

  /** A transport reports a frame it could not decode. */
  reject(error: DecodeError): void {
    this.lastInbound = Date.now();
    if (this.state !== 'closed') this.protocolError(error);
  }

  private dispatch(frame: ClientFrame): void {
    switch (frame.type) {
      case 'hello':
        this.protocolError({ code: 'already_hello', message: 'hello was already received' });
        return;
      case 'sub':
        this.guard(this.onSub(frame.stream, frame.after), frame.stream);
        return;
      case 'unsub':
        this.dropSubscription(frame.stream);
        return;
      case 'send':
        this.queueSend(frame);
        return;
      case 'typing':
        // Chained so that a quick `false` never overtakes the `true` before it.
        this.typingChain = this.track(
          this.typingChain
            .then(() => this.onTyping(frame.stream, frame.active))
            .catch((err) => this.internalError(err)),
        );
        return;
      case 'read':
        this.guard(this.onRead(frame.stream, frame.seq));
        return;
      case 'assign':
      case 'set_status':
      case 'note':
      case 'list_conversations':
      case 'page':
        this.guard(this.onExtensionFrame(frame));
        return;
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'pong':
        return;
    }
  }

  private async onExtensionFrame(frame: SupportFrame): Promise<void> {
    const me = this.user;
    if (!me) return;
    const extension = this.hub.extension;
    if (!extension) {
      this.sendError('forbidden', `${frame.type} needs customer support, which this server does not run`);
      return;
    }
    // A note is stored like a message, so it spends the same allowance.
    if (frame.type === 'note' && !(await this.withinSendRate(me.id, frame.clientMsgId))) return;
    await extension.onFrame(me, frame, {
      send: (reply) => this.send(reply),
      error: (code, message, ref) => this.sendError(code, message, ref ? { ref } : {}),
    });
  }

  private async onHello(
    version: number,
    credentials: { token?: string; visitor?: string },
    quiet: boolean,
  ): Promise<void> {
    if (version !== PROTOCOL_VERSION) {
      this.close('protocol_version', `server speaks protocol ${PROTOCOL_VERSION}, client sent ${version}`);
      return;
    }
    this.state = 'authenticating';
    if (!this.identity && (credentials.token || credentials.visitor)) {
      try {
        this.identity = await this.hub.authenticate({ ...credentials, site: this.siteKey });
      } catch (err) {
        if (!isStorageUnavailable(err)) throw err;
        // Not this client's fault, and nothing to wait for on this connection: reconnect later.
        this.close('internal', 'the server cannot reach its storage; reconnect shortly');
        return;
      }
    }
    if (!this.isOpen) return;
    if (!this.identity) {
      this.close('unauthorized', 'sign in first: no valid session cookie or token');
      return;
    }
    clearTimeout(this.helloTimer);
    // A cleared timer still holds its callback and this session's scope: let it go.
    this.helloTimer = undefined;
    this.state = 'open';
    const admitted = await this.hub.admitUser(this);
    if (!this.isOpen) return;
    if (!admitted.ok) {
      this.close('too_many_connections', admitted.message);
      return;
    }
    this.hub.registerUser(this);
    const user = this.identity;
    if (!quiet)
      this.send({
        type: 'welcome',
        v: PROTOCOL_VERSION,
        connId: this.connId,
        user: { id: user.id, name: user.name, role: user.role },
        heartbeatMs: this.hub.config.heartbeatMs,
        replayLimit: this.hub.config.replayLimit,
      });
    this.lifecycleLog('conn.open', {
      conn: this.connId,
      user: user.name,
      transport: this.conn.transport,
    });
    const early = this.early.splice(0);
    for (const frame of early) this.receive(frame);
  }

  private async checkAccess(stream: string, ref: string): Promise<boolean> {
    if (this.allowed.has(stream)) return true;
    const user = this.user;
    if (!user) return false;
    const access = await this.hub.access(user, stream);
    if (access === 'ok') {
      this.allowed.add(stream);
      return true;
    }
    if (access === 'forbidden' && AGENT_KINDS.has(kindOf(stream))) {
      this.refuse('forbidden', `only agents may use ${stream}`, ref);
      return false;
    }
    const message =
      access === 'forbidden'
        ? `you are not a member of ${stream}; join it first`
        : `${stream} does not exist`;
    this.sendError(access, message, { ref });
    return false;
  }

  private async onSub(stream: string, after: number | undefined): Promise<void> {
    if (!(await this.checkAccess(stream, stream)) || !this.isOpen) return;
    const user = this.user as Identity;
    const previous = this.subs.get(stream);
    if (previous) this.hub.removeSubscription(previous);
    const sub = new Subscription(stream, this, this.hub.storage, this.hub.config.replayLimit);
    this.subs.set(stream, sub);
    this.hub.addSubscription(sub);
    let head: number;
    try {
      head = await sub.start(after);
    } catch (err) {
      // Not left registered half-started (it would hold live frames forever); the client may retry.
      if (this.subs.get(stream) === sub) this.dropSubscription(stream, false);
      throw err;
    }
    const position = await this.hub.storage.readPosition(user.id, stream);
    if (!sub.active || !this.isOpen) return;
    this.send({ type: 'subscribed', stream, head, ...position });
    sub.release();
    const latest = await this.hub.latest(user, stream);
    if (sub.active) for (const frame of latest) this.send(frame);
    if (!previous) await this.joinPresence(stream);
  }

  /**
   * A socket is present until it closes (its entry is refreshed every heartbeat); a polling
   * client has no connection to close, so its entry simply expires unless the next poll renews it.
   */
  private get presenceTtlMs(): number {
    return this.polling
      ? this.hub.config.pollHoldMs + this.hub.config.pollPresenceGraceMs
      : this.hub.config.heartbeatMs * 3;
  }

  private get polling(): boolean {
    return this.conn.transport === 'polling';
  }

  private async joinPresence(stream: string): Promise<void> {
    await this.renewPresence(stream);
    const users = await this.hub.broker.presenceList(stream);
    if (this.subs.has(stream)) this.send({ type: 'presence', stream, kind: 'snapshot', users });
  }

  /**
   * Records (or renews) this connection's presence, announcing a join when the user was not
   * present: on subscribe, and also on a heartbeat after the entry expired or the broker lost it.
   */
  private async renewPresence(stream: string): Promise<void> {
    const me = this.userRef();
    if (await this.hub.broker.presenceJoin(stream, me, this.connId, this.presenceTtlMs)) {
      this.hub.broker.publish(streamChannel(stream), { type: 'presence', stream, kind: 'join', users: [me] });
    }
  }

  private dropSubscription(stream: string, leave = true): void {
    const sub = this.subs.get(stream);
    if (!sub) return;
    this.subs.delete(stream);
    this.hub.removeSubscription(sub);
    if (leave) this.guard(this.leavePresence(stream));
  }

  private async leavePresence(stream: string): Promise<void> {
    const me = this.userRef();
    if (await this.hub.broker.presenceLeave(stream, me.id, this.connId)) {
      this.hub.broker.publish(streamChannel(stream), {
        type: 'presence',
        stream,
        kind: 'leave',
        users: [me],
      });
    }
  }

  /**
   * Sends are admitted one at a time per connection (access, rate limit) so that a client's
   * messages are committed in the order it sent them; the commits themselves are not awaited
   * here, so a client may pipeline many sends into one group commit.
   */
  private queueSend(frame: SendFrame): void {
    this.sendChain = this.track(
      this.sendChain
        .then(() => this.admitSend(frame))
        .catch((err) => this.internalError(err, frame.clientMsgId)),
    );
  }

  private async admitSend(frame: SendFrame): Promise<void> {
    const ref = frame.clientMsgId;
    if (!WRITABLE_KINDS.has(frame.stream.slice(0, frame.stream.indexOf(':')))) {
      this.sendError('forbidden', `messages can only be sent to rooms, not ${frame.stream}`, { ref });
      return;
    }
    if (!(await this.checkAccess(frame.stream, ref))) return;
    const user = this.user;
    if (!user) return;
    if (!(await this.withinSendRate(user.id, ref))) return;
    this.track(
      this.hub
        .commit(
          {
            stream: frame.stream,
            senderId: user.id,
            senderName: user.name,
            clientMsgId: frame.clientMsgId,
            kind: 'msg',
            body: messageBody(frame.text),
          },
          frame.text,
        )
        .then(
          (result) => this.onCommitted(result, ref),
          (err) => this.internalError(err, ref),
        ),
    );
  }

  /**
   * One bucket per user for everything they write into a stream: chat, Transport lab runs,
   * conversations and notes alike. NOTE: the lab once had a bucket per run, so every new run
   * (a new stream name) was a fresh burst of 1,000 stored messages.
   */
  private async withinSendRate(userId: string, ref: string): Promise<boolean> {
    const rate = await this.hub.broker.consume(`send:${userId}`, this.hub.config.sendRate);
    if (rate.ok) return true;
    this.sendError('rate_limited', `too many messages; wait ${Math.ceil(rate.retryAfterMs / 1000)} s`, {
      ref,
      retryAfterMs: rate.retryAfterMs,
    });
    return false;
  }

  private onCommitted(result: AppendResult, clientMsgId: string): void {
    const { entry } = result;
    if (result.status === 'conflict') {
      this.sendError(
        'idempotency_conflict',
        `clientMsgId ${clientMsgId} was already used for another message (seq ${entry.seq} in ${entry.stream}); use a new id`,
        { ref: clientMsgId },
      );
      return;
    }
    this.send({
      type: 'ack',
      stream: entry.stream,
      clientMsgId,
      id: entry.id,
      seq: entry.seq,
      ts: entry.ts,
    });
  }

  /**
   * Typing needs access to the stream, not a subscription on this connection (a polling client
   * sends it in its own request). The hub throttles it per user and stream.
   */
  private async onTyping(stream: string, active: boolean): Promise<void> {
    if (!(await this.checkAccess(stream, stream))) return;
    const user = this.user as Identity;
    if (!this.hub.typingAllowed(user.id, stream, active)) return;
    this.hub.broker.publish(streamChannel(stream), { type: 'typing', stream, user: this.userRef(), active });
  }

  private async onRead(stream: string, seq: number): Promise<void> {
    if (!(await this.checkAccess(stream, stream))) return;
    const user = this.user as Identity;
    const readSeq = await this.hub.storage.markRead(user.id, stream, seq);
    const { unread } = await this.hub.storage.readPosition(user.id, stream);
    this.hub.broker.publish(userChannel(user.id), { type: 'read', stream, seq: readSeq, unread });
    // In a conversation the other side sees it: "seen".
    if (stream.startsWith('conv:')) {
      this.hub.broker.publish(streamChannel(stream), {
        type: 'receipt',
        stream,
        by: this.userRef(),
        seq: readSeq,
      });
    }
  }

  // ---- control from the hub -------------------------------------------------------------------

  /**
   * The user's role changed (an admin did it, on any process). Authority is the identity's role as
   * of now: a demoted agent loses the conversation, notes and queue streams at once (each is
   * answered `forbidden`), and every later claim, reply or subscription there is refused.
   */
  changeRole(role: Role): void {
    const before = this.identity;
    if (!before || before.visitor || before.role === role || this.state === 'closed') return;
    this.identity = { ...before, role };
    if (isAgent(this.identity)) return;
    for (const stream of [...this.allowed]) if (AGENT_KINDS.has(kindOf(stream))) this.allowed.delete(stream);
    for (const stream of [...this.subs.keys()]) {
      if (!AGENT_KINDS.has(kindOf(stream))) continue;
      this.dropSubscription(stream);
      this.refuse('forbidden', `you are no longer an agent; ${stream} is closed to you`, stream);
    }
  }

  /** An error frame for a right the connection lost, counted as a refusal. */
  private refuse(code: ErrorCode, message: string, ref: string): void {
    this.hub.refusals.note(code, { conn: this.connId, user: this.identity?.name, ref });
    this.sendError(code, message, { ref });
  }

  /** Membership of `stream` ended (left the room): stop delivering it on this connection. */
  revokeStream(stream: string): void {
    this.allowed.delete(stream);
    this.dropSubscription(stream);
  }

  /** Called by the hub every heartbeat interval. */
  tick(now: number): void {
    // A poll lives for one request; its liveness is the HTTP request's, not a heartbeat.
    if (this.state !== 'open' || this.polling) return;
    if (now - this.lastInbound > this.hub.config.heartbeatMs * 2) {
      this.close('heartbeat_timeout', 'no frames within two heartbeat intervals');
      return;
    }
    this.send({ type: 'ping' });
    for (const stream of this.subs.keys()) {
      // A failed renewal (broker unreachable) is the broker's to report, not this client's.
      this.renewPresence(stream).catch((err) =>
        this.hub.log.debug('presence.renew_failed', { conn: this.connId, error: errorText(err) }),
      );
    }
  }

  // ---- outbound and lifecycle -----------------------------------------------------------------

  replay(frame: ServerFrame): void {
    if (this.state !== 'closed') this.conn.send(frame);
  }

  drained(): Promise<void> {
    return this.conn.whenDrained?.() ?? Promise.resolve();
  }

  send(frame: ServerFrame): void {
    if (this.state === 'closed') return;
    this.conn.send(frame);
    if (this.conn.bufferedBytes() > this.hub.config.slowConsumerBytes) {
      this.close('catch_up', 'too far behind; reconnect and resume from your cursor');
    }
  }

  private sendError(
    code: ErrorCode,
    message: string,
    extra: { ref?: string; retryAfterMs?: number } = {},
  ): void {
    this.send(errorFrame(code, message, extra));
  }

  private protocolError(error: DecodeError | { code: ErrorCode; message: string }): void {
    this.sendError(error.code, error.message, 'ref' in error && error.ref ? { ref: error.ref } : {});
    const now = Date.now();
    const { count, windowMs } = this.hub.config.protocolErrors;
    this.errorTimes.push(now);
    while (this.errorTimes.length > 0 && (this.errorTimes[0] as number) <= now - windowMs) {
      this.errorTimes.shift();
    }
    if (this.errorTimes.length > count) {
      this.close('abuse', `more than ${count} protocol errors in ${windowMs / 1000} s`);
    }
  }

  private internalError(err: unknown, ref?: string): void {
    if (isStorageUnavailable(err)) {
      // Logged once per outage by the storage, not once per frame.
      this.sendError('unavailable', `the server cannot store this now; retry in ${err.retryAfterMs} ms`, {
        ...(ref ? { ref } : {}),
        retryAfterMs: err.retryAfterMs,
      });
      return;
    }
    this.hub.log.error('conn.error', { conn: this.connId, error: errorText(err) });
    this.sendError('internal', 'the server failed to handle this frame; send it again', ref ? { ref } : {});
  }

  /** Runs an async handler so that a rejection becomes an `internal` error frame, never a crash. */
  private guard(work: Promise<unknown>, ref?: string): void {
    this.track(work.catch((err) => this.internalError(err, ref)));
  }

  /**
   * Server drain: stop handling new frames and resolve once everything received so far is done
   * (sends committed and acknowledged), so the close that follows loses nothing acknowledged.
   */
  drain(): Promise<void> {
    this.refusing = true;
    return this.whenIdle();
  }

  /** Counts work under way, so a request-scoped connection (a poll) can wait for it to finish. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    return work.finally(() => {
      if (--this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Resolves once every frame received so far has been fully handled. */
  whenIdle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** SubscriptionOwner: the log could not be read while catching up. */
  fail(err: unknown): void {
    // A storage outage is logged once by the storage; each connection it ends is not news.
    if (isStorageUnavailable(err))
      this.hub.log.debug('conn.fail', { conn: this.connId, error: errorText(err) });
    else this.hub.log.error('conn.fail', { conn: this.connId, error: errorText(err) });
    this.close('internal', 'could not read the log; reconnect to resume');
  }

  /** Closes from the server side. */
  close(name: CloseName, reason: string): void {
    if (this.state === 'closed') return;
    if (REFUSAL_CLOSES.has(name)) {
      this.hub.refusals.note(name, {
        conn: this.connId,
        user: this.identity?.name,
        transport: this.conn.transport,
      });
    }
    this.conn.close(name, reason);
    this.lifecycleLog('conn.close', {
      conn: this.connId,
      user: this.identity?.name,
      code: CloseCode[name].code,
      reason,
    });
    this.cleanup();
  }

  /** The transport reports that the connection ended from the client side. */
  closed(code?: number, wire?: { bytesIn: number; bytesOut: number }): void {
    const bytes = wire ? { bytes_in: wire.bytesIn, bytes_out: wire.bytesOut } : {};
    if (this.state === 'closed') {
      // Closed by the server earlier (logged then): what the connection cost on the wire.
      if (wire) this.hub.log.debug('conn.ended', { conn: this.connId, ...bytes });
      return;
    }
    this.lifecycleLog('conn.closed', { conn: this.connId, user: this.identity?.name, code, ...bytes });
    this.cleanup();
  }

  private cleanup(): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    // A poll ending is not its client leaving: presence of polling clients ends by expiry.
    for (const stream of [...this.subs.keys()]) this.dropSubscription(stream, !this.polling);
    if (wasOpen) this.hub.unregisterUser(this);
    this.hub.forget(this);
  }

  /** A socket's open and close are events worth a line; each short poll request is not. */
  private lifecycleLog(event: string, fields: LogFields): void {
    if (this.polling) this.hub.log.debug(event, fields);
    else this.hub.log.info(event, fields);
  }

  private userRef(): UserRef {
    return { id: this.identity?.id ?? '', name: this.identity?.name ?? '' };
  }
}
