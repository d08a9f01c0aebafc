/**
 * The guard in front of every route a backend calls with an API key: the key only in the
 * Authorization header (a key-like query parameter is refused), valid and not revoked (401),
 * within its rate (429 with Retry-After).
 */
import type { MiddlewareHandler } from 'hono';
import type { Broker, RateRule } from '../broker/broker.js';
import { authenticateKey, KEY_PARAMS } from '../push/keys.js';
import type { KeyStore } from '../storage/storage.js';
import { type AppEnv, apiError } from './env.js';

export function requireApiKey(deps: {
  keys: KeyStore;
  broker: Broker;
  rate: RateRule;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const query = new URL(c.req.url).searchParams;
    const leaked = KEY_PARAMS.find((name) => query.has(name));
    if (leaked) {
      return apiError(
        c,
        400,
        'invalid_request',
        `an API key goes in the Authorization header, never in the URL (found "${leaked}" in the query); revoke a key that was sent this way`,
      );
    }
    const check = await authenticateKey(deps.keys, c.req.header('authorization'));
    if (!check.ok) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(c, 401, 'unauthorized', check.message);
    }
    const rate = await deps.broker.consume(`push:${check.key.id}`, deps.rate);
    if (!rate.ok) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))));
      return apiError(c, 429, 'rate_limited', `this key is over its rate; retry in ${rate.retryAfterMs} ms`);
    }
    c.set('apiKey', check.key);
    void deps.keys.touchApiKey(check.key.id, Date.now()).catch(() => {});
    await next();
  };
}
