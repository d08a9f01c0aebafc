/**
 * Client-side routes over the History API; the server answers every path with index.html.
 * A few query parameters (`?transport=`) follow the user from page to page: they choose how the
 * tab connects, so a click inside the app must not drop them.
 */
import { computed, type ReadonlySignal, signal } from '@preact/signals';

export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'lab' }
  | { name: 'jobs' }
  | { name: 'keys' }
  | { name: 'sites' }
  | { name: 'agents' }
  /** The agent console; `conversationId` is the open conversation, if any. */
  | { name: 'support'; conversationId: string | null }
  | { name: 'room'; roomId: string }
  /** An invite link: accepted once the user is signed in. */
  | { name: 'invite'; token: string };

export interface Router {
  readonly route: ReadonlySignal<Route>;
  /** The address's query parameters (read them; navigate to change them). */
  readonly query: ReadonlySignal<URLSearchParams>;
  /**
   * Goes to `path` (which may carry its own query); the sticky parameters of the current address
   * come along unless `path` sets them.
   */
  navigate(path: string, options?: { replace?: boolean }): void;
  /** `path` as `navigate` would go there, for an <a href> that opens the same page in a new tab. */
  href(path: string): string;
}

/** Query parameters kept across in-app navigation. */
export const STICKY_PARAMS: readonly string[] = ['transport'];

export const roomPath = (roomId: string): string => `/rooms/${encodeURIComponent(roomId)}`;
export const LAB_PATH = '/lab';
export const JOBS_PATH = '/jobs';
export const KEYS_PATH = '/admin/keys';
export const SITES_PATH = '/admin/sites';
export const AGENTS_PATH = '/admin/agents';
export const SUPPORT_PATH = '/support';
export const conversationPath = (id: string): string => `${SUPPORT_PATH}/${encodeURIComponent(id)}`;

/** The app's own pages, by path (a trailing slash is the same page). */
const PAGES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [LAB_PATH, { name: 'lab' }],
  [JOBS_PATH, { name: 'jobs' }],
  [KEYS_PATH, { name: 'keys' }],
  [SITES_PATH, { name: 'sites' }],
  [AGENTS_PATH, { name: 'agents' }],
  [SUPPORT_PATH, { name: 'support', conversationId: null }],
]);

/** The id in `/<prefix>/<id>` (a trailing slash allowed), or null (no match, or a broken escape). */
function idAfter(prefix: string, pathname: string): string | null {
  const match = new RegExp(`^/${prefix}/([^/]+)/?$`).exec(pathname);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string): Route {
  if (pathname === '/login') return { name: 'login' };
  if (pathname === '/register') return { name: 'register' };
  const page = PAGES.get(pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname);
  if (page) return page;
  const roomId = idAfter('rooms', pathname);
  if (roomId) return { name: 'room', roomId };
  const token = idAfter('invite', pathname);
  if (token) return { name: 'invite', token };
  const conversationId = idAfter('support', pathname);
  if (conversationId) return { name: 'support', conversationId };
  return { name: 'home' };
}

/**
 * `next` with the sticky parameters of `currentSearch` added where `next` does not set them.
 *
 * @example
 * withSticky('/rooms/general', '?transport=polling&x=1'); // '/rooms/general?transport=polling'
 */
export function withSticky(next: string, currentSearch: string): string {
  const at = next.indexOf('?');
  const path = at === -1 ? next : next.slice(0, at);
  const query = new URLSearchParams(at === -1 ? '' : next.slice(at + 1));
  const current = new URLSearchParams(currentSearch);
  for (const name of STICKY_PARAMS) {
    const value = current.get(name);
    if (value !== null && !query.has(name)) query.set(name, value);
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

export function createRouter(win: Window): Router {
  const path = signal(win.location.pathname);
  const search = signal(win.location.search);
  const sync = () => {
    path.value = win.location.pathname;
    search.value = win.location.search;
  };
  win.addEventListener('popstate', sync);
  const href = (next: string) => withSticky(next, win.location.search);
  return {
    route: computed(() => parseRoute(path.value)),
    query: computed(() => new URLSearchParams(search.value)),
    navigate(next, options = {}) {
      const target = href(next);
      if (target === win.location.pathname + win.location.search) return;
      if (options.replace) win.history.replaceState(null, '', target);
      else win.history.pushState(null, '', target);
      sync();
    },
    href,
  };
}
