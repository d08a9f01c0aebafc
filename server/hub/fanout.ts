/**
 * Stream fan-out within one process: one broker subscription per stream that has local
 * subscribers, shared by all of them and dropped with the last; what the broker delivers on it
 * goes to each of them.
 */
import { type Broker, type BrokerMessage, streamChannel } from '../broker/broker.js';
import type { Logger } from '../log.js';
import type { Subscription } from './subscription.js';

export interface Fanout {
  add(sub: Subscription): void;
  /** Marks the subscription inactive (nothing more reaches it) and forgets it. */
  remove(sub: Subscription): void;
  /** Every local subscription reads what it may have missed (see Subscription.catchUp). */
  catchUpAll(): void;
  /** Streams with at least one local subscriber. */
  readonly streams: number;
}

interface Entry {
  subs: Set<Subscription>;
  off: () => void;
}

export function createFanout(broker: Broker, log: Logger): Fanout {
  const entries = new Map<string, Entry>();

  const onStreamMessage = (entry: Entry) => (message: BrokerMessage) => {
    switch (message.type) {
      case 'msg':
      case 'event':
      case 'change':
        for (const sub of entry.subs) sub.offer(message);
        return;
      case 'presence':
      case 'receipt':
        for (const sub of entry.subs) sub.owner.send(message);
        return;
      case 'typing':
        // Nobody needs their own typing echoed back (it would also wake their parked polls).
        for (const sub of entry.subs) if (sub.owner.userId !== message.user.id) sub.owner.send(message);
        return;
      default:
        log.warn('broker.unexpected', { type: message.type });
    }
  };

  return {
    add(sub) {
      let entry = entries.get(sub.stream);
      if (!entry) {
        const created: Entry = { subs: new Set(), off: () => {} };
        created.off = broker.subscribe(streamChannel(sub.stream), onStreamMessage(created));
        entries.set(sub.stream, created);
        entry = created;
      }
      entry.subs.add(sub);
    },
    remove(sub) {
      sub.active = false;
      const entry = entries.get(sub.stream);
      if (!entry) return;
      entry.subs.delete(sub);
      if (entry.subs.size === 0) {
        entry.off();
        entries.delete(sub.stream);
      }
    },
    catchUpAll() {
      for (const entry of entries.values()) for (const sub of entry.subs) sub.catchUp();
    },
    get streams() {
      return entries.size;
    },
  };
}
