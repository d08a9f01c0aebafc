/**
 * Username rules, enforced on the server. A username is shown as typed (after NFKC, so
 * full-width and compatibility forms become their plain letters) and is unique twice over: by a
 * key that folds case, so "Alice", "ALICE" and "ａｌｉｃｅ" are one account, and by confusable
 * skeletons, so "аdmin" (Cyrillic а) cannot be registered beside "admin" (see confusables.ts).
 * The database enforces both (a UNIQUE key, a primary key per skeleton).
 */
import { Limits, utf8Bytes } from '../../shared/limits.js';
import { codePointLabel, forbiddenMessage, invisibleChar } from '../../shared/text-rules.js';
import { usernameSkeletons } from './confusables.js';

const ALLOWED = /^[\p{L}\p{M}\p{N}_.-]+$/u;
const STARTS_WELL = /^[\p{L}\p{N}]/u;

export type UsernameCheck =
  | { ok: true; username: string; key: string; skeletons: string[] }
  /** `invisible` is its own case so the API can answer with the `invisible_character` code. */
  | { ok: false; reason: 'invisible' | 'invalid'; message: string };

/** Full case folding approximated: upper then lower maps ß to ss and final sigma to sigma. */
export const usernameKey = (name: string): string =>
  name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');

export function checkUsername(raw: string): UsernameCheck {
  const invisible = invisibleChar(raw);
  if (invisible) return { ok: false, reason: 'invisible', message: forbiddenMessage('username', invisible) };
  const username = raw.normalize('NFKC');
  const bytes = utf8Bytes(username);
  if (bytes < Limits.usernameMinBytes) {
    return {
      ok: false,
      reason: 'invalid',
      message: `username is ${bytes} bytes; the minimum is ${Limits.usernameMinBytes}`,
    };
  }
  if (bytes > Limits.usernameMaxBytes) {
    return {
      ok: false,
      reason: 'invalid',
      message: `username is ${bytes} bytes in UTF-8; the limit is ${Limits.usernameMaxBytes}`,
    };
  }
  if (!ALLOWED.test(username)) {
    const bad = [...username].find((ch) => !ALLOWED.test(ch)) ?? '?';
    return {
      ok: false,
      reason: 'invalid',
      message: `username may contain only letters, digits, _ . and -; "${bad}" (${codePointLabel(bad)}) is not allowed`,
    };
  }
  if (!STARTS_WELL.test(username)) {
    return { ok: false, reason: 'invalid', message: 'username must start with a letter or a digit' };
  }
  return { ok: true, username, key: usernameKey(username), skeletons: usernameSkeletons(username) };
}
