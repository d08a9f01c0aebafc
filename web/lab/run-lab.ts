/**
 * The Transport lab's script: the same exchange over WebSocket, long-polling and naive short
 * polling (the article's strawman), measured by the server's own counters. It runs in the SPA's
 * lab page and, shortened, in a test, with the same code.
 *
 * @example
 * const results = await runLab({ baseUrl: location.origin, wsUrl, userId, messages: 100,
 *   ratePerSec: 5, idleMs: 60_000 });
 */
import type { LabRunReport } from '../../shared/api.js';
import { createClient } from '../client/client.js';
import { pollingTransport } from '../client/polling.js';
import type { WebSocketConstructor } from '../client/transport.js';

export type LabTransport = 'websocket' | 'polling' | 'short_polling';
export const LAB_TRANSPORTS: readonly LabTransport[] = ['websocket', 'polling', 'short_polling'];

export interface LabOptions {
  /** The server's HTTP origin, like https://chat.example.com. */
  baseUrl: string;
  wsUrl: string;
  /** The signed-in user's id: each run chats in its own private stream. */
  userId: string;
  messages: number;
  ratePerSec: number;
  idleMs: number;
  transports?: readonly LabTransport[];
  /** Outside a browser: the session token, a cookie header for the API, and implementations. */
  token?: string;
  headers?: Record<string, string>;
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  onProgress?: (transport: LabTransport, phase: LabPhase, messagesDelivered: number) => void;
  /** Stops the run: every transport's client closes and runLab rejects. */
  signal?: AbortSignal;
}

export type LabPhase = 'connecting' | 'messages' | 'idle' | 'done';

export type RunCounters = LabRunReport;

export interface LabResult {
  transport: LabTransport;
  messages: number;
  /** All bytes on the wire in both directions during the message phase, per message delivered. */
  bytesPerMessage: number;
  /** Bytes on the wire while idle, scaled to one minute. */
  idleBytesPerMinute: number;
  /** HTTP requests (or WebSocket upgrades) over the whole run. */
  requests: number;
  /** Server-side delivery latency (commit to write), in ms. */
  latencyP50: number | null;
  latencyP95: number | null;
  messagePhase: RunCounters;
  idlePhase: RunCounters;
}

const randomId = (): string => {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
};

/** Resolves after `ms`; rejects at once when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the lab run was stopped'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('the lab run was stopped'));
    });
  });

/** Waits until `done()` or `failure()` says so, checking every 50 ms, for at most `ms`. */
async function waitUntil(
  done: () => boolean,
  failure: () => string | null,
  ms: number,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    const failed = failure();
    if (failed) throw new Error(failed);
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${Math.round(ms / 1000)} s`);
    await sleep(50, signal);
  }
}

const minus = (a: RunCounters, b: RunCounters): RunCounters => ({
  bytesIn: a.bytesIn - b.bytesIn,
  bytesOut: a.bytesOut - b.bytesOut,
  requests: a.requests - b.requests,
  delivered: a.delivered - b.delivered,
  latencyP50: a.latencyP50,
  latencyP95: a.latencyP95,
});

async function runOne(options: LabOptions, transport: LabTransport): Promise<LabResult> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const runId = `lab${randomId()}`;
  const stream = `lab:${options.userId}.${runId}`;
  const counters = async (): Promise<RunCounters> => {
    const res = await doFetch(`${options.baseUrl}/api/lab/runs/${runId}`, {
      headers: options.headers,
      credentials: 'same-origin',
    });
    if (!res.ok) throw new Error(`lab counters: HTTP ${res.status}`);
    return (await res.json()) as RunCounters;
  };
  const labFetch: typeof fetch = (input, init) =>
    doFetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), 'x-switchboard-lab': runId },
    });
  const polling = pollingTransport({
    baseUrl: options.baseUrl,
    fetch: labFetch,
    ...(transport === 'short_polling' ? { short: { intervalMs: 1000 } } : {}),
  });
  const client = createClient({
    url: `${options.wsUrl}?lab=${runId}`,
    token: options.token,
    WebSocket: options.WebSocket,
    transport: transport === 'websocket' ? 'websocket' : 'polling',
    transports: { polling },
  });
  const { signal } = options;
  let delivered = 0;
  let subscribed = false;
  let failure: string | null = null;
  client.on('message', () => {
    delivered++;
    options.onProgress?.(transport, 'messages', delivered);
  });
  client.on('subscribed', () => {
    subscribed = true;
  });
  client.on('outbox', (entry) => {
    if (entry.status === 'failed') failure = `a lab message was refused: ${entry.error ?? 'no reason given'}`;
  });
  client.on('state', (state) => {
    if (state.status === 'offline') failure = `${transport} went offline: ${state.reason}`;
  });
  options.onProgress?.(transport, 'connecting', 0);
  client.subscribe(stream);
  client.connect();
  try {
    await waitUntil(
      () => subscribed,
      () => failure,
      15_000,
      `connecting over ${transport}`,
      signal,
    );
    const start = await counters();
    for (let i = 0; i < options.messages; i++) {
      client.send(
        stream,
        `lab message ${i + 1} of ${options.messages}: the quick brown fox jumps over the lazy dog`,
      );
      await sleep(1000 / options.ratePerSec, signal);
    }
    await waitUntil(
      () => delivered >= options.messages,
      () => failure,
      30_000,
      `delivering all ${options.messages} messages over ${transport}`,
      signal,
    );
    const afterMessages = await counters();
    options.onProgress?.(transport, 'idle', delivered);
    await sleep(options.idleMs, signal);
    const end = await counters();
    options.onProgress?.(transport, 'done', delivered);
    const messagePhase = minus(afterMessages, start);
    const idlePhase = minus(end, afterMessages);
    return {
      transport,
      messages: options.messages,
      bytesPerMessage: Math.round((messagePhase.bytesIn + messagePhase.bytesOut) / options.messages),
      idleBytesPerMinute: Math.round(((idlePhase.bytesIn + idlePhase.bytesOut) * 60_000) / options.idleMs),
      requests: end.requests,
      latencyP50: afterMessages.latencyP50,
      latencyP95: afterMessages.latencyP95,
      messagePhase,
      idlePhase,
    };
  } finally {
    client.close();
  }
}

/** Runs every transport at once (each in its own stream), so the whole lab takes one run's time. */
export function runLab(options: LabOptions): Promise<LabResult[]> {
  return Promise.all((options.transports ?? LAB_TRANSPORTS).map((t) => runOne(options, t)));
}
