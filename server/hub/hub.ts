/**
 * The realtime core. Transports hand it connections (`connect`) and decoded frames (through the
 * returned Session); it owns subscriptions, fan-out through the broker, presence and heartbeats.
 *
 * @example
 * const hub = createHub({ storage, broker, log, authenticate });
 * const session = hub.connect(conn, cookieSession);
 * session.receive(frame);
 */
import type { CloseName } from '../../shared/codes.js';
import type { ServerFrame, SupportFrame } from '../../shared/protocol.js';
import {
  type AccountClose,
  type Broker,
  type BrokerMessage,
  streamChannel,
  userChannel,
} from '../broker/broker.js';
import { errorText, type Logger } from '../log.js';
import { createRefusals, type Refusals } from '../refusals.js';
import type { AppendInput, AppendResult, LogEntry, Role, Storage } from '../storage/storage.js';
import { streamAccess } from './access.js';
import { createCommitter } from './committer.js';
import { type Conn, defaultHubConfig, type HubConfig } from './conn.js';
import type { ConnectionCaps } from './connection-caps.js';
import { entryFrame, msgFrame } from './frames.js';
import type { HubContext } from './hub-context.js';
import type { Credentials, Identity } from './identity.js';
import { Session, type SessionOptions } from './session.js';
import type { Subscription } from './subscription.js';

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

/** How an extension answers the connection a frame came from. */
export interface FrameReply {
  send(frame: ServerFrame): void;
  error(
    code: 'forbidden' | 'not_found' | 'invalid_frame' | 'rate_limited' | 'idempotency_conflict',
    message: string,
    ref?: string,
  ): void;
}

export interface HubExtension {
  onFrame(who: Identity, frame: SupportFrame, reply: FrameReply): Promise<void>;
  /** Called after every new log entry is committed (and published). */
  onCommitted(entry: LogEntry): Promise<void>;
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
  /**
   * Server shutdown: stop heartbeats and taking frames, finish what was received (commits and
   * their acks, for at most `graceMs`), then close every connection and finish commits in flight.
   */
  shutdown(close: CloseName, reason: string, graceMs?: number): Promise<void>;
  stats(): { connections: number; streams: number };
}

const ACCOUNT_CLOSE_REASON: Record<AccountClose, string> = {
  signed_out: 'this account was signed out everywhere',
  account_suspended: 'an admin suspended this account',
  account_deleted: 'an admin deleted this account',
};

interface Fanout {
  subs: Set<Subscription>;
  off: () => void;
}

interface UserEntry {
  sessions: Set<Session>;
  off: () => void;
}

