/**
 * Names and titles checked in the browser by the server's own rule (shared/text-rules.ts), so a
 * stray invisible character is named, in the user's language, before anything is sent; and the
 * server's codes for what only it can know (a look-alike of an existing name) said in words.
 */
import { type ForbiddenChar, forbiddenTextChar, invisibleChar } from '../../../shared/text-rules.js';
import type { Catalog } from './i18n.js';

const say = (t: Catalog, field: string, bad: ForbiddenChar | null): string | null =>
  bad === null
    ? null
    : bad.kind === 'control'
      ? t.controlIn(field, bad.codePoint)
      : t.invisibleIn(field, bad.codePoint);

/** A username's invisible or text-direction character, or null. */
export const usernameError = (t: Catalog, value: string): string | null =>
  say(t, t.username, invisibleChar(value));

/** A room title's or site name's invisible, text-direction or control character, or null. */
export const textError = (t: Catalog, field: string, value: string): string | null =>
  say(t, field, forbiddenTextChar(value));

/** The words for a failed API call: the catalog's, for the codes it knows, else the server's. */
export const apiErrorText = (t: Catalog, error: { code: string; message: string }): string =>
  (Object.hasOwn(t.errorCode, error.code) ? t.errorCode[error.code as keyof Catalog['errorCode']] : null) ??
  error.message;
