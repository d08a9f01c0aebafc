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
import { MessageSocket, type MessageSocketOptions } from './message-socket.js';

export type SocketHandler = (socket: MessageSocket, c: Context) => void | Promise<void>;

export interface AcceptOptions extends MessageSocketOptions {
  /** Called when the handler throws or rejects; the socket is then closed with 1011. */
  onError?: (err: unknown) => void;
}

export const isWebSocket = (c: Context): boolean => c.req.header('upgrade')?.toLowerCase() === 'websocket';

function upgrade(handler: SocketHandler, options: AcceptOptions): MiddlewareHandler {
  return upgradeWebSocket((c) => {
    let socket: MessageSocket | null = null;
    return {
      onOpen(_event, ws) {
        const raw = ws.raw as WebSocket;
        const opened = new MessageSocket(raw, options);
        socket = opened;
        Promise.resolve()
          .then(() => handler(opened, c))
          .catch((err) => {
            (options.onError ?? console.error)(err);
            opened.close(1011, 'the handler failed');
          });
      },
      onMessage(event) {
        const data = event.data;
        socket?.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
      },
      onClose() {
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
