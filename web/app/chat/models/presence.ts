/** Who is online in each subscribed room, from presence snapshot, join and leave frames. */
import { batch, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { UserRef } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';

export interface Presence {
  of(stream: string): ReadonlySignal<UserRef[]>;
  dispose(): void;
}

const byName = (a: UserRef, b: UserRef) => a.name.localeCompare(b.name);

export function createPresence(client: SwitchboardClient): Presence {
  const rooms = new Map<string, Signal<UserRef[]>>();
  const of = (stream: string): Signal<UserRef[]> => {
    let users = rooms.get(stream);
    if (!users) {
      users = signal([]);
      rooms.set(stream, users);
    }
    return users;
  };

  const offs = [
    client.on('presence', (frame) => {
      const users = of(frame.stream);
      const current = frame.kind === 'snapshot' ? [] : users.peek();
      const next = new Map(current.map((u) => [u.id, u]));
      for (const user of frame.users) {
        if (frame.kind === 'leave') next.delete(user.id);
        else next.set(user.id, user);
      }
      users.value = [...next.values()].sort(byName);
    }),
    client.on('state', (state) => {
      // Off the connection nobody is known to be online; the next subscription sends a snapshot.
      if (state.status !== 'online') {
        batch(() => {
          for (const users of rooms.values()) users.value = [];
        });
      }
    }),
  ];

  return {
    of,
    dispose() {
      for (const off of offs) off();
    },
  };
}
