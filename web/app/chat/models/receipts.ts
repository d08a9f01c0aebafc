/**
 * "Seen" in direct messages: how far each other person has read each DM, from `receipt` frames
 * (live, and as of now after every subscribe). A position only moves forward. While the user has
 * read receipts off, the server sends none, and nothing held is shown.
 *
 * @example
 * const receipts = createReceipts({ client, enabled: settings.readReceipts });
 * seenBy(receipts.positions('room:abc').value, 42); // [{ id, name }] of those who read up to 42
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { UserRef } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';

export type ReadPositions = ReadonlyMap<string, { name: string; seq: number }>;

export interface Receipts {
  /** How far each other person has read `stream`, by user id; empty while receipts are off. */
  positions(stream: string): ReadonlySignal<ReadPositions>;
  dispose(): void;
}

const NONE: ReadPositions = new Map();

/** Everyone whose position has reached `seq`, by name. */
export function seenBy(positions: ReadPositions, seq: number): UserRef[] {
  if (seq <= 0) return [];
  return [...positions]
    .filter(([, p]) => p.seq >= seq)
    .map(([id, p]) => ({ id, name: p.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function createReceipts(deps: {
  client: SwitchboardClient;
  enabled: ReadonlySignal<boolean>;
}): Receipts {
  const { client, enabled } = deps;
  const held = new Map<string, Signal<ReadPositions>>();
  const shown = new Map<string, ReadonlySignal<ReadPositions>>();
  const heldOf = (stream: string) => {
    let positions = held.get(stream);
    if (!positions) {
      positions = signal(NONE);
      held.set(stream, positions);
    }
    return positions;
  };

  const off = client.on('receipt', (frame) => {
    if (!frame.stream.startsWith('room:')) return;
    const positions = heldOf(frame.stream);
    const previous = positions.peek().get(frame.by.id);
    if (previous && previous.seq >= frame.seq) return;
    const next = new Map(positions.peek());
    next.set(frame.by.id, { name: frame.by.name, seq: frame.seq });
    positions.value = next;
  });

  return {
    positions(stream) {
      let view = shown.get(stream);
      if (!view) {
        const positions = heldOf(stream);
        view = computed(() => (enabled.value ? positions.value : NONE));
        shown.set(stream, view);
      }
      return view;
    },
    dispose: off,
  };
}
