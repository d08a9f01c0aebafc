/** Client-side routes over the History API; the server answers every path with index.html. */
import { computed, type ReadonlySignal, signal } from '@preact/signals';

export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'room'; roomId: string };

export interface Router {
  readonly route: ReadonlySignal<Route>;
  navigate(path: string, options?: { replace?: boolean }): void;
}

export const roomPath = (roomId: string): string => `/rooms/${encodeURIComponent(roomId)}`;

export function parseRoute(pathname: string): Route {
  if (pathname === '/login') return { name: 'login' };
  if (pathname === '/register') return { name: 'register' };
  const room = /^\/rooms\/([^/]+)\/?$/.exec(pathname);
  if (room?.[1]) {
    try {
      return { name: 'room', roomId: decodeURIComponent(room[1]) };
    } catch {
      return { name: 'home' };
    }
  }
  return { name: 'home' };
}

export function createRouter(win: Window): Router {
  const path = signal(win.location.pathname);
  win.addEventListener('popstate', () => {
    path.value = win.location.pathname;
  });
  return {
    route: computed(() => parseRoute(path.value)),
    navigate(next, options = {}) {
      if (next === win.location.pathname) return;
      if (options.replace) win.history.replaceState(null, '', next);
      else win.history.pushState(null, '', next);
      path.value = next;
    },
  };
}
