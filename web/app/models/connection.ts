/** The connection state as signals, with a clock that ticks only while a countdown is shown. */
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { ConnectionState, SwitchboardClient } from '../../client/index.js';

export interface Connection {
  readonly state: ReadonlySignal<ConnectionState>;
  /** Whole seconds until the next attempt while reconnecting, else null. */
  readonly secondsLeft: ReadonlySignal<number | null>;
  retryNow(): void;
  dispose(): void;
}

export function createConnection(client: SwitchboardClient, win: Window): Connection {
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
