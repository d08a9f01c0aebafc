/**
 * An in-memory connection for hub tests: frames in and out with no network, like tldraw's
 * TestSocketPair. Inbound frames go through the same decoder a real transport uses.
 */

import type { Conn } from '../../server/hub/conn.js';
import type { Hub } from '../../server/hub/hub.js';
import { userIdentity } from '../../server/hub/identity.js';
import type { Session } from '../../server/hub/session.js';
import type { AuthSession } from '../../server/storage/storage.js';
import { decodeClientFrame } from '../../shared/codec.js';
import type { CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { until } from './clients.js';

export class TestConn implements Conn {
  constructor(readonly transport: 'websocket' | 'polling' = 'websocket') {}
  readonly frames: ServerFrame[] = [];
  closedWith: { name: CloseName; reason: string } | null = null;
  buffered = 0;

  send(frame: ServerFrame): void {
    if (!this.closedWith) this.frames.push(frame);
  }
  close(name: CloseName, reason: string): void {
    this.closedWith ??= { name, reason };
  }
  bufferedBytes(): number {
    return this.buffered;
  }
}

export class TestClient {
  readonly conn: TestConn;
  readonly session: Session;

  constructor(
    hub: Hub,
    cookieAuth: AuthSession | null = null,
    options: { transport?: 'websocket' | 'polling'; connId?: string } = {},
  ) {
    this.conn = new TestConn(options.transport);
    this.session = hub.connect(
      this.conn,
      cookieAuth ? userIdentity(cookieAuth) : null,
      options.connId ? { connId: options.connId } : {},
    );
  }

  /** Sends raw text through the transport decoder, exactly as the WebSocket transport does. */
  raw(text: string): void {
    const decoded = decodeClientFrame(text);
    if (decoded.ok) this.session.receive(decoded.frame);
    else this.session.reject(decoded.error);
  }

  send(frame: object): void {
    this.raw(JSON.stringify(frame));
  }

  of<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.conn.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
  }

  async waitFor<T extends ServerFrame['type']>(
    type: T,
    predicate: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    await until(() => this.of(type).some(predicate), timeoutMs, `a ${type} frame`);
    return this.of(type).find(predicate) as Extract<ServerFrame, { type: T }>;
  }

  /** Says hello and waits for welcome. */
  async hello(token?: string): Promise<void> {
    this.send(token ? { type: 'hello', v: 1, token } : { type: 'hello', v: 1 });
    await this.waitFor('welcome');
  }

  async subscribe(stream: string, after?: number): Promise<void> {
    const before = this.of('subscribed').length;
    this.send(after === undefined ? { type: 'sub', stream } : { type: 'sub', stream, after });
    await until(() => this.of('subscribed').length > before, 2000, `subscribed to ${stream}`);
  }

  messages(stream: string): number[] {
    return this.of('msg')
      .filter((m) => m.stream === stream)
      .map((m) => m.seq);
  }
}
