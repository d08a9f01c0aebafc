/**
 * The gate for everything a support widget calls from a customer's page: the request names its
 * site (`?site=<key>`) and comes from one of the site's allowed origins (403 otherwise, 404 for
 * an unknown site); the answer carries CORS headers for that origin, and a preflight is answered
 * here. Widgets send no cookies, so no credentials are allowed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Site } from '../storage/storage.js';
import type { SiteDirectory } from '../support/sites.js';
import { type AppEnv, apiError } from './env.js';

export interface SiteCorsOptions {
  methods: string;
  headers: string;
  /** Requests without `?site=` pass untouched (the SPA's own polls) instead of 404. */
  optional?: boolean;
  /** Receives the checked site. */
  onSite?: (c: Context, site: Site) => void;
}

export function siteCors<E extends AppEnv>(
  sites: SiteDirectory,
  options: SiteCorsOptions,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const key = c.req.query('site');
    if (key === undefined && options.optional) return next();
    const check = await sites.check(key, c.req.header('origin'));
    if (!check.ok) {
      return apiError(c, check.status, check.status === 404 ? 'not_found' : 'bad_origin', check.message);
    }
    c.header('Access-Control-Allow-Origin', check.origin);
    c.header('Vary', 'Origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', options.methods);
      c.header('Access-Control-Allow-Headers', options.headers);
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    options.onSite?.(c, check.site);
    await next();
  };
}
