/**
 * Username rules, enforced on the server. A username is shown as typed (after NFKC, so
 * full-width and compatibility forms become their plain letters) and is unique by a key that also
 * folds case, so "Alice", "ALICE" and "ａｌｉｃｅ" are one account.
 */
import { Limits, utf8Bytes } from '../../shared/limits.js';

/** Bidi controls, zero-width and other invisible format characters that can disguise a name. */
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0]/u;
const ALLOWED = /^[\p{L}\p{M}\p{N}_.-]+$/u;
const STARTS_WELL = /^[\p{L}\p{N}]/u;

export type UsernameCheck = { ok: true; username: string; key: string } | { ok: false; message: string };

const codePointLabel = (ch: string): string =>
  `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Full case folding approximated: upper then lower maps ß to ss and final sigma to sigma. */
export const usernameKey = (name: string): string =>
  name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');

export function checkUsername(raw: string): UsernameCheck {
  const invisible = raw.match(INVISIBLE);
  if (invisible) {
    return {
      ok: false,
      message: `username contains an invisible or text-direction character (${codePointLabel(invisible[0])}); remove it`,
    };
  }
  const username = raw.normalize('NFKC');
  const bytes = utf8Bytes(username);
  if (bytes < Limits.usernameMinBytes) {
    return {
      ok: false,
      message: `username is ${bytes} bytes; the minimum is ${Limits.usernameMinBytes}`,
    };
  }
  if (bytes > Limits.usernameMaxBytes) {
    return {
      ok: false,
      message: `username is ${bytes} bytes in UTF-8; the limit is ${Limits.usernameMaxBytes}`,
    };
  }
  if (!ALLOWED.test(username)) {
    const bad = [...username].find((ch) => !ALLOWED.test(ch)) ?? '?';
    return {
      ok: false,
      message: `username may contain only letters, digits, _ . and -; "${bad}" (${codePointLabel(bad)}) is not allowed`,
    };
  }
  if (!STARTS_WELL.test(username)) {
    return { ok: false, message: 'username must start with a letter or a digit' };
  }
  return { ok: true, username, key: usernameKey(username) };
}
