/**
 * What a session, and the frame handlers acting for it, may ask of its hub: the services it uses
 * and the registries it joins.
 *
 * NOTE: interfaces only, naming neither the hub nor the Session class, so that this file is a
 * leaf: hub.ts creates sessions, sessions run handlers, and all of them import this, never each
 * other backwards (tests/unit/import-cycles.test.ts keeps it so).
 */
import type { CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import type { AppendInput, AppendResult, Role, Storage } from '../storage/storage.js';
import type { Access } from './access.js';
import type { Conn, HubConfig } from './conn.js';
import type { CapVerdict } from './connection-caps.js';
import type { HubExtension } from './extension.js';
import type { Credentials, Identity } from './identity.js';
import type { Mutes } from './mutes.js';
import type { Receipts } from './receipts.js';
import type { Subscription } from './subscription.js';

export interface HubContext {
  readonly storage: Storage;
  readonly broker: Broker;
  readonly config: HubConfig;
  readonly log: Logger;
  authenticate(credentials: Credentials): Promise<Identity | null>;
  access(who: Identity, stream: string): Promise<Access>;
  readonly extension: HubExtension | null;
  /** Commits one log entry and, when it is new, publishes it to the stream's subscribers. */
  commit(input: AppendInput, text?: string): Promise<AppendResult>;
  /** Latest-value frames for a stream just caught up (see HubDeps.latest). */
  latest(who: Identity, stream: string): Promise<ServerFrame[]>;
  /** Read receipts in direct messages. */
  readonly receipts: Receipts;
  /**
   * Typing `active: true` goes out at most once per throttle window per user and stream, across
   * all their connections; `false` always goes out and opens the window again.
   */
  typingAllowed(userId: string, stream: string, active: boolean): boolean;
  addSubscription(sub: Subscription): void;
  removeSubscription(sub: Subscription): void;
  /** Takes the account's connection slot for a session that just proved who it is. */
  admitUser(session: HubSession): Promise<CapVerdict>;
  readonly refusals: Refusals;
  /** Moderators' mutes, asked on every send to a room. */
  readonly mutes: Mutes;
  registerUser(session: HubSession): void;
  unregisterUser(session: HubSession): void;
  forget(session: HubSession): void;
}

/** A session as the hub's registries hold it: what they route to it and ask of it. */
export interface HubSession {
  /** Its id in the connection caps. */
  readonly slotId: string;
  readonly conn: Conn;
  /** Who this connection is, once the handshake is done. */
  readonly user: Identity | null;
  /** The signed-in user's id, kept after close so registries can find this session. */
  readonly userId: string | null;
  readonly authSessionId: string | null;
  send(frame: ServerFrame): void;
  /** Closes from the server side. */
  close(name: CloseName, reason: string): void;
  /** The user's role changed (on any process): act with the new one from now on. */
  changeRole(role: Role): void;
  /** Membership of `stream` ended: stop delivering it on this connection. */
  revokeStream(stream: string): void;
  /** Called every heartbeat interval. */
  tick(now: number): void;
  /** Server drain: stop handling frames; resolves once what was received is done. */
  drain(): Promise<void>;
}
