/**
 * Visitor tokens: 256 random bits, kept in the host page's localStorage, sent in a header or the
 * first frame (never a URL), stored only as a SHA-256. A token is valid on its own site only.
 */
import { createHash, randomBytes } from 'node:crypto';

export const VISITOR_HEADER = 'x-switchboard-visitor';
export const newVisitorToken = (): string => randomBytes(32).toString('base64url');
export const hashVisitorToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');
export const VISITOR_TOKEN = /^[A-Za-z0-9_-]{43}$/;
