/** Pure helpers for a room's message list: one copy per seq, ascending. */
import type { MsgFrame } from '../../../shared/protocol.js';

/** Merges two ascending lists into one, keeping one message per seq (the later copy wins). */
export function mergeBySeq(held: readonly MsgFrame[], incoming: readonly MsgFrame[]): MsgFrame[] {
  if (incoming.length === 0) return held as MsgFrame[];
  const last = held.at(-1);
  const first = incoming[0] as MsgFrame;
  // The common cases, appending live messages and prepending an older page, need no sort.
  if (last === undefined || first.seq > last.seq) return [...held, ...incoming];
  const lastIncoming = incoming.at(-1) as MsgFrame;
  const firstHeld = held[0] as MsgFrame;
  if (lastIncoming.seq < firstHeld.seq) return [...incoming, ...held];
  const bySeq = new Map<number, MsgFrame>();
  for (const m of held) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
