import { randomFillSync } from 'node:crypto';

/**
 * Random bytes taken from a pool refilled 4 KiB at a time: an id per message would otherwise be
 * a system call per message.
 */
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** A random, URL-safe id: 16 bytes (128 bits) by default, so ids cannot be guessed. */
export function randomId(bytes = 16): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return id;
}
