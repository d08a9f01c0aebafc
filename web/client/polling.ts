/**
 * The long-polling transport. It keeps no session on the server: every poll carries the prelude
 * (hello and a `sub` with the current cursor per stream), is held until there is news, and the
 * next poll starts as soon as the answer is in. Sends go in their own requests, in order, one
 * batch at a time. A failed request is a dropped connection: the client reconnects and resends
 * its outbox, and cursors make a lost answer harmless.
 */
import * as v from 'valibot';
import { CloseCode } from '../../shared/codes.js';
import { type ClientFrame, PollAnswer } from '../../shared/protocol.js';
import { anySignal, timeoutSignal } from './signals.js';
import type { ClientTransport, TransportFactory } from './transport.js';

export interface PollingOptions {
  /** Base URL of the server's HTTP API, for example https://chat.example.com (no trailing /). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** A poll taking longer than this is presumed lost (the server holds for 25 s). */
  requestTimeoutMs?: number;
  /**
   * Naive short polling instead, for the Transport lab's comparison only: ask every
   * `intervalMs` whether there is anything new, and get an answer at once.
   */
  short?: { intervalMs: number; path?: string };
  /** Added to every request's URL, like `?site=<key>` for the support widget. */
  query?: string;
  /** Cookies on the polls: the SPA's session rides along ('same-origin'); a widget sends none ('omit'). */
  credentials?: RequestCredentials;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Maps an HTTP failure onto the close codes the client already understands. */
function closeFor(status: number): number {
  if (status === 401 || status === 403) return CloseCode.unauthorized.code; // terminal
  // A connection cap: retry, but only after backing off (and never by falling back).
  if (status === 429) return CloseCode.too_many_connections.code;
  return 1006; // anything else: the link failed, retry
}

/** Retry-After in seconds (the only form the server sends), as ms; undefined when absent. */
function retryAfterOf(res: Response): number | undefined {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

export function pollingTransport(options: PollingOptions): TransportFactory {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.requestTimeoutMs ?? 40_000;
  return (handlers) => {
    let closed = false;
    let welcomed = false;
    let poll: AbortController | null = null;
    let restart = false;
    const outbox: ClientFrame[] = [];
    let sending = false;
    const all = new AbortController();

    const fail = (code: number, reason: string, retryAfterMs?: number) => {
      if (closed) return;
      closed = true;
      all.abort();
      handlers.onClose(code, reason, retryAfterMs);
    };

    /** The first poll, and the first after the streams changed, must not be held. */
    let hold = false;

    const request = async (
      path: string,
      frames: ClientFrame[],
      signal: AbortSignal,
      extra: { hold?: boolean } = {},
    ): Promise<PollAnswer> => {
      const timeout = timeoutSignal(timeoutMs);
      const res = await doFetch(`${options.baseUrl}${path}${options.query ?? ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cid: handlers.clientId, frames, ...extra }),
        credentials: options.credentials ?? 'same-origin',
        signal: anySignal([signal, all.signal, timeout]),
      });
      if (!res.ok) {
        let reason = `HTTP ${res.status}`;
        try {
          const body = (await res.json()) as { error?: { message?: string } };
          if (body.error?.message) reason = body.error.message;
        } catch {
          // not JSON: keep the status line
        }
        throw Object.assign(new Error(reason), {
          code: closeFor(res.status),
          retryAfterMs: retryAfterOf(res),
        });
      }
      const parsed = v.safeParse(PollAnswer, await res.json());
      if (!parsed.success) throw new Error(`not a poll answer: ${parsed.issues[0].message}`);
      return parsed.output;
    };

    /** Hands an answer's frames to the client; true when the server closed the session. */
    const deliver = (answer: PollAnswer): boolean => {
      for (const frame of answer.frames ?? []) {
        if (closed) return true;
        // Every poll is a fresh handshake on the server; the client needs only the first welcome.
        if ((frame as { type?: unknown }).type === 'welcome') {
          if (welcomed) continue;
          welcomed = true;
        }
        handlers.onMessage(frame as object);
      }
      if (answer.close) {
        const { retryAfterMs } = answer.close;
        fail(
          answer.close.code,
          answer.close.reason,
          typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
        );
        return true;
      }
      return false;
    };

    const retryAfterHint = (err: unknown): number | undefined => {
      const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
      return typeof ms === 'number' ? ms : undefined;
    };

    const errorClose = (err: unknown): [number, string] => {
      const code = (err as { code?: unknown }).code;
      return [typeof code === 'number' ? code : 1006, err instanceof Error ? err.message : 'request failed'];
    };

    /**
     * Per stream, what the last poll answer said this client now holds (presence, latest values).
     * Sent back with each `sub`, it keeps a snapshot the client already has from waking the poll.
     */
    let known: Record<string, string> = {};

    /**
     * After the first welcome, polls continue a session the client has: skip the welcome, and
     * name the ephemeral state already held per stream.
     */
    const continuing = (frames: ClientFrame[]): ClientFrame[] =>
      frames.map((f) => {
        if (f.type === 'hello' && welcomed) return { ...f, quiet: true };
        const held = f.type === 'sub' ? known[f.stream] : undefined;
        return held === undefined ? f : { ...f, known: held };
      });

    const loop = async () => {
      while (!closed) {
        poll = new AbortController();
        restart = false;
        let answer: PollAnswer;
        try {
          answer = options.short
            ? await request(
                options.short.path ?? '/api/lab/short-poll',
                continuing(handlers.prelude()),
                poll.signal,
              )
            : await request('/api/poll', continuing(handlers.prelude()), poll.signal, { hold });
        } catch (err) {
          if (closed) return;
          if (restart) {
            hold = false; // aborted on purpose: the subscriptions changed
            continue;
          }
          const [code, reason] = errorClose(err);
          fail(code, code === 1006 ? `long-poll failed: ${reason}` : reason, retryAfterHint(err));
          return;
        }
        // Only the streams this answer caught up: a stream added since gets a snapshot, as news.
        known = answer.known ?? {};
        if (deliver(answer)) return;
        hold = !restart;
        if (options.short && !restart)
          await sleep(options.short.intervalMs, anySignal([poll.signal, all.signal]));
      }
    };

    const flush = async () => {
      if (sending || closed || outbox.length === 0) return;
      sending = true;
      const batch = outbox.splice(0);
      const hello = handlers
        .prelude()
        .filter((f) => f.type === 'hello')
        .map((f) => ({ ...f, quiet: true }));
      try {
        deliver(await request('/api/poll/send', [...hello, ...batch], all.signal));
      } catch (err) {
        const [code, reason] = errorClose(err);
        fail(code, code === 1006 ? `sending failed: ${reason}` : reason, retryAfterHint(err));
        return;
      } finally {
        sending = false;
      }
      void flush();
    };

    const transport: ClientTransport = {
      name: 'polling',
      send(frame) {
        if (closed) return;
        if (frame.type === 'hello' || frame.type === 'pong' || frame.type === 'ping') return;
        if (frame.type === 'sub' || frame.type === 'unsub') {
          // The next poll's prelude carries the new set of streams: end the held one now.
          restart = true;
          poll?.abort();
          return;
        }
        outbox.push(frame);
        queueMicrotask(() => void flush());
      },
      close() {
        if (closed) return;
        closed = true;
        all.abort();
        handlers.onClose(1000, 'client closed');
      },
    };
    queueMicrotask(() => {
      if (closed) return;
      handlers.onOpen();
      void loop();
    });
    return transport;
  };
}