export function createHub(deps: HubDeps): Hub {
  const config: HubConfig = { ...defaultHubConfig, ...deps.config };
  const { storage, broker, log } = deps;
  const committer = createCommitter(storage);
  const sessions = new Set<Session>();
  const fanouts = new Map<string, Fanout>();
  const users = new Map<string, UserEntry>();
  const typingSentAt = new Map<string, number>();
  const refusals = deps.refusals ?? createRefusals({ log });

  const onStreamMessage = (fanout: Fanout) => (message: BrokerMessage) => {
    switch (message.type) {
      case 'msg':
      case 'event':
        for (const sub of fanout.subs) sub.offer(message);
        return;
      case 'presence':
      case 'receipt':
        for (const sub of fanout.subs) sub.owner.send(message);
        return;
      case 'typing':
        // Nobody needs their own typing echoed back (it would also wake their parked polls).
        for (const sub of fanout.subs) if (sub.owner.userId !== message.user.id) sub.owner.send(message);
        return;
      default:
        log.warn('broker.unexpected', { type: message.type });
    }
  };

  const onUserMessage = (entry: UserEntry) => (message: BrokerMessage) => {
    for (const session of entry.sessions) {
      switch (message.type) {
        case 'read':
        case 'job':
          session.send(message);
          break;
        case 'member':
          if (!message.joined) session.revokeStream(message.stream);
          break;
        case 'revoke':
          if (session.authSessionId === message.sessionId) {
            session.close('signed_out', 'this session was signed out');
          }
          break;
        case 'role':
          session.changeRole(message.role);
          break;
        case 'account':
          session.close(message.close, ACCOUNT_CLOSE_REASON[message.close]);
          break;
        case 'poll':
          session.conn.pollClaimed?.(message.cid, message.pollId);
          break;
        default:
          log.warn('broker.unexpected', { type: message.type });
      }
    }
  };

  /** Commits one log entry and, when it is new, publishes it to the stream's subscribers. */
  const commit = async (input: AppendInput, text?: string): Promise<AppendResult> => {
    const result = await committer.commit(input);
    if (result.status === 'created') {
      const frame = text !== undefined ? msgFrame(result.entry, text) : entryFrame(result.entry);
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
    latest: deps.latest ?? (async () => []),
    typingAllowed(userId, stream, active) {
      const key = `${userId} ${stream}`;
      if (!active) {
        typingSentAt.delete(key);
        return true;
      }
      const now = Date.now();
      const last = typingSentAt.get(key);
      if (last !== undefined && now - last < config.typingThrottleMs) return false;
      typingSentAt.set(key, now);
      // Entries of users who stopped without a `false` are dropped as the map is used.
      if (typingSentAt.size > 10_000) {
        for (const [k, at] of typingSentAt) if (now - at > config.typingThrottleMs) typingSentAt.delete(k);
      }
      return true;
    },
    addSubscription(sub) {
      let fanout = fanouts.get(sub.stream);
      if (!fanout) {
        const created: Fanout = { subs: new Set(), off: () => {} };
        created.off = broker.subscribe(streamChannel(sub.stream), onStreamMessage(created));
        fanouts.set(sub.stream, created);
        fanout = created;
      }
      fanout.subs.add(sub);
    },
    removeSubscription(sub) {
      sub.active = false;
      const fanout = fanouts.get(sub.stream);
      if (!fanout) return;
      fanout.subs.delete(sub);
      if (fanout.subs.size === 0) {
        fanout.off();
        fanouts.delete(sub.stream);
      }
    },
    registerUser(session) {
      const id = session.userId;
      if (!id) return;
      let entry = users.get(id);
      if (!entry) {
        const created: UserEntry = { sessions: new Set(), off: () => {} };
        created.off = broker.subscribe(userChannel(id), onUserMessage(created));
        users.set(id, created);
        entry = created;
      }
      entry.sessions.add(session);
    },
    unregisterUser(session) {
      const id = session.userId;
      const entry = id === null ? undefined : users.get(id);
      if (!id || !entry?.sessions.delete(session)) return;
      if (entry.sessions.size === 0) {
        entry.off();
        users.delete(id);
      }
    },
    forget(session) {
      sessions.delete(session);
    },
    refusals,
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

  /**
   * Authority as storage has it now, for every local user: after a broker outage, `role` and
   * `account` messages published meanwhile may have been lost (delivery is at most once).
   */
  const recheckAuthority = async () => {
    for (const [userId, entry] of users) {
      if (userId.startsWith('v.')) continue;
      const user = await storage.userById(userId);
      for (const session of [...entry.sessions]) {
        if (!user || user.status === 'deleted')
          session.close('account_deleted', ACCOUNT_CLOSE_REASON.account_deleted);
        else if (user.status === 'suspended')
          session.close('account_suspended', ACCOUNT_CLOSE_REASON.account_suspended);
        else session.changeRole(user.role);
      }
    }
  };

  /** Every local subscription reads what it may have missed (see Subscription.catchUp). */
  const catchUpAll = () => {
    for (const fanout of fanouts.values()) for (const sub of fanout.subs) sub.catchUp();
  };
  let sweep: NodeJS.Timeout | undefined;
  if (broker.onReconnect) {
    broker.onReconnect(() => {
      log.info('hub.catch_up', { reason: 'broker reconnected', streams: fanouts.size });
      catchUpAll();
      recheckAuthority().catch((err) => log.error('hub.recheck_failed', { error: errorText(err) }));
    });
    sweep = setInterval(catchUpAll, config.catchUpSweepMs);
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
    connect(conn, cookieAuth, options) {
      const session = new Session(ctx, conn, cookieAuth, options);
      sessions.add(session);
      // One that slipped in while the server drains is told to go elsewhere at once.
      if (closing) session.close(closing.name, closing.reason);
      return session;
    },
    commit: (input) => commit(input),
    toUser(userId, frame) {
      broker.publish(userChannel(userId), frame);
    },
    revokeSession(userId, sessionId) {
      broker.publish(userChannel(userId), { type: 'revoke', sessionId });
    },
    roleChanged(userId, role) {
      broker.publish(userChannel(userId), { type: 'role', role });
    },
    closeUser(userId, close) {
      broker.publish(userChannel(userId), { type: 'account', close });
    },
    membershipEnded(userId, stream) {
      broker.publish(userChannel(userId), { type: 'member', stream, joined: false });
    },
    claimPoll(userId, cid, pollId) {
      broker.publish(userChannel(userId), { type: 'poll', cid, pollId });
    },
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
    stats: () => ({ connections: sessions.size, streams: fanouts.size }),
  };
}
