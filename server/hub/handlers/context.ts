/**
 * What a frame handler is given: the connection it acts for (the session, seen through this
 * interface) and, through `hub`, the services behind it.
 *
 * @example
 * // handlers/read.ts: a handler never throws; its async work runs under `guard` or `inOrder`.
 * export const read: FrameHandler<'read'> = (c, frame) => c.guard(markRead(c, frame.stream, frame.seq));
 */
import type { ErrorCode } from '../../../shared/codes.js';
import type { ClientFrame } from '../../../shared/protocol.js';
import type { HubContext } from '../hub-context.js';
import type { Identity } from '../identity.js';
import type { Subscription, SubscriptionOwner } from '../subscription.js';

export type FrameType = ClientFrame['type'];
export type FrameOf<T extends FrameType> = Extract<ClientFrame, { type: T }>;

/** Handles one frame of type `T` on an open connection. */
export type FrameHandler<T extends FrameType> = (c: FrameContext, frame: FrameOf<T>) => void;

export interface ErrorExtra {
  ref?: string;
  retryAfterMs?: number;
}

/** The connection a handler acts for. It delivers its subscriptions, so it is their owner too. */
export interface FrameContext extends SubscriptionOwner {
  readonly hub: HubContext;
  readonly connId: string;
  /** Who this connection is while it is open; null once it closed, so ask again after an await. */
  readonly user: Identity | null;
  /** Who it proved to be, kept after close: a closing connection still says who left. */
  readonly identity: Identity | null;
  /** A long-poll: one request at a time, present by expiry rather than by an open socket. */
  readonly polling: boolean;
  /** This connection's subscriptions, by stream. */
  readonly subs: Map<string, Subscription>;
  /** Streams this connection was found allowed to use; forgotten when that right ends. */
  readonly allowed: Set<string>;
  sendError(code: ErrorCode, message: string, extra?: ErrorExtra): void;
  /** An error frame for a frame that breaks the protocol; too many of them close the connection. */
  protocolError(error: { code: ErrorCode; message: string }): void;
  /** Runs async work so that a rejection becomes an `internal` (or `unavailable`) error frame. */
  guard(work: Promise<unknown>, ref?: string): void;
  /**
   * Runs `work` after everything queued before it in `lane` (a name of the handler's choosing),
   * so frames of one lane are handled one at a time, in the order they arrived; a failure is
   * answered as by `guard`.
   */
  inOrder(lane: string, work: () => Promise<void>, ref?: string): void;
}
