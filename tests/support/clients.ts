/** Node clients for tests: the real SDK over the `ws` package, and a raw frame-level socket. */
import WebSocket from 'ws';
import type { ServerFrame } from '../../shared/protocol.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import type { WebSocketConstructor } from '../../web/client/transport.js';

export function sdkClient(
  wsUrl: string,
  token: string,
  options: { backoffMaxMs?: number } = {},
): SwitchboardClient {
  return createClient({
    url: wsUrl,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    token,
    backoff: { baseMs: 50, maxMs: options.backoffMaxMs ?? 500 },
  });
}

/** Resolves when `check` returns true after some event, or rejects after `timeoutMs`. */
export function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }
    }, 5);
  });
}

/** A raw WebSocket that records every server frame, for frame-level assertions. */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  readonly ws: WebSocket;

  constructor(
    wsUrl: string,
    options: WebSocket.ClientOptions = {},
    behaviour: { answerPings?: boolean } = {},
  ) {
    this.ws = new WebSocket(wsUrl, options);
    const answerPings = behaviour.answerPings ?? true;
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as ServerFrame;
      // Like the SDK, answer the server's heartbeat (and keep pings out of the recorded frames).
      if (frame.type === 'ping' && answerPings) this.send({ type: 'pong' });
      else this.frames.push(frame);
    });
    this.ws.on('error', () => {});
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the next frame (after `from`) matching the predicate; returns it. */
  async next<T extends ServerFrame['type']>(
    type: T,
    predicate: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    let found: Extract<ServerFrame, { type: T }> | undefined;
    await until(
      () => {
        found = this.frames.find(
          (f): f is Extract<ServerFrame, { type: T }> =>
            f.type === type && predicate(f as Extract<ServerFrame, { type: T }>),
        );
        return found !== undefined;
      },
      timeoutMs,
      `a ${type} frame`,
    );
    const frame = found as Extract<ServerFrame, { type: T }>;
    this.frames.splice(this.frames.indexOf(frame), 1);
    return frame;
  }

  /** Opens, says hello with a token, and waits for welcome. */
  static async hello(
    wsUrl: string,
    token: string,
    options: WebSocket.ClientOptions = {},
    behaviour: { answerPings?: boolean } = {},
  ): Promise<RawSocket> {
    const socket = new RawSocket(wsUrl, options, behaviour);
    await socket.opened;
    socket.send({ type: 'hello', v: 1, token });
    await socket.next('welcome');
    return socket;
  }

  close(): void {
    this.ws.terminate();
  }
}
