/** Pure helpers for a room's log: one entry per seq, ascending (messages and pushed events alike). */

/** Merges two ascending lists into one, keeping one entry per seq (the later copy wins). */
export function mergeBySeq<T extends { seq: number }>(held: readonly T[], incoming: readonly T[]): T[] {
  if (incoming.length === 0) return held as T[];
  const last = held.at(-1);
  const first = incoming[0] as T;
  // The common cases, appending live entries and prepending an older page, need no sort.
  if (last === undefined || first.seq > last.seq) return [...held, ...incoming];
  const lastIncoming = incoming.at(-1) as T;
  const firstHeld = held[0] as T;
  if (lastIncoming.seq < firstHeld.seq) return [...incoming, ...held];
  const bySeq = new Map<number, T>();
  for (const m of held) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
