/** The connection state as signals, with a clock that ticks only while a countdown is shown. */
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { ConnectionState, SwitchboardClient, TransportName } from '../../../client/index.js';

/** How the tab picks its transport: 'auto' (WebSocket, falling back) unless the address forces one. */
export type TransportMode = 'auto' | TransportName;

/**
 * The transport `?transport=` asks for, or undefined for the default. Unknown values are ignored,
 * and so is 'websocket' where the browser has none (the SDK could not even start).
 */
export function transportFromQuery(query: URLSearchParams, hasWebSocket: boolean): TransportMode | undefined {
  const value = query.get('transport');
  if (value === 'auto' || value === 'polling') return value;
  if (value === 'websocket' && hasWebSocket) return value;
  return undefined;
}

/** Whether this window can open a WebSocket at all (a policy or a test may have removed it). */
export const hasWebSocket = (win: Window): boolean =>
  typeof (win as Window & typeof globalThis).WebSocket === 'function';

export interface Connection {
  readonly state: ReadonlySignal<ConnectionState>;
  /** What the tab asked the SDK for: a forced transport is "chosen", not a fallback. */
  readonly mode: TransportMode;
  /** Whole seconds until the next attempt while reconnecting, else null. */
  readonly secondsLeft: ReadonlySignal<number | null>;
  retryNow(): void;
  dispose(): void;
}

export function createConnection(
  client: SwitchboardClient,
  win: Window,
  mode: TransportMode = 'auto',
): Connection {
  const state = signal<ConnectionState>(client.state);
  const now = signal(Date.now());
  let ticker: ReturnType<typeof setInterval> | undefined;

  const off = client.on('state', (next) => {
    state.value = next;
    now.value = Date.now();
    clearInterval(ticker);
    ticker = undefined;
    if (next.status === 'reconnecting') {
      ticker = setInterval(() => {
        now.value = Date.now();
      }, 250);
    }
  });
  // Coming back online is the best moment to retry; no need to wait out the backoff.
  const onOnline = () => client.retryNow();
  win.addEventListener('online', onOnline);

  return {
    state,
    mode,
    secondsLeft: computed(() => {
      const s = state.value;
      return s.status === 'reconnecting' ? Math.max(0, Math.ceil((s.retryAt - now.value) / 1000)) : null;
    }),
    retryNow: () => client.retryNow(),
    dispose() {
      off();
      clearInterval(ticker);
      win.removeEventListener('online', onOnline);
    },
  };
}
