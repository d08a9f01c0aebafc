/**
 * The seam between transports and the hub. A transport (WebSocket now, long-polling next) turns
 * bytes into decoded frames and hands them to a `Session`; the hub hands frames back through
 * `Conn`. Neither side knows how the other moves bytes.
 */
import type { CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';

export type TransportName = 'websocket' | 'polling';

export interface Conn {
  readonly transport: TransportName;
  /** Queues one frame; the transport encodes it with `encodeFrame` (cached per frame object). */
  send(frame: ServerFrame): void;
  /** Ends the connection with a code from `CloseCode`. */
  close(name: CloseName, reason: string): void;
  /**
   * Bytes the peer has not taken yet (as of the transport's last flush): a connection whose
   * backlog stays over the limit is a slow consumer.
   */
  bufferedBytes(): number;
  /** Resolves when the backlog has drained (a replay paces itself with it). */
  whenDrained?(): Promise<void>;
  /** Polls only: another poll of the same tab (`cid`) is now held, as `pollId`. */
  pollClaimed?(cid: string, pollId: string): void;
}

export interface HubConfig {
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** The most entries a resume replays; a larger backlog gets `resync_required`. */
  replayLimit: number;
  /** Per-user send rate. */
  sendRate: { burst: number; refillMs: number };
  /** A connection with more than this many bytes queued is closed with `catch_up`. */
  slowConsumerBytes: number;
  /** More than `count` protocol errors within `windowMs` closes the connection with `abuse`. */
  protocolErrors: { count: number; windowMs: number };
  /** Typing `active: true` is forwarded at most once per this many ms per user and stream. */
  typingThrottleMs: number;
  /** How long a long-poll is held open when there is nothing to deliver. */
  pollHoldMs: number;
  /** A polling client stays present this long after its last poll's hold could have ended. */
  pollPresenceGraceMs: number;
  /**
   * With a broker that can lose publishes (Redis), how often every local subscription checks the
   * log for entries it missed, even if no later message revealed the gap.
   */
  catchUpSweepMs: number;
  /** A DM read receipt goes out at most once per this many ms per reader and DM (the last one trails). */
  receiptThrottleMs: number;
}

export const defaultHubConfig: HubConfig = {
  heartbeatMs: 25_000,
  helloTimeoutMs: 10_000,
  replayLimit: 1000,
  sendRate: { burst: 20, refillMs: 1000 },
  slowConsumerBytes: 1024 * 1024,
  protocolErrors: { count: 20, windowMs: 5000 },
  typingThrottleMs: 2000,
  pollHoldMs: 25_000,
  pollPresenceGraceMs: 10_000,
  catchUpSweepMs: 30_000,
  receiptThrottleMs: 1000,
};
