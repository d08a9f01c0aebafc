/**
 * What every benchmark client is, whatever server it talks to: it opens as a member of a room
 * (or of none), sends numbered messages, and reports deliveries, acks and closes.
 */
import type { Target } from '../../lib/types.js';

/** Which room a connection joins: the fan-out room, room r as member m, or none. */
export type Membership = { kind: 'fan' } | { kind: 'room'; r: number; m: number } | { kind: 'none' };

export interface ClientEvents {
  message(client: number, k: number, t: number): void;
  ack(client: number, k: number): void;
  /** The server ended the connection (not a close this client asked for). */
  closed(client: number, code: number): void;
  error(client: number, code: string): void;
}

export interface BenchClient {
  readonly index: number;
  send(k: number, t: number): void;
  close(): void;
}

export const OPEN_TIMEOUT_MS = 30_000;

/** For every `ws` client: no compression (as the servers), no UTF-8 check of what it receives. */
export const wsOptions = { perMessageDeflate: false, skipUTF8Validation: true } as const;

export const noEvents: ClientEvents = { message() {}, ack() {}, closed() {}, error() {} };

/** The baselines' room name for a membership. */
export const baselineRoom = (who: Membership): string | null =>
  who.kind === 'fan' ? 'fan' : who.kind === 'room' ? `room-${who.r}` : null;

export const wsUrlOf = (target: Target, path: string) => `${target.url.replace(/^http/, 'ws')}${path}`;

/** Settles `open` once: a timeout, an early close or an error rejects it with words. */
export function opening<T>(
  what: string,
  run: (ready: (value: T) => void, fail: (why: string) => void) => void,
) {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => fail(`no answer within ${OPEN_TIMEOUT_MS / 1000} s`), OPEN_TIMEOUT_MS);
    function fail(why: string) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${what}: ${why}`));
    }
    run((value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    }, fail);
  });
}

/**
 * Opens `count` clients, at most `concurrency` handshakes at a time. On the first failure the
 * clients already open are closed and the error says how far it got.
 */
export async function openMany(
  count: number,
  concurrency: number,
  open: (index: number) => Promise<BenchClient>,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array(count);
  let next = 0;
  let failure: Error | null = null;
  const worker = async () => {
    while (next < count && !failure) {
      const i = next++;
      try {
        clients[i] = await open(i);
      } catch (err) {
        failure ??= err as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure) {
    const opened = clients.filter(Boolean);
    for (const c of opened) c.close();
    throw new Error(`opened ${opened.length} of ${count} connections, then ${(failure as Error).message}`);
  }
  return clients;
}
