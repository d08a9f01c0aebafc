/**
 * The WebSocket transport: turns `ws` text frames into decoded frames for the hub and back.
 * It owns the socket-level rules (frame size, binary frames, UTF-8, Origin on cookie upgrades)
 * and nothing else; all protocol state lives in the hub's Session.
 */

import type { Socket } from 'node:net';
import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import * as wsExports from 'ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { decodeClientFrame, encodeFrame } from '../../shared/codec.js';
import { CloseCode, type CloseName } from '../../shared/codes.js';
import { Limits } from '../../shared/limits.js';
import type { Sessions } from '../auth/sessions.js';
import { SESSION_COOKIE } from '../auth/tokens.js';
import { type AppEnv, apiError } from '../http/env.js';
import type { OriginPolicy } from '../http/origin.js';
import type { Conn } from '../hub/conn.js';
import type { Hub } from '../hub/hub.js';
import { userIdentity } from '../hub/identity.js';
import type { Session } from '../hub/session.js';
import { errorText, type Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AuthSession } from '../storage/storage.js';
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
}

export function createWebSocketTransport(deps: WebSocketDeps) {
  const { hub, sessions, origins, log, metrics, sites } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Limits.frameBytes,
    perMessageDeflate: false,
    // NOTE: left at false on purpose: ws then closes a socket that sends invalid UTF-8 with 1007.
    skipUTF8Validation: false,
  });

  const route = new Hono<AppEnv>().get(
    '/ws',
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return apiError(c, 426, 'invalid_request', 'this URL speaks WebSocket; open it with new WebSocket()');
      }
      const siteKey = c.req.query('site');
      let auth: AuthSession | null = null;
      if (siteKey !== undefined) {
        // A support widget's socket: its page must be one of the site's allowed origins. Its
        // visitor proves who they are in hello; a cookie that came along is not used.
        const check = await sites.check(siteKey, c.req.header('origin'));
        if (!check.ok) {
          log.warn('ws.site_refused', { origin: c.req.header('origin'), status: check.status });
          return apiError(c, check.status, check.status === 404 ? 'not_found' : 'bad_origin', check.message);
        }
      } else {
        const token = getCookie(c, SESSION_COOKIE);
        if (token) {
          // A cookie rides along with any page's upgrade request, so the page must be ours.
          const origin = c.req.header('origin');
          if (origin !== undefined && !origins.allows(c, origin)) {
            log.warn('ws.origin_refused', { origin });
            return apiError(c, 403, 'bad_origin', `origin ${origin} may not open a session socket`);
          }
          auth = await sessions.resolve(token);
        }
      }
      c.set('auth', auth);
      await next();
    },
    upgradeWebSocket(
      (c) => {
        let session: Session | null = null;
        // The TCP socket carried the upgrade request and response: its counters include them.
        const socket = c.env.incoming.socket;
        const lab = c.req.query('lab');
        const labRun = lab && /^[A-Za-z0-9_-]{8,64}$/.test(lab) ? lab : null;
        return {
          onOpen(_event, ws) {
            metrics.track(socket, 'websocket', labRun);
            metrics.request('websocket', labRun);
            const auth = c.get('auth');
            session = hub.connect(
              new WebSocketConn(ws.raw as WebSocket, socket, metrics, labRun),
              auth ? userIdentity(auth) : null,
              { siteKey: c.req.query('site') ?? null },
            );
          },
          onMessage(event) {
            if (!session) return;
            if (typeof event.data !== 'string') {
              session.close('unsupported_data', 'binary frames are not accepted; send JSON text frames');
              return;
            }
            const decoded = decodeClientFrame(event.data);
            if (decoded.ok) session.receive(decoded.frame);
            else session.reject(decoded.error);
          },
          onClose(event) {
            metrics.untrack(socket);
            // What this one connection cost on the wire, upgrade handshake included.
            session?.closed(event.code, { bytesIn: socket.bytesRead, bytesOut: socket.bytesWritten });
          },
          onError(event) {
            log.warn('ws.error', { error: errorText((event as ErrorEvent).error ?? event) });
          },
        };
      },
      { onError: (err) => log.error('ws.handler_error', { error: errorText(err) }) },
    ),
  );

  return { wss, route };
}
