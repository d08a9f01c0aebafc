/**
 * The WebSocket transport: turns `ws` text frames into decoded frames for the hub and back.
 * It owns the socket-level rules (frame size, binary frames, UTF-8, Origin on cookie upgrades)
 * and nothing else; all protocol state lives in the hub's Session.
 */

import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Hono } from 'hono';
import { parse as parseCookie } from 'hono/utils/cookie';
import * as wsExports from 'ws';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { decodeClientFrame, encodeFrame } from '../../shared/codec.js';
import { CloseCode, type CloseName, type ErrorCode } from '../../shared/codes.js';
import { Limits } from '../../shared/limits.js';
import type { Sessions } from '../auth/sessions.js';
import { SESSION_COOKIE } from '../auth/tokens.js';
import { clientIp } from '../http/client-ip.js';
import { type AppEnv, apiError } from '../http/env.js';
import type { OriginPolicy, RequestLike } from '../http/origin.js';
import type { Conn } from '../hub/conn.js';
import type { ConnectionCaps } from '../hub/connection-caps.js';
import type { Hub } from '../hub/hub.js';
import { userIdentity } from '../hub/identity.js';
import { randomId } from '../ids.js';
import { errorText, type Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Refusals } from '../refusals.js';
import type { AuthSession } from '../storage/storage.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import type { SiteDirectory } from '../support/sites.js';

/** A close reason must fit in 123 bytes of UTF-8. */
const clip = (reason: string): string => {
  const bytes = Buffer.from(reason);
  return bytes.length <= 123
    ? reason
    : bytes
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD*$/, '');
};

/** ws's own framing (exported by ws, undeclared in @types/ws). */
const { Sender } = wsExports as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

/** A frame's bytes on the wire (header and payload), made once however many sockets it goes to. */
const wireBytes = new WeakMap<object, Buffer>();

function framed(frame: object): Buffer {
  let bytes = wireBytes.get(frame);
  if (bytes === undefined) {
    const parts = Sender.frame(Buffer.from(encodeFrame(frame)), {
      fin: true,
      opcode: 1, // text
      mask: false, // server frames are never masked
      readOnly: true,
      rsv1: false,
    });
    bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    wireBytes.set(frame, bytes);
  }
  return bytes;
}

/**
 * NOTE: writes are coalesced per socket per event-loop turn: the first write in a turn corks the
 * socket, and one setImmediate uncorks every socket written to, so a batch of messages reaching
 * one socket in one turn leaves in one write. Together with framing each broadcast once, this is
 * the coalesced-`ws` approach the benchmark compares against.
 */
const corked = new Set<WebSocketConn>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const conns = [...corked];
  corked.clear();
  for (const conn of conns) conn.uncork();
}

export class WebSocketConn implements Conn {
  readonly transport = 'websocket' as const;
  private corked = false;
  /** Bytes still queued after the last flush: what the peer has not taken, not this turn's writes. */
  private backlog = 0;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly metrics: Metrics,
    private readonly labRun: string | null,
  ) {}

  send(frame: Parameters<Conn['send']>[0]): void {
    if (this.ws.readyState !== this.ws.OPEN || !this.socket.writable) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      corked.add(this);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAll);
      }
    }
    // Straight to the socket: ws would frame (and copy) the same payload once per recipient.
    const fresh = !wireBytes.has(frame);
    this.socket.write(framed(frame));
    if (frame.type === 'msg') this.metrics.delivered('websocket', Date.now() - frame.ts, fresh, this.labRun);
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
    this.backlog = this.socket.writableLength;
    if (this.backlog === 0) this.releaseDrainWaiters();
    else if (this.drainWaiters.length > 0) this.socket.once('drain', () => this.releaseDrainWaiters());
  }

  private releaseDrainWaiters(): void {
    this.backlog = this.socket.writableLength;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  close(name: CloseName, reason: string): void {
    this.uncork();
    this.releaseDrainWaiters();
    if (name === 'heartbeat_timeout') {
      // The peer is presumed dead: a close handshake would only wait for nobody.
      this.ws.terminate();
      return;
    }
    // ws queues the close frame behind data already buffered (a slow consumer still learns it
    // must catch up) and destroys the socket itself if the peer never answers within 30 s.
    this.ws.close(CloseCode[name].code, clip(reason));
  }

  bufferedBytes(): number {
    return this.backlog;
  }

  whenDrained(): Promise<void> {
    if (this.socket.writableLength === 0 || !this.socket.writable) return Promise.resolve();
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      if (!this.corked) this.socket.once('drain', () => this.releaseDrainWaiters());
    });
  }
}

