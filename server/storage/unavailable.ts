/**
 * The one failure every storage method may throw that is not a bug: the database cannot answer
 * right now (unreachable, restarting, or a statement ran past its timeout). Callers turn it into
 * the retryable `unavailable` code (an error frame with `retryAfterMs`, HTTP 503 with
 * `Retry-After`) instead of `internal`, and do not log it per request: the storage logs one line
 * when it goes down and one when it is back.
 *
 * @example
 * try { await storage.append(inputs); }
 * catch (err) { if (err instanceof StorageUnavailableError) reply('unavailable', err.retryAfterMs); }
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';

  constructor(
    message: string,
    /** When the same request is worth trying again. */
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isStorageUnavailable = (err: unknown): err is StorageUnavailableError =>
  err instanceof StorageUnavailableError;
