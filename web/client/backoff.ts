/**
 * Full-jitter exponential backoff: a uniformly random delay in [0, min(max, base * 2^attempt)].
 * Spreading reconnects over the whole window keeps a restarted server from a thundering herd.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