export interface WebSocketDeps {
  sites: SiteDirectory;
  hub: Hub;
  metrics: Metrics;
  sessions: Sessions;
  origins: OriginPolicy;
  log: Logger;
  /** True once shutdown began: upgrades get 503. */
  draining?: () => boolean;
  /** Counts and logs (once per burst) upgrades refused for their Origin. */
  refusals: Refusals;
  /** Connections per address and per account. */
  caps?: ConnectionCaps;
  /** Whether X-Forwarded-For names the client (see clientIp). */
  trustProxy?: boolean;
}

/** Why an upgrade was refused: an HTTP status and the API's error body. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  /** Seconds, for a Retry-After header. */
  retryAfterS?: number;
}

/** Answers a refused upgrade in plain HTTP on the raw socket (the API's JSON error shape). */
export function refuse(socket: Duplex, { status, code, message, retryAfterS }: Refusal): void {
  if (socket.destroyed) return;
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nCache-Control: no-store\r\n' +
      (retryAfterS !== undefined ? `Retry-After: ${retryAfterS}\r\n` : '') +
      'Content-Type: application/json; charset=UTF-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The upgrade request as the origin policy reads it (what Hono's `c.req` offers). */
function requestLike(req: IncomingMessage): RequestLike {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return {
    url: `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * The WebSocket endpoint `/ws`. Upgrades are taken straight from the HTTP server's `upgrade`
 * event (`upgrade` below) and handed to our `ws` server; a plain GET gets 426 from `route`.
 *
 * NOTE: not Hono's `upgradeWebSocket`, which the article API (`/path/`) still uses. That helper
 * builds a fetch `Request` for every upgrade and keeps it, the Hono context, the
 * IncomingMessage and a set of closures alive for as long as the socket is open; measured on
 * 5,000 idle sockets with the same trivial handler, it cost about 7 KiB of memory and 0.15 ms of
 * CPU more per connection than this path (the benchmark's idle and connection-setup scenarios).
 */
export function createWebSocketTransport(deps: WebSocketDeps) {
  const { hub, sessions, origins, log, metrics, sites } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Limits.frameBytes,
    perMessageDeflate: false,
    // NOTE: left at false on purpose: ws then closes a socket that sends invalid UTF-8 with 1007.
    skipUTF8Validation: false,
  });

  const route = new Hono<AppEnv>().get('/ws', (c) =>
    apiError(c, 426, 'invalid_request', 'this URL speaks WebSocket; open it with new WebSocket()'),
  );

  /**
   * The caps, before the upgrade: the address always; the account too when a cookie says who it
   * is (a token or visitor proves it in hello, and the hub checks the account then).
   */
  async function capped(
    req: IncomingMessage,
    slotId: string,
    auth: AuthSession | null,
  ): Promise<Refusal | null> {
    if (!deps.caps) return null;
    const verdict = await deps.caps.take(
      slotId,
      { ip: clientIp(req, deps.trustProxy ?? false), userId: auth?.user.id },
      'socket',
    );
    if (verdict.ok) return null;
    return {
      status: 429,
      code: 'too_many_connections',
      message: verdict.message,
      retryAfterS: deps.caps.retryAfterS,
    };
  }

  /** Who may open this socket: a refusal, or the cookie's session (null: prove it in hello). */
  async function admit(req: IncomingMessage, query: URLSearchParams): Promise<Refusal | AuthSession | null> {
    if (deps.draining?.()) {
      return { status: 503, code: 'unavailable', message: 'the server is shutting down; try again shortly' };
    }
    const origin = req.headers.origin;
    const siteKey = query.get('site');
    if (siteKey !== null) {
      // A support widget's socket: its page must be one of the site's allowed origins. Its
      // visitor proves who they are in hello; a cookie that came along is not used.
      const check = await sites.check(siteKey, origin);
      if (check.ok) return null;
      log.warn('ws.site_refused', { origin, status: check.status });
      return {
        status: check.status,
        code: check.status === 404 ? 'not_found' : 'bad_origin',
        message: check.message,
      };
    }
    const token = req.headers.cookie
      ? parseCookie(req.headers.cookie, SESSION_COOKIE)[SESSION_COOKIE]
      : undefined;
    if (!token) return null;
    // A cookie rides along with any page's upgrade request, so the page must be ours. Browsers
    // always name it; an upgrade without one is no page of ours (a token client sends no cookie).
    if (origin === undefined || !origins.allows(requestLike(req), origin)) {
      deps.refusals.note('origin', { origin: origin?.slice(0, 100) ?? 'none', transport: 'websocket' });
      return {
        status: 403,
        code: 'bad_origin',
        message:
          origin === undefined
            ? 'an upgrade signed in by cookie must carry an Origin header naming this site; other clients send a token in hello'
            : `origin ${origin.slice(0, 100)} may not open a session socket`,
      };
    }
    return sessions.resolve(token);
  }

  /** A handler that logs what it throws instead of ending the process (ws would rethrow it). */
  function guarded<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        handler(...args);
      } catch (err) {
        log.error('ws.handler_error', { error: errorText(err) });
      }
    };
  }

  function open(
    ws: WebSocket,
    socket: Socket,
    auth: AuthSession | null,
    query: URLSearchParams,
    slotId: string,
  ): void {
    const lab = query.get('lab');
    const labRun = lab && /^[A-Za-z0-9_-]{8,64}$/.test(lab) ? lab : null;
    // The TCP socket carried the upgrade request and response: its counters include them.
    metrics.track(socket, 'websocket', labRun);
    metrics.request('websocket', labRun);
    const session = hub.connect(
      new WebSocketConn(ws, socket, metrics, labRun),
      auth ? userIdentity(auth) : null,
      { siteKey: query.get('site'), slotId },
    );
    ws.on(
      'message',
      guarded((data: RawData, isBinary: boolean) => {
        if (isBinary) {
          session.close('unsupported_data', 'binary frames are not accepted; send JSON text frames');
          return;
        }
        // ws hands a text message over as one Buffer (binaryType 'nodebuffer'), UTF-8 already checked.
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data);
        const decoded = decodeClientFrame(bytes.toString());
        if (decoded.ok) session.receive(decoded.frame);
        else session.reject(decoded.error);
      }),
    );
    ws.on(
      'close',
      guarded((code: number) => {
        metrics.untrack(socket);
        // What this one connection cost on the wire, upgrade handshake included.
        session.closed(code, { bytesIn: socket.bytesRead, bytesOut: socket.bytesWritten });
      }),
    );
    ws.on('error', (err) => log.warn('ws.error', { error: errorText(err) }));
  }

  /**
   * The HTTP server's `upgrade` listener for `/ws`; false for any other path (left to the next
   * listener).
   */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = req.url ?? '/';
    const q = path.indexOf('?');
    if ((q === -1 ? path : path.slice(0, q)) !== '/ws') return false;
    const query = new URLSearchParams(q === -1 ? '' : path.slice(q + 1));
    // A client that goes away mid-check must not crash the process.
    socket.on('error', ignore);
    const slotId = randomId(12);
    // Whatever happens to this socket, its slots are free once it is gone.
    socket.once('close', () => deps.caps?.release(slotId));
    admit(req, query)
      .then(async (result) => {
        if (result && 'status' in result) return result;
        return (await capped(req, slotId, result)) ?? result;
      })
      .then(
        (result) => {
          if (socket.destroyed) {
            deps.caps?.release(slotId);
            return;
          }
          if (result && 'status' in result) {
            refuse(socket, result);
            return;
          }
          wss.handleUpgrade(req, socket, head, (ws) => {
            socket.off('error', ignore);
            try {
              open(ws, socket as Socket, result, query, slotId);
            } catch (err) {
              log.error('ws.handler_error', { error: errorText(err) });
              ws.terminate();
            }
          });
        },
        (err) => {
          if (isStorageUnavailable(err)) {
            // Logged once per outage by the storage; the client's backoff retries.
            refuse(socket, {
              status: 503,
              code: 'unavailable',
              message: 'storage is unreachable; try again shortly',
            });
            return;
          }
          log.error('ws.upgrade_failed', { error: errorText(err) });
          refuse(socket, { status: 500, code: 'internal', message: 'the server failed; try again' });
        },
      );
    return true;
  }

  return { wss, route, upgrade };
}

const ignore = () => {};
