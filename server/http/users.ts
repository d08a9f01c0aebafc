/**
 * `GET /api/users?q=<prefix>&limit=<1..20>`: people to message, by the start of their username
 * (case and width folded as usernames are). Active accounts only, never the caller; ids and
 * usernames only: no roles, statuses or anything else about an account.
 */
import { Hono } from 'hono';
import type { ApiPerson } from '../../shared/api.js';
import { usernameKey } from '../auth/username.js';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Refusals } from '../refusals.js';
import type { Storage } from '../storage/storage.js';
import { type AppEnv, apiError, userOf } from './env.js';
import { throttle } from './throttle.js';

export interface UserSearchDeps {
  storage: Storage;
  broker: Broker;
  refusals: Refusals;
  trustProxy: boolean;
}

/** Searches one user may make at once (a picker searches as they type), then one per 250 ms. */
export const USER_SEARCH_RATE: RateRule = { burst: 30, refillMs: 250 };
export const USER_SEARCH_PAGE = 20;
/** Longer than any username (32 bytes), so a longer query cannot match. */
const QUERY_MAX_CHARS = 64;

export function userRoutes(deps: UserSearchDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to search for people');
    const me = userOf(c);
    const limited = await throttle(c, deps, [
      { key: `users:${me.id}`, rule: USER_SEARCH_RATE, what: 'user searches', reason: 'user_search' },
    ]);
    if (limited) return limited;
    const q = (c.req.query('q') ?? '').trim();
    if (q.length > QUERY_MAX_CHARS) {
      return apiError(
        c,
        400,
        'invalid_request',
        `q is ${q.length} characters; the limit is ${QUERY_MAX_CHARS}`,
      );
    }
    const rawLimit = c.req.query('limit');
    const limit = rawLimit === undefined ? USER_SEARCH_PAGE : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > USER_SEARCH_PAGE) {
      return apiError(c, 400, 'invalid_request', `limit is a whole number from 1 to ${USER_SEARCH_PAGE}`);
    }
    // One more than asked for, in case the caller is among them.
    const found = await deps.storage.searchUsers(usernameKey(q), limit + 1);
    const users: ApiPerson[] = found
      .filter((u) => u.id !== me.id)
      .slice(0, limit)
      .map((u) => ({ id: u.id, username: u.username }));
    return c.json({ users });
  });

  return app;
}
