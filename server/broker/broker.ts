/**
 * The broker carries everything that must reach sessions on other connections (and, with Redis,
 * on other processes): fan-out of frames, presence, and shared rate limits. Delivery is at most
 * once; completeness comes from the log and cursors, never from the broker. Every implementation
 * runs `tests/contracts/broker.contract.ts`.
 *
 * @example
 * const off = broker.subscribe(streamChannel('room:lobby'), (m) => deliver(m));
 * broker.publish(streamChannel('room:lobby'), msgFrame);
 */
import type { ServerFrame, UserRef } from '../../shared/protocol.js';
import type { Role } from '../storage/storage.js';

export type AccountClose = 'signed_out' | 'account_suspended' | 'account_deleted';

/** Messages for one user's sessions that are not frames: membership changes and sign-outs. */
export type ControlMessage =
  | { type: 'member'; stream: string; joined: boolean }
  | { type: 'revoke'; sessionId: string }
  /** The user's role changed: connections re-check what they may do from now on. */
  | { type: 'role'; role: Role }
  /** Every connection of the user ends with this close code (signed out everywhere, suspended, deleted). */
  | { type: 'account'; close: AccountClose }
  /** A poll of tab `cid` is now held (as `pollId`): any other held poll of that tab answers now. */
  | { type: 'poll'; cid: string; pollId: string };

export type BrokerMessage = ServerFrame | ControlMessage;

export const streamChannel = (stream: string): string => `s:${stream}`;
export const userChannel = (userId: string): string => `u:${userId}`;

export interface RateRule {
  /** Tokens available at once. */
  burst: number;
  /** Milliseconds to earn one token back. */
  refillMs: number;
}

export type RateResult = { ok: true } | { ok: false; retryAfterMs: number };

/** A connection slot to take under `key` (for example `ip:203.0.113.9`), if fewer than `limit` are held. */
export interface SlotClaim {
  key: string;
  limit: number;
}

/** `key`: the first claim that was full (nothing was taken then). */
export type SlotResult = { ok: true } | { ok: false; key: string };

export interface Broker {
  readonly name: string;
  publish(channel: string, message: BrokerMessage): void;
  /** Returns the function that unsubscribes this handler. */
  subscribe(channel: string, handler: (message: BrokerMessage) => void): () => void;

  /**
   * Records that `connId` of `user` is present in `stream` until `ttlMs` from now (calling it
   * again refreshes). Resolves true when the user was not present before, in any connection.
   */
  presenceJoin(stream: string, user: UserRef, connId: string, ttlMs: number): Promise<boolean>;
  /** Resolves true when this was the user's last connection in the stream. */
  presenceLeave(stream: string, userId: string, connId: string): Promise<boolean>;
  presenceList(stream: string): Promise<UserRef[]>;
  /** Called for each user whose last presence entry in a stream expired without a leave. */
  onPresenceExpired(handler: (stream: string, user: UserRef) => void): void;

  /** Takes one token from the bucket named `key`. */
  consume(key: string, rule: RateRule): Promise<RateResult>;

  /**
   * Connection caps: takes a slot for `connId` under every claim's key, or under none when one is
   * full. A slot expires `ttlMs` after it was taken or last renewed, so the slots of a process that
   * died free themselves. Taking again with the same `connId` renews and never counts twice.
   * With Redis the count is shared by every process; when Redis does not answer quickly, each
   * process counts its own connections.
   */
  acquireSlots(claims: readonly SlotClaim[], connId: string, ttlMs: number): Promise<SlotResult>;
  /** Keeps slots alive for another `ttlMs` (a heartbeat for long-lived connections). */
  renewSlots(slots: readonly { keys: readonly string[]; connId: string }[], ttlMs: number): Promise<void>;
  releaseSlots(keys: readonly string[], connId: string): Promise<void>;

  /**
   * Whether the broker can reach what it shares state through, for a readiness check or a log
   * line; `detail` says what is wrong when `ok` is false. Optional: in-process brokers are always ok.
   */
  health?(): { ok: boolean; detail: string };

  /**
   * A live check for /health, bounded in time (Redis: one PING within the broker's timeout).
   * `degraded`: what the broker shares state through does not answer, so this process serves its
   * own connections only. Optional: in-process brokers are always ok.
   */
  check?(): Promise<{ status: 'ok' | 'degraded'; latencyMs: number | null; detail: string }>;

  /**
   * Called when the broker is back after an outage: publishes made meanwhile were lost (delivery
   * is at most once), so subscribers should catch up from the log. Optional: in-process brokers
   * never lose a publish.
   */
  onReconnect?(handler: () => void): void;

  close(): Promise<void>;
}
