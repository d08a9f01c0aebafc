/**
 * The realtime core. Transports hand it connections (`connect`) and decoded frames (through the
 * returned Session); it owns subscriptions, fan-out through the broker, presence and heartbeats.
 * This file wires the parts: fanout.ts (streams), users.ts (user channels), session.ts (one
 * connection) and, through it, dispatch.ts (what each frame does).
 *
 * @example
 * const hub = createHub({ storage, broker, log, authenticate });
 * const session = hub.connect(conn, cookieSession);
 * session.receive(frame);
 */
import type { CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { type AccountClose, type Broker, streamChannel } from '../broker/broker.js';
import { errorText, type Logger } from '../log.js';
import { createRefusals, type Refusals } from '../refusals.js';
import type { AppendInput, AppendResult, Role, Storage } from '../storage/storage.js';
import { streamAccess } from './access.js';
import { createCommitter } from './committer.js';
import { type Conn, defaultHubConfig, type HubConfig } from './conn.js';
import type { ConnectionCaps } from './connection-caps.js';
import type { HubExtension } from './extension.js';
import { createFanout } from './fanout.js';
import { entryFrame, msgFrame } from './frames.js';
import type { HubContext, HubSession } from './hub-context.js';
import type { Credentials, Identity } from './identity.js';
import { createMutes, type Mutes } from './mutes.js';
import { createReceipts, type Receipts } from './receipts.js';
import { Session, type SessionOptions } from './session.js';
import { createTypingThrottle } from './typing-throttle.js';
import { createUsers, userCommands } from './users.js';

export type { FrameReply, HubExtension } from './extension.js';

export interface HubDeps {
  storage: Storage;
  broker: Broker;
  log: Logger;
  config?: Partial<HubConfig>;
  /**
   * Resolves what a client presented in `hello` when it had no session cookie: a session token
   * (bots, the Node SDK) or a support visitor's token for a site.
   */
  authenticate(credentials: Credentials): Promise<Identity | null>;
  /**
   * Latest-value state to send after a subscription is caught up (for a user's own stream: the
   * current progress of their jobs), so a reconnecting client is right at once.
   */
  latest?: (who: Identity, stream: string) => Promise<ServerFrame[]>;
  /** What the core does not own: customer support's frames and its bookkeeping after commits. */
  extension?: HubExtension;
  /** Per-account connection caps, checked once a connection proves who it is. */
  caps?: ConnectionCaps;
  /** Where refusals are counted and logged (default: logged only). */
  refusals?: Refusals;
}

export interface Hub {
  readonly config: HubConfig;
  /**
   * Commits a log entry (group-committed with everything else arriving now) and publishes it
   * when new. Duplicates and conflicts come back as such, with the stored entry.
   */
  commit(input: AppendInput): Promise<AppendResult>;
  /** Sends a frame to every connection of one user, on every process. */
  toUser(userId: string, frame: ServerFrame): void;
  /** A poll of tab `cid` is now held: every other held poll of that tab, on any process, answers. */
  claimPoll(userId: string, cid: string, pollId: string): void;
  connect(conn: Conn, cookieAuth: Identity | null, options?: SessionOptions): Session;
  /** Closes every connection of one sign-in session, on every process that has one. */
  revokeSession(userId: string, sessionId: string): void;
  /**
   * The user's role changed: every connection of theirs, on every process, acts with the new role
   * from now on (a demoted agent's conversation streams close; claims and replies are forbidden).
   */
  roleChanged(userId: string, role: Role): void;
  /** Closes every connection of the user, on every process (signed out everywhere, suspended, deleted). */
  closeUser(userId: string, close: AccountClose): void;
  /** Tells the user's connections that a stream membership ended. */
  membershipEnded(userId: string, stream: string): void;
  /** Tells each user's connections, on every process, to fetch their room list again. */
  roomsChanged(userIds: readonly string[]): void;
  /** Moderators' mutes as sends see them (forget one when it changes on this process). */
  readonly mutes: Mutes;
  /** Read receipts in direct messages ("seen"). */
  readonly receipts: Receipts;
  /**
   * Server shutdown: stop heartbeats and taking frames, finish what was received (commits and
   * their acks, for at most `graceMs`), then close every connection and finish commits in flight.
   */
  shutdown(close: CloseName, reason: string, graceMs?: number): Promise<void>;
  stats(): { connections: number; streams: number };
}

export function createHub(deps: HubDeps): Hub {
  const config: HubConfig = { ...defaultHubConfig, ...deps.config };
  const { storage, broker, log } = deps;
  const committer = createCommitter(storage);
  const sessions = new Set<HubSession>();
  const fanout = createFanout(broker, log);
  const users = createUsers(broker, storage, log);
  const refusals = deps.refusals ?? createRefusals({ log });
  const mutes = createMutes(storage);
  const receipts = createReceipts({ storage, broker, log, throttleMs: config.receiptThrottleMs });
  const latest = deps.latest ?? (async () => []);

  /** Commits one log entry and, when it is new, publishes it to the stream's subscribers. */
  const commit = async (input: AppendInput, text?: string): Promise<AppendResult> => {
    const result = await committer.commit(input);
    if (result.status === 'created') {
      const frame =
        text !== undefined ? msgFrame(result.entry, text, input.mentions) : entryFrame(result.entry);
      broker.publish(streamChannel(input.stream), frame);
      deps.extension
        ?.onCommitted(result.entry)
        .catch((err) => log.error('hub.extension_failed', { stream: input.stream, error: errorText(err) }));
    } else if (result.status === 'duplicate') {
      // NOTE: a retry after a lost answer (the database committed, then the connection failed
      // before COMMIT's reply arrived) finds its first attempt stored but never published.
      // Publishing it now keeps live subscribers from waiting for the next message to reveal the
      // gap; those who have it already drop it by seq.
      broker.publish(streamChannel(input.stream), entryFrame(result.entry));
    }
    return result;
  };

  const ctx: HubContext = {
    storage,
    broker,
    config,
    log,
    authenticate: deps.authenticate,
    access: (who, stream) => streamAccess(storage, who, stream),
    extension: deps.extension ?? null,
    commit,
    // A DM's "seen" comes with its other latest-value state.
    latest: async (who, stream) => [
      ...(await latest(who, stream)),
      ...(await receipts.snapshot(who, stream)),
    ],
    receipts,
    typingAllowed: createTypingThrottle(config.typingThrottleMs),
    addSubscription: (sub) => fanout.add(sub),
    removeSubscription: (sub) => fanout.remove(sub),
    registerUser: (session) => users.add(session),
    unregisterUser: (session) => users.remove(session),
    forget(session) {
      sessions.delete(session);
    },
    refusals,
    mutes,
    async admitUser(session) {
      const who = session.user ?? null;
      if (!deps.caps || !who) return { ok: true };
      return deps.caps.take(
        session.slotId,
        { userId: who.id },
        session.conn.transport === 'polling' ? 'poll' : 'socket',
      );
    },
  };

  let sweep: NodeJS.Timeout | undefined;
  if (broker.onReconnect) {
    broker.onReconnect(() => {
      log.info('hub.catch_up', { reason: 'broker reconnected', streams: fanout.streams });
      fanout.catchUpAll();
      users.recheckAuthority().catch((err) => log.error('hub.recheck_failed', { error: errorText(err) }));
    });
    sweep = setInterval(fanout.catchUpAll, config.catchUpSweepMs);
    sweep.unref();
  }

  broker.onPresenceExpired((stream, user) => {
    broker.publish(streamChannel(stream), { type: 'presence', stream, kind: 'leave', users: [user] });
  });

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const session of sessions) session.tick(now);
  }, config.heartbeatMs);
  heartbeat.unref();

  let closing: { name: CloseName; reason: string } | null = null;

  return {
    config,
    mutes,
    connect(conn, cookieAuth, options) {
      const session = new Session(ctx, conn, cookieAuth, options);
      sessions.add(session);
      // One that slipped in while the server drains is told to go elsewhere at once.
      if (closing) session.close(closing.name, closing.reason);
      return session;
    },
    commit: (input) => commit(input),
    receipts,
    ...userCommands(broker),
    async shutdown(close, reason, graceMs = 5000) {
      clearInterval(heartbeat);
      clearInterval(sweep);
      closing = { name: close, reason };
      // NOTE: what was received is committed and acknowledged before the close, so a client
      // resends (elsewhere, same clientMsgId) only what it never got an ack for. Frames arriving
      // from now on are not handled. Bounded: a stuck database must not hold the process forever.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...sessions].map((session) => session.drain())),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const session of [...sessions]) session.close(close, reason);
      await committer.drain();
    },
    stats: () => ({ connections: sessions.size, streams: fanout.streams }),
  };
}
