/**
 * A session's state, and how it answers its client: the connection as frame handlers and
 * subscriptions see it (`FrameContext`). Session (session.ts) extends it with the lifecycle that
 * moves the state along: handshake, heartbeats, drain and close.
 */
import type { DecodeError } from '../../shared/codec.js';
import type { CloseName, ErrorCode } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { errorText } from '../log.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import type { Conn } from './conn.js';
import { errorFrame } from './frames.js';
import type { ErrorExtra, FrameContext } from './handlers/context.js';
import type { HubContext } from './hub-context.js';
import type { Identity } from './identity.js';
import type { Subscription } from './subscription.js';
import { createWork } from './work.js';

export type State = 'hello' | 'authenticating' | 'open' | 'closed';

export abstract class SessionState implements FrameContext {
  protected state: State = 'hello';
  readonly subs = new Map<string, Subscription>();
  readonly allowed = new Set<string>();
  private readonly errorTimes: number[] = [];
  private readonly work = createWork();

  constructor(
    readonly hub: HubContext,
    readonly conn: Conn,
    readonly connId: string,
    protected who: Identity | null,
  ) {}

  /** Closes from the server side. */
  abstract close(name: CloseName, reason: string): void;

  /** Who the connection is (its session cookie's user, else who hello proved), kept after close. */
  get identity(): Identity | null {
    return this.who;
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

  get polling(): boolean {
    return this.conn.transport === 'polling';
  }

  // ---- outbound ------------------------------------------------------------------------------

  send(frame: ServerFrame): void {
    if (this.state === 'closed') return;
    this.conn.send(frame);
    if (this.conn.bufferedBytes() > this.hub.config.slowConsumerBytes) {
      this.close('catch_up', 'too far behind; reconnect and resume from your cursor');
    }
  }

  /** SubscriptionOwner: a frame of a catch-up, which paces itself (no slow-consumer check). */
  replay(frame: ServerFrame): void {
    if (this.state !== 'closed') this.conn.send(frame);
  }

  drained(): Promise<void> {
    return this.conn.whenDrained?.() ?? Promise.resolve();
  }

  sendError(code: ErrorCode, message: string, extra: ErrorExtra = {}): void {
    this.send(errorFrame(code, message, extra));
  }

  protocolError(error: DecodeError | { code: ErrorCode; message: string }): void {
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

  /** SubscriptionOwner: the log could not be read while catching up. */
  fail(err: unknown): void {
    // A storage outage is logged once by the storage; each connection it ends is not news.
    if (isStorageUnavailable(err))
      this.hub.log.debug('conn.fail', { conn: this.connId, error: errorText(err) });
    else this.hub.log.error('conn.fail', { conn: this.connId, error: errorText(err) });
    this.close('internal', 'could not read the log; reconnect to resume');
  }

  // ---- work under way: a poll answers, and a drain closes, once it is done ------------------

  guard(work: Promise<unknown>, ref?: string): void {
    this.work.track(work.catch((err) => this.internalError(err, ref)));
  }

  inOrder(lane: string, work: () => Promise<void>, ref?: string): void {
    this.work.inOrder(lane, work, (err) => this.internalError(err, ref));
  }

  /** Resolves once every frame received so far has been fully handled. */
  whenIdle(): Promise<void> {
    return this.work.whenIdle();
  }
}
