/**
 * Characters a name or title may not hold, checked by the server and by the SPA before it sends
 * (so both say the same thing): invisible ones, text-direction controls and control characters.
 * They let one name pass for another ("admin" + U+FE00 draws as "admin") or reorder what is drawn
 * around them (U+202E turns "alice\u202Egnp.exe" into "aliceexe.png").
 *
 * NOTE: the sets are not a hand list. `\p{Default_Ignorable_Code_Point}` and `\p{Bidi_Control}`
 * are read from the Unicode Character Database that V8 ships with ICU (Node 20 here has Unicode
 * 17), so a newly assigned invisible character is refused as soon as the runtime knows it. Tests
 * check the ranges that were used to slip past the old hand list (U+034F, U+FE00-FE0F,
 * U+180B-180D, U+17B4-17B5, U+E0100-E01EF).
 *
 * @example
 * invisibleChar('alice\u202E') // { char: '\u202E', codePoint: 'U+202E', kind: 'invisible' }
 * textProblem('room title', 'Lobby\u200B') // 'room title contains an invisible ... (U+200B); remove it'
 */

export type ForbiddenKind = 'invisible' | 'control';

export interface ForbiddenChar {
  char: string;
  /** "U+202E": what the error names, since the character itself draws as nothing. */
  codePoint: string;
  kind: ForbiddenKind;
}

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;
/** C0 and C1 controls (tab and newline too: these are one-line fields), line and paragraph
 * separators, and lone surrogates (JSON can carry "\ud800"). */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * Well-formed emoji sequences are the one place invisible characters are wanted in a title: a
 * zero-width joiner inside "👨‍👩‍👧", U+FE0F in "❤️", tag characters in a subdivision flag. These
 * sequences are taken out before the check, so only a stray invisible is refused.
 * NOTE: built from a string because `\p{RGI_Emoji}` needs the `v` flag (ES2024): a browser
 * without it gets null here and checks the whole title (the server still decides).
 */
const EMOJI_SEQUENCE: RegExp | null = (() => {
  try {
    // Source and flags go through variables: a literal with the `v` flag would be a syntax error
    // in such a browser (the whole module would fail), and TypeScript refuses one below ES2024.
    const source = '\\p{RGI_Emoji}';
    const flags = 'gv';
    return new RegExp(source, flags);
  } catch {
    return null;
  }
})();

export const codePointLabel = (ch: string): string =>
  `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

function firstForbidden(s: string): ForbiddenChar | null {
  for (const char of s) {
    const kind: ForbiddenKind | null = CONTROL.test(char)
      ? 'control'
      : INVISIBLE.test(char)
        ? 'invisible'
        : null;
    if (kind) return { char, codePoint: codePointLabel(char), kind };
  }
  return null;
}

/** The first invisible or text-direction character in `s`, or null. For usernames, whose own
 * rule (letters, digits, _ . -) names any other character it refuses. */
export function invisibleChar(s: string): ForbiddenChar | null {
  for (const char of s) {
    if (INVISIBLE.test(char)) return { char, codePoint: codePointLabel(char), kind: 'invisible' };
  }
  return null;
}

/**
 * The first invisible, text-direction or control character in `s`, or null; but a joiner, variation selector or tag that belongs to a well-formed emoji
 * sequence is allowed. For display names, room titles and site names.
 */
export function forbiddenTextChar(s: string): ForbiddenChar | null {
  const rest = EMOJI_SEQUENCE ? s.replace(EMOJI_SEQUENCE, '') : s;
  return firstForbidden(rest);
}

export function forbiddenMessage(field: string, bad: ForbiddenChar): string {
  return bad.kind === 'control'
    ? `${field} contains a control character (${bad.codePoint}); remove it`
    : `${field} contains an invisible or text-direction character (${bad.codePoint}); remove it`;
}

/** The error for a name or title field, or null when it holds no forbidden character. */
export function textProblem(field: string, s: string): string | null {
  const bad = forbiddenTextChar(s);
  return bad ? forbiddenMessage(field, bad) : null;
}
