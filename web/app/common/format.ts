/**
 * Numbers as people read them, in the UI's language: bytes in decimal units (as network tools
 * count them), counts with grouping, durations with a sensible precision.
 *
 * @example
 * formatBytes(2234, 'en'); // "2.2 kB"
 * formatNumber(15.4, 'en', 1); // "15.4"
 */
import type { Lang } from './i18n.js';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(lang: Lang, digits: number, fixed: boolean): Intl.NumberFormat {
  const key = `${lang}/${digits}/${fixed}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, {
      maximumFractionDigits: digits,
      minimumFractionDigits: fixed ? digits : 0,
    });
    formats.set(key, format);
  }
  return format;
}

/** A number with at most `digits` decimals (exactly `digits` when `fixed`), grouped the language's way. */
export const formatNumber = (value: number, lang: Lang, digits = 0, fixed = false): string =>
  numberFormat(lang, digits, fixed).format(value);

const UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/** Bytes in B, kB, MB or GB (powers of 1000), with one decimal above bytes ("3.0 kB", for even columns). */
export function formatBytes(bytes: number, lang: Lang): string {
  let value = bytes;
  let unit = 0;
  // Round first, so 999,960 bytes reads "1 MB" rather than "1,000 kB".
  while (unit < UNITS.length - 1 && Math.round(Math.abs(value) * 10) / 10 >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${formatNumber(value, lang, unit === 0 ? 0 : 1, true)} ${UNITS[unit]}`;
}

/** Milliseconds as a bare number: one decimal under 10 ms (where it matters), whole above. */
export const formatMs = (ms: number, lang: Lang): string => formatNumber(ms, lang, ms < 10 ? 1 : 0);

/** How much of an event's data a room shows on its one line. */
export const EVENT_SUMMARY_CHARS = 200;

/**
 * A pushed event's data as one short line of text: a string as it is, anything else as JSON,
 * runs of whitespace folded to one space, cut at `max` characters (code points, so an emoji or a
 * CJK character is never split) with an ellipsis. Empty for no data. The caller renders it as
 * text, never as markup.
 *
 * @example
 * eventSummary({ version: '1.2.3' }); // '{"version":"1.2.3"}'
 * eventSummary('x'.repeat(500)).length; // 200
 */
export function eventSummary(data: unknown, max = EVENT_SUMMARY_CHARS): string {
  if (data === null || data === undefined) return '';
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else {
    try {
      text = JSON.stringify(data) ?? '';
    } catch {
      // Only decoded JSON reaches here, so this is a guard, not a path: never throw in a render.
      text = '';
    }
  }
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
