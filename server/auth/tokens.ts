/** Session tokens: random, sent only in an HttpOnly cookie (or a hello frame), stored hashed. */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'sb_session';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const newSessionToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
