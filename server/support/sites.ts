/**
 * Site lookups for every widget request, socket and poll: by key, briefly cached (a page with the
 * widget makes several requests at once), with the origin check in one place.
 */
import type { Site, SupportStore } from '../storage/storage.js';
import { originAllowed } from './origins.js';

const TTL_MS = 10_000;

export type SiteCheck =
  | { ok: true; site: Site; origin: string }
  | { ok: false; status: 403 | 404; message: string };

export interface SiteDirectory {
  byKey(key: string): Promise<Site | null>;
  /** The site for `key`, if `origin` is one of its allowed origins. */
  check(key: string | undefined, origin: string | undefined): Promise<SiteCheck>;
  /** Drops a cached site after an admin changed it. */
  forget(key: string): void;
}

export function createSiteDirectory(store: SupportStore): SiteDirectory {
  const cache = new Map<string, { site: Site | null; at: number }>();
  const byKey = async (key: string): Promise<Site | null> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.site;
    const site = /^[A-Za-z0-9_-]{1,64}$/.test(key) ? await store.siteByKey(key) : null;
    if (cache.size > 1000) cache.clear();
    cache.set(key, { site, at: Date.now() });
    return site;
  };
  return {
    byKey,
    async check(key, origin) {
      if (!key) return { ok: false, status: 404, message: 'name the site: ?site=<site key>' };
      const site = await byKey(key);
      if (!site) return { ok: false, status: 404, message: 'no site has this key' };
      if (!origin || !originAllowed(origin, site.allowedOrigins)) {
        return {
          ok: false,
          status: 403,
          message: `origin ${origin ?? '(none)'} is not allowed for this site; an admin can add it in the site's settings`,
        };
      }
      return { ok: true, site, origin };
    },
    forget(key) {
      cache.delete(key);
    },
  };
}
