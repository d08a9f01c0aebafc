/**
 * The article's dwebsocket API for Hono routes, in TypeScript:
 *
 *   app.get('/path/', acceptWebSocket(async (socket) => {   // @accept_websocket
 *     const message = await socket.wait();                  // request.websocket.wait()
 *     socket.send('下载完成');                                // request.websocket.send(...)
 *   }), (c) => c.text('a plain HTTP answer'));              // the same URL still serves HTTP
 *
 * `acceptWebSocket` hands an upgrade to the handler and passes plain requests on to the next
 * handler; `requireWebSocket` answers plain requests with 400; `isWebSocket(c)` tells which.
 */
import { upgradeWebSocket } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { WebSocket } from 'ws';
import { CloseCode } from '../../shared/codes.js';
import { MessageSocket, type MessageSocketOptions } from './message-socket.js';

export type SocketHandler = (socket: MessageSocket, c: Context) => void | Promise<void>;

export interface AcceptOptions extends MessageSocketOptions {
  /** Called when the handler throws or rejects; the socket is then closed with 1011. */
  onError?: (err: unknown) => void;
  /**
   * The first message must arrive within this many ms of the open, or the socket closes with 4006
   * (`hello_timeout`): a socket that never says anything holds nothing. Default 10 s; 0: none.
   */
  helloTimeoutMs?: number;
  /** A socket with no message for this many ms closes with 4010 (`idle_timeout`). Default 60 s; 0: none. */
  idleTimeoutMs?: number;
  /** Called when a timeout closes a socket, with the close's name (to count and log it). */
  onTimeout?: (name: 'hello_timeout' | 'idle_timeout') => void;
}

export const DEFAULT_HELLO_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Closes a socket that says nothing: 4006 when the first message is late, 4010 when a later gap
 * is too long. NOTE: inbound only; a handler that pushes to a silent client for longer than the
 * idle timeout must raise it (or set 0).
 */
function watchSilence(raw: WebSocket, options: AcceptOptions): { heard(): void; stop(): void } {
  const hello = options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, name: 'hello_timeout' | 'idle_timeout', reason: string) => {
    clearTimeout(timer);
    if (ms <= 0) return;
    timer = setTimeout(() => {
      if (raw.readyState !== raw.OPEN) return;
      options.onTimeout?.(name);
      raw.close(CloseCode[name].code, reason);
    }, ms);
    timer.unref();
  };
  arm(hello, 'hello_timeout', `no message within ${hello} ms of the open`);
  return {
    heard: () => arm(idle, 'idle_timeout', `no message for ${idle} ms`),
    stop: () => clearTimeout(timer),
  };
}

export const isWebSocket = (c: Context): boolean => c.req.header('upgrade')?.toLowerCase() === 'websocket';

function upgrade(handler: SocketHandler, options: AcceptOptions): MiddlewareHandler {
  return upgradeWebSocket((c) => {
    let socket: MessageSocket | null = null;
    let silence: ReturnType<typeof watchSilence> | null = null;
    return {
      onOpen(_event, ws) {
        const raw = ws.raw as WebSocket;
        const opened = new MessageSocket(raw, options);
        socket = opened;
        silence = watchSilence(raw, options);
        Promise.resolve()
          .then(() => handler(opened, c))
          .catch((err) => {
            (options.onError ?? console.error)(err);
            opened.close(1011, 'the handler failed');
          });
      },
      onMessage(event) {
        silence?.heard();
        const data = event.data;
        socket?.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
      },
      onClose() {
        silence?.stop();
        socket?.ended();
      },
    };
  });
}

/** Serves WebSocket upgrades with `handler`; plain HTTP requests go on to the next handler. */
export function acceptWebSocket(handler: SocketHandler, options: AcceptOptions = {}): MiddlewareHandler {
  const upgrader = upgrade(handler, options);
  return async (c, next) => (isWebSocket(c) ? upgrader(c, next) : next());
}

/** Serves only WebSocket upgrades; a plain HTTP request gets 400 and a sentence saying why. */
export function requireWebSocket(handler: SocketHandler, options: AcceptOptions = {}): MiddlewareHandler {
  const upgrader = upgrade(handler, options);
  return async (c, next) =>
    isWebSocket(c)
      ? upgrader(c, next)
      : c.text(
          'This URL needs a WebSocket connection: open it with new WebSocket(url), not a plain HTTP request.\n',
          400,
        );
}
