/**
 * Typing indicators both ways. Others' typing expires on its own after 5 s without a refresh, so
 * a peer that vanished mid-word does not type forever; our own is sent at most every 2 s while
 * typing and withdrawn after 3 s idle or on send.
 */
import { type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { UserRef } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';

export const TYPING_EXPIRE_MS = 5000;
export const TYPING_REFRESH_MS = 2000;
export const TYPING_IDLE_MS = 3000;

export interface Typing {
  /** Other users typing in the stream now. */
  of(stream: string): ReadonlySignal<UserRef[]>;
  dispose(): void;
}

export function createTyping(client: SwitchboardClient, meId: string): Typing {
  const rooms = new Map<string, Signal<UserRef[]>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const of = (stream: string): Signal<UserRef[]> => {
    let users = rooms.get(stream);
    if (!users) {
      users = signal([]);
      rooms.set(stream, users);
    }
    return users;
  };

  const stop = (stream: string, userId: string) => {
    const key = `${stream}\n${userId}`;
    clearTimeout(timers.get(key));
    timers.delete(key);
    const users = of(stream);
    if (users.peek().some((u) => u.id === userId)) users.value = users.peek().filter((u) => u.id !== userId);
  };

  const offs = [
    client.on('typing', ({ stream, user, active }) => {
      if (user.id === meId) return;
      if (!active) {
        stop(stream, user.id);
        return;
      }
      const key = `${stream}\n${user.id}`;
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => stop(stream, user.id), TYPING_EXPIRE_MS),
      );
      const users = of(stream);
      if (!users.peek().some((u) => u.id === user.id)) users.value = [...users.peek(), user];
    }),
    // A message ends its author's typing, even if their "stopped" frame is still on its way.
    client.on('message', (msg) => stop(msg.stream, msg.from.id)),
  ];

  return {
    of,
    dispose() {
      for (const off of offs) off();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export interface TypingSender {
  /** The composer's text changed. */
  input(text: string): void;
  /** Sent, cleared or left: we are no longer typing. */
  stop(): void;
}

export function createTypingSender(client: SwitchboardClient, stream: string): TypingSender {
  let lastSent = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(idle);
    idle = undefined;
    if (lastSent === 0) return;
    lastSent = 0;
    client.typing(stream, false);
  };
  return {
    input(text) {
      if (text.trim() === '') {
        stop();
        return;
      }
      const now = Date.now();
      if (now - lastSent >= TYPING_REFRESH_MS) {
        lastSent = now;
        client.typing(stream, true);
      }
      clearTimeout(idle);
      idle = setTimeout(stop, TYPING_IDLE_MS);
    },
    stop,
  };
}
