/**
 * One client connection as the hub sees it, whatever transport carries it: its lifecycle (the
 * hello handshake, heartbeats, drain and close), moving the state that session-state.ts keeps.
 * What each frame does on an open connection is a handler, found through dispatch.ts.
 */
import type { DecodeError } from '../../shared/codec.js';
import { CloseCode, type CloseName } from '../../shared/codes.js';
import { type ClientFrame, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { randomId } from '../ids.js';
import type { LogFields } from '../log.js';
import type { Role } from '../storage/storage.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import type { Conn } from './conn.js';
import { dispatch } from './dispatch.js';
import type { FrameOf } from './handlers/context.js';
import { keepPresent } from './handlers/presence.js';
import { loseAgentStreams, revokeStream, unsubscribe } from './handlers/subscriptions.js';
import type { HubContext, HubSession } from './hub-context.js';
import { type Identity, isAgent } from './identity.js';
import { SessionState } from './session-state.js';

export interface SessionOptions {
  /**
   * The connection's id in presence. Polling clients send their own (one per tab), so that the
   * many short requests of one tab count as one presence entry that they keep alive.
   */
  connId?: string;
  /** The support site a widget connection was opened for (`?site=` on its URL). */
  siteKey?: string | null;
  /** Its id in the connection caps (the transport may have taken the address's slot under it). */
  slotId?: string;
}

/** Closes that refuse a connection or end it for a lost right: counted and logged as refusals. */
const REFUSAL_CLOSES = new Set<CloseName>([
  'signed_out',
  'account_suspended',
  'account_deleted',
  'too_many_connections',
  'hello_timeout',
  'unauthorized',
]);

export class Session extends SessionState implements HubSession {
  readonly slotId: string;
  private readonly siteKey: string | null;
  /** Frames that arrived while hello was being authenticated, handled once it is done. */
  private readonly early: ClientFrame[] = [];
  private helloTimer: NodeJS.Timeout | undefined;
  /** Set when the server drains: frames that arrive from now on are not handled. */
  private refusing = false;
  lastInbound = Date.now();

  constructor(hub: HubContext, conn: Conn, cookieAuth: Identity | null, options: SessionOptions = {}) {
    super(hub, conn, options.connId ?? randomId(9), cookieAuth);
    this.slotId = options.slotId ?? this.connId;
    this.siteKey = options.siteKey ?? null;
    this.helloTimer = setTimeout(() => {
      if (this.state === 'hello' || this.state === 'authenticating') {
        this.close('hello_timeout', 'no hello frame within the time allowed');
      }
    }, hub.config.helloTimeoutMs);
    this.helloTimer.unref();
  }

  /** A transport hands every decoded frame here. */
  receive(frame: ClientFrame): void {
    this.lastInbound = Date.now();
    if (this.refusing) return;
    switch (this.state) {
      case 'closed':
        return;
      case 'authenticating':
        this.early.push(frame);
        return;
      case 'hello':
        if (frame.type === 'hello') this.guard(this.hello(frame));
        else this.protocolError({ code: 'hello_required', message: 'the first frame must be hello' });
        return;
      case 'open':
        dispatch(this, frame);
    }
  }

  /** A transport reports a frame it could not decode. */
  reject(error: DecodeError): void {
    this.lastInbound = Date.now();
    if (this.state !== 'closed') this.protocolError(error);
  }

  private async hello(frame: FrameOf<'hello'>): Promise<void> {
    if (frame.v !== PROTOCOL_VERSION) {
      this.close('protocol_version', `server speaks protocol ${PROTOCOL_VERSION}, client sent ${frame.v}`);
      return;
    }
    this.state = 'authenticating';
    if (!this.identity && (frame.token || frame.visitor)) {
      try {
        const credentials = { token: frame.token, visitor: frame.visitor, site: this.siteKey };
        this.who = await this.hub.authenticate(credentials);
      } catch (err) {
        if (!isStorageUnavailable(err)) throw err;
        // Not this client's fault, and nothing to wait for on this connection: reconnect later.
        this.close('internal', 'the server cannot reach its storage; reconnect shortly');
        return;
      }
    }
    if (!this.isOpen) return;
    if (!this.identity) {
      this.close('unauthorized', 'sign in first: no valid session cookie or token');
      return;
    }
    clearTimeout(this.helloTimer);
    // A cleared timer still holds its callback and this session's scope: let it go.
    this.helloTimer = undefined;
    this.state = 'open';
    const admitted = await this.hub.admitUser(this);
    if (!this.isOpen) return;
    if (!admitted.ok) {
      this.close('too_many_connections', admitted.message);
      return;
    }
    this.hub.registerUser(this);
    const user = this.identity;
    if (frame.quiet !== true)
      this.send({
        type: 'welcome',
        v: PROTOCOL_VERSION,
        connId: this.connId,
        user: { id: user.id, name: user.name, role: user.role },
        heartbeatMs: this.hub.config.heartbeatMs,
        replayLimit: this.hub.config.replayLimit,
      });
    this.lifecycleLog('conn.open', { conn: this.connId, user: user.name, transport: this.conn.transport });
    for (const early of this.early.splice(0)) this.receive(early);
  }

  // ---- control from the hub -------------------------------------------------------------------

  /** Authority is the identity's role as of now (see loseAgentStreams). */
  changeRole(role: Role): void {
    const before = this.identity;
    if (!before || before.visitor || before.role === role || this.state === 'closed') return;
    const changed = { ...before, role };
    this.who = changed;
    if (!isAgent(changed)) loseAgentStreams(this);
  }

  revokeStream(stream: string): void {
    revokeStream(this, stream);
  }

  tick(now: number): void {
    // A poll lives for one request; its liveness is the HTTP request's, not a heartbeat.
    if (this.state !== 'open' || this.polling) return;
    if (now - this.lastInbound > this.hub.config.heartbeatMs * 2) {
      this.close('heartbeat_timeout', 'no frames within two heartbeat intervals');
      return;
    }
    this.send({ type: 'ping' });
    keepPresent(this);
  }

  /**
   * Server drain: stop handling new frames and resolve once everything received so far is done
   * (sends committed and acknowledged), so the close that follows loses nothing acknowledged.
   */
  drain(): Promise<void> {
    this.refusing = true;
    return this.whenIdle();
  }

  // ---- close ---------------------------------------------------------------------------------

  close(name: CloseName, reason: string): void {
    if (this.state === 'closed') return;
    const user = this.identity?.name;
    if (REFUSAL_CLOSES.has(name)) {
      this.hub.refusals.note(name, { conn: this.connId, user, transport: this.conn.transport });
    }
    this.conn.close(name, reason);
    this.lifecycleLog('conn.close', { conn: this.connId, user, code: CloseCode[name].code, reason });
    this.cleanup();
  }

  /** The transport reports that the connection ended from the client side. */
  closed(code?: number, wire?: { bytesIn: number; bytesOut: number }): void {
    const bytes = wire ? { bytes_in: wire.bytesIn, bytes_out: wire.bytesOut } : {};
    if (this.state === 'closed') {
      // Closed by the server earlier (logged then): what the connection cost on the wire.
      if (wire) this.hub.log.debug('conn.ended', { conn: this.connId, ...bytes });
      return;
    }
    this.lifecycleLog('conn.closed', { conn: this.connId, user: this.identity?.name, code, ...bytes });
    this.cleanup();
  }

  private cleanup(): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    // A poll ending is not its client leaving: presence of polling clients ends by expiry.
    for (const stream of [...this.subs.keys()]) unsubscribe(this, stream, !this.polling);
    if (wasOpen) this.hub.unregisterUser(this);
    this.hub.forget(this);
  }

  /** A socket's open and close are events worth a line; each short poll request is not. */
  private lifecycleLog(event: string, fields: LogFields): void {
    if (this.polling) this.hub.log.debug(event, fields);
    else this.hub.log.info(event, fields);
  }
}
