/*
 * Shared by the SPA and the support widget, which renders customers' messages with the same rules.
 * It lives in shared/ because the widget imports nothing from the SPA.
 */
/**
 * Splits message text into plain text and links. Only http: and https: URLs become links, and
 * only after `new URL` accepts them; anything else (javascript:, data:, a broken URL) stays text.
 * The result is data, not markup: the caller renders each part as a text node or an <a>.
 *
 * @example
 * linkify('see https://example.com.');
 * // [{ kind: 'text', text: 'see ' },
 * //  { kind: 'link', text: 'https://example.com', href: 'https://example.com/' },
 * //  { kind: 'text', text: '.' }]
 */

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * Candidates start at the beginning, after whitespace or after an opening bracket or quote, so a
 * scheme glued to other text (`javascript:https://...`, `xhttps://...`) is never half-linked.
 */
const CANDIDATE = /(?<=^|[\s([{<"'])https?:\/\/[^\s<>"'`]+/giu;

/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'"*_~]$/u;

const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

/** Drops sentence punctuation and unbalanced closing brackets from the end of a candidate. */
export function trimCandidate(raw: string): string {
  let url = raw;
  for (;;) {
    if (TRAILING.test(url)) {
      url = url.slice(0, -1);
      continue;
    }
    const last = url.at(-1);
    const open = last === ')' ? '(' : last === ']' ? '[' : last === '}' ? '{' : undefined;
    if (open && count(url, open) < count(url, last as string)) {
      url = url.slice(0, -1);
      continue;
    }
    return url;
  }
}

const count = (s: string, ch: string): number => s.split(ch).length - 1;

/** The link target for a candidate, or null when it must stay text. */
export function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol) || url.hostname === '') return null;
  return url.href;
}

export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimCandidate(match[0]);
    const href = safeHref(candidate);
    if (href === null) continue;
    if (start > plainFrom) segments.push({ kind: 'text', text: text.slice(plainFrom, start) });
    segments.push({ kind: 'link', text: candidate, href });
    plainFrom = start + candidate.length;
  }
  if (plainFrom < text.length) segments.push({ kind: 'text', text: text.slice(plainFrom) });
  return segments;
}
