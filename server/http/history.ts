/** History pages by seq, the same for rooms, conversations and notes. */
import type { Context } from 'hono';
import type { MessagesPage } from '../../shared/api.js';
import { Limits } from '../../shared/limits.js';
import { entryFrame } from '../hub/frames.js';
import type { LogStore } from '../storage/storage.js';
import { type AppEnv, apiError } from './env.js';

/**
 * Answers `?before=<seq>&limit=<n>` with the page just below `before` (the newest without it),
 * oldest first, or 400 naming the bad parameter.
 */
export async function historyPage<E extends AppEnv>(
  c: Context<E>,
  log: LogStore,
  stream: string,
): Promise<Response> {
  const limitText = c.req.query('limit');
  const beforeText = c.req.query('before');
  const limit = limitText === undefined ? 50 : Number(limitText);
  const before = beforeText === undefined ? null : Number(beforeText);
  if (!Number.isInteger(limit) || limit < 1 || limit > Limits.historyPage) {
    return apiError(
      c,
      400,
      'invalid_request',
      `limit must be a whole number from 1 to ${Limits.historyPage}`,
    );
  }
  if (before !== null && (!Number.isInteger(before) || before < 1)) {
    return apiError(c, 400, 'invalid_request', 'before must be a seq (a whole number of at least 1)');
  }
  const entries = await log.readBefore(stream, before, limit + 1);
  const hasMore = entries.length > limit;
  const page: MessagesPage = { messages: (hasMore ? entries.slice(1) : entries).map(entryFrame), hasMore };
  return c.json(page);
}
