/** What a Session may ask of its hub: the services it uses and the registries it joins. */
import type { ServerFrame } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import type { AppendInput, AppendResult, Storage } from '../storage/storage.js';
import type { Access } from './access.js';
import type { HubConfig } from './conn.js';
import type { CapVerdict } from './connection-caps.js';
import type { HubExtension } from './hub.js';
import type { Credentials, Identity } from './identity.js';
import type { Session } from './session.js';
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
  /**
   * Typing `active: true` goes out at most once per throttle window per user and stream, across
   * all their connections; `false` always goes out and opens the window again.
   */
  typingAllowed(userId: string, stream: string, active: boolean): boolean;
  addSubscription(sub: Subscription): void;
  removeSubscription(sub: Subscription): void;
  /** Takes the account's connection slot for a session that just proved who it is. */
  admitUser(session: Session): Promise<CapVerdict>;
  readonly refusals: Refusals;
  registerUser(session: Session): void;
  unregisterUser(session: Session): void;
  forget(session: Session): void;
}
