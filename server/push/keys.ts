/**
 * API keys for backends: `sb_<id>_<secret>`, shown once, stored as the SHA-256 of the secret.
 * They authenticate only from the Authorization header (never a URL, which ends up in logs).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyWithSecret, KeyStore } from '../storage/storage.js';

const TOKEN = /^sb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

export function newApiKey(): { id: string; secret: string; token: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `sb_${id}_${secret}` };
}

/** Query parameters a key might be (wrongly) put in; a request carrying one is refused. */
export const KEY_PARAMS = ['key', 'api_key', 'apikey', 'token', 'access_token', 'authorization'];

export type KeyCheck = { ok: true; key: ApiKeyWithSecret } | { ok: false; message: string };

export async function authenticateKey(keys: KeyStore, authorization: string | undefined): Promise<KeyCheck> {
  if (!authorization) return { ok: false, message: 'send the API key as Authorization: Bearer sb_...' };
  const match = authorization.match(/^Bearer\s+(\S+)$/i)?.[1]?.match(TOKEN);
  if (!match) return { ok: false, message: 'the Authorization header is not "Bearer <an API key>"' };
  const [, id, secret] = match as [string, string, string];
  const key = await keys.apiKeyById(id);
  const expected = Buffer.from(key?.secretHash ?? hashSecret('no such key'));
  const given = Buffer.from(hashSecret(secret));
  if (!key || !timingSafeEqual(expected, given)) return { ok: false, message: 'this API key is not valid' };
  if (key.revokedAt !== null) return { ok: false, message: 'this API key was revoked' };
  return { ok: true, key };
}
