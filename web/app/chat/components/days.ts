/** Day lines in a conversation: "Today", "Yesterday", or the date, in the reader's time zone. */
import type { Catalog } from '../../common/i18n.js';

/** The local calendar day of a timestamp, as a key: "2026-11-26". */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the date (with the year when it is not this one). */
export function dayLabel(
  ts: number,
  now: number,
  t: Pick<Catalog, 'today' | 'yesterday'>,
  format: (ts: number, sameYear: boolean) => string,
): string {
  if (dayKey(ts) === dayKey(now)) return t.today;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(ts) === dayKey(yesterday.getTime())) return t.yesterday;
  return format(ts, new Date(ts).getFullYear() === new Date(now).getFullYear());
}
