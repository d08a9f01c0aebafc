/**
 * Mentions in message text: `@name` names a member of the room, `@room` everyone in it. One
 * finder for the server (which resolves names to the members they are and stores the ids) and the
 * SPA (which highlights them and completes them as they are typed), so both see the same ones.
 *
 * A mention starts with `@` that does not follow a letter, digit or `_ . - @ /` (so `bob@example.com`
 * and `a/@b` are not mentions), and its name is the username rule's characters. Text in code
 * (`` `inline` `` or a fenced block) mentions nobody: `@Component` in a code sample pings no one.
 *
 * @example
 * mentionNames('hi @Alice and @room, see `@bob`'); // ['Alice', 'room']
 */

/** The most people (and `@room`) one message may mention; more is `too_many_mentions`. */
export const MAX_MENTIONS = 50;

/** `@room`, everyone in the room; in `MsgFrame.mentions` it stands beside the user ids. */
export const ROOM_MENTION = 'room';

const MENTION = /(?<![\p{L}\p{M}\p{N}_.@/-])@([\p{L}\p{N}][\p{L}\p{M}\p{N}_.-]*)/gu;

/** A fenced code block (``` or ~~~ to the same fence, or to the end) or an inline code span. */
const CODE =
  /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|$)|$)|(`+)(?!`)[\s\S]*?(?<!`)\2(?!`)/gm;

export interface MentionSpan {
  /** Where `@` is, and just past the name, in the text. */
  start: number;
  end: number;
  /** The name as written, without `@` or a sentence's trailing dots. */
  name: string;
}

/** The text with code blanked out (same length, so positions hold). */
function withoutCode(text: string): string {
  if (!text.includes('`') && !text.includes('~~~')) return text;
  return text.replace(CODE, (code) => code.replace(/[^\n]/g, ' '));
}

/** Every mention in the text, in order (a name may appear more than once). */
export function mentionSpans(text: string): MentionSpan[] {
  if (!text.includes('@')) return [];
  const spans: MentionSpan[] = [];
  for (const match of withoutCode(text).matchAll(MENTION)) {
    // "thanks @bob." ends a sentence: the dot is not part of the name.
    const name = (match[1] as string).replace(/\.+$/, '');
    spans.push({ start: match.index, end: match.index + 1 + name.length, name });
  }
  return spans;
}

/** The distinct names mentioned, as first written (case is the server's to fold). */
export function mentionNames(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const { name } of mentionSpans(text)) {
    const folded = name.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    names.push(name);
  }
  return names;
}

/** Whether a name written after `@` is `@room`. */
export const isRoomMention = (name: string): boolean => name.toLowerCase() === ROOM_MENTION;
