/**
 * User channels: each user's connections within one process, behind one broker subscription to
 * the user's channel, and the messages any process publishes there to reach all of them.
 */
import type { ServerFrame } from '../../shared/protocol.js';
import { type AccountClose, type Broker, type BrokerMessage, userChannel } from '../broker/broker.js';
import type { Logger } from '../log.js';
import type { Role, UserStore } from '../storage/storage.js';
import type { HubSession } from './hub-context.js';

export const ACCOUNT_CLOSE_REASON: Record<AccountClose, string> = {
  signed_out: 'this account was signed out everywhere',
  account_suspended: 'an admin suspended this account',
  account_deleted: 'an admin deleted this account',
};

export interface Users {
  add(session: HubSession): void;
  remove(session: HubSession): void;
  /**
   * Authority as storage has it now, for every local user: after a broker outage, `role` and
   * `account` messages published meanwhile may have been lost (delivery is at most once).
   */
  recheckAuthority(): Promise<void>;
}

interface Entry {
  sessions: Set<HubSession>;
  off: () => void;
}

export function createUsers(broker: Broker, store: UserStore, log: Logger): Users {
  const entries = new Map<string, Entry>();

  const onUserMessage = (entry: Entry) => (message: BrokerMessage) => {
    for (const session of entry.sessions) {
      switch (message.type) {
        case 'read':
        case 'job':
        case 'rooms_changed':
        case 'receipt':
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

  return {
    add(session) {
      const id = session.userId;
      if (!id) return;
      let entry = entries.get(id);
      if (!entry) {
        const created: Entry = { sessions: new Set(), off: () => {} };
        created.off = broker.subscribe(userChannel(id), onUserMessage(created));
        entries.set(id, created);
        entry = created;
      }
      entry.sessions.add(session);
    },
    remove(session) {
      const id = session.userId;
      const entry = id === null ? undefined : entries.get(id);
      if (!id || !entry?.sessions.delete(session)) return;
      if (entry.sessions.size === 0) {
        entry.off();
        entries.delete(id);
      }
    },
    async recheckAuthority() {
      for (const [userId, entry] of entries) {
        if (userId.startsWith('v.')) continue;
        const user = await store.userById(userId);
        for (const session of [...entry.sessions]) {
          if (!user || user.status === 'deleted')
            session.close('account_deleted', ACCOUNT_CLOSE_REASON.account_deleted);
          else if (user.status === 'suspended')
            session.close('account_suspended', ACCOUNT_CLOSE_REASON.account_suspended);
          else session.changeRole(user.role);
        }
      }
    },
  };
}

/** What the hub publishes to a user's channel (see `Hub`); `onUserMessage` acts on it. */
export const userCommands = (broker: Broker) => ({
  toUser(userId: string, frame: ServerFrame): void {
    broker.publish(userChannel(userId), frame);
  },
  revokeSession(userId: string, sessionId: string): void {
    broker.publish(userChannel(userId), { type: 'revoke', sessionId });
  },
  roleChanged(userId: string, role: Role): void {
    broker.publish(userChannel(userId), { type: 'role', role });
  },
  closeUser(userId: string, close: AccountClose): void {
    broker.publish(userChannel(userId), { type: 'account', close });
  },
  membershipEnded(userId: string, stream: string): void {
    broker.publish(userChannel(userId), { type: 'member', stream, joined: false });
  },
  roomsChanged(userIds: readonly string[]): void {
    for (const userId of new Set(userIds)) broker.publish(userChannel(userId), { type: 'rooms_changed' });
  },
  claimPoll(userId: string, cid: string, pollId: string): void {
    broker.publish(userChannel(userId), { type: 'poll', cid, pollId });
  },
});
