/**
 * Client transports move frames and report open and close; they hold no protocol state (the
 * client owns it). Both carry the same frames: WebSocket over one socket, long-polling over
 * short HTTP requests (see polling.ts).
 */
import type { ClientFrame } from '../../shared/protocol.js';

export type TransportName = 'websocket' | 'polling';

export interface TransportHandlers {
  /** This client's id: stable for the life of the client (one per tab). */
  readonly clientId: string;
  /**
   * The frames that (re)establish the session: hello, then a `sub` with the cursor for every
   * stream. WebSocket sends them once on open; long-polling sends them with every poll.
   */
  prelude(): ClientFrame[];
  /** The transport can carry frames now. */
  onOpen(): void;
  /** One server frame: JSON text (WebSocket) or an already-parsed value (polling). */
  onMessage(data: string | object): void;
  /**
   * Called once; `code` is a WebSocket close code (1006 when the link just dropped).
   * `retryAfterMs`: the server said how long to wait first (a cap's Retry-After, a drained
   * long-poll's close).
   */
  onClose(code: number, reason: string, retryAfterMs?: number): void;
}

export interface ClientTransport {
  readonly name: TransportName;
  send(frame: ClientFrame): void;
  close(): void;
}

export type TransportFactory = (handlers: TransportHandlers) => ClientTransport;

/** What the client needs of a WebSocket: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export function webSocketTransport(url: string, Ctor: WebSocketConstructor): TransportFactory {
  return (handlers) => {
    const ws = new Ctor(url);
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      handlers.onClose(code, reason);
    };
    const send = (frame: ClientFrame) => {
      if (ws.readyState === 1) ws.send(JSON.stringify(frame));
    };
    ws.onopen = () => {
      for (const frame of handlers.prelude()) send(frame);
      handlers.onOpen();
    };
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
    };
    ws.onclose = (event) => finish(event.code, event.reason);
    // An error is always followed by close in browsers; `ws` too. Nothing to do here.
    ws.onerror = () => {};
    return {
      name: 'websocket',
      send,
      close() {
        try {
          ws.close(1000, 'client closed');
        } catch {
          // closing a socket that never opened can throw in some browsers; it is closed either way
        }
        finish(1000, 'client closed');
      },
    };
  };
}
