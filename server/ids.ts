import { randomBytes } from 'node:crypto';

/** A random, URL-safe id: 16 bytes (128 bits) by default, so ids cannot be guessed. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
