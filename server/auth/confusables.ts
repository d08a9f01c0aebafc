/**
 * The confusable skeleton of Unicode Technical Standard #39 (section 4): two strings whose
 * skeletons are equal look alike, like "admin" and "аdmin" (Cyrillic а, U+0430) or "paypal" and
 * "paypaI" (capital I).
 *
 * NOTE: the prototypes come from `unhomoglyph`, which ships Unicode's confusables.txt (13.0.0) as
 * a JSON map of 6,311 single code points to their prototypes (MIT, about 100 kB, no code of its
 * own that we run). Its own function is a plain replace; the skeleton here is the standard's:
 * NFD, drop Default_Ignorable_Code_Point characters, map each code point to its prototype, NFD
 * again. Kept on the server: the SPA has no use for 100 kB of look-alikes.
 */
import { createRequire } from 'node:module';

const prototypes: Readonly<Record<string, string>> = createRequire(import.meta.url)('unhomoglyph/data.json');
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** UTS #39 skeleton(X). */
export function skeleton(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFD').replace(IGNORABLE, '')) {
    out += Object.hasOwn(prototypes, ch) ? prototypes[ch] : ch;
  }
  return out.normalize('NFD');
}

/**
 * The skeletons that make two usernames "too similar": one shares any of them with another. They
 * are the skeletons of the name as typed, in lower case, in upper case and capitalized, because
 * usernames are one account per case-folded name (username.ts) and a name must not look like
 * another in any case: "aIice" (capital I) looks like "alice" as typed, "AIice" like "Alice", and
 * "ADMІN" (Cyrillic І) like "ADMIN": all three are the account "alice" or "admin".
 * NOTE: a set and not one folded key, because look-alike-or-same-case is not transitive: "aiice" is
 * "aIice" in another case, and "aIice" looks like "alice", but "aiice" does not. One folded key
 * either misses "aIice" (fold first: I becomes i) or refuses "ALLCE" beside "ALICE" (skeleton
 * first: I becomes l, which folds with L). Comparing sets does neither.
 */
export function usernameSkeletons(username: string): string[] {
  const lower = username.toLowerCase();
  const [first = ''] = lower;
  const capitalized = first.toUpperCase() + lower.slice(first.length);
  return [...new Set([username, lower, username.toUpperCase(), capitalized].map(skeleton))];
}
