/**
 * The client SDK's state machine, outbox and cursors, driven through a scripted transport (no
 * network) and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import { backoffDelay } from '../../web/client/backoff.js';
import { type ConnectionState, createClient, type SwitchboardClient } from '../../web/client/index.js';
import type { TransportHandlers } from '../../web/client/transport.js';

class ScriptedTransport {
  readonly sent: ClientFrame[] = [];
  closed = false;
  constructor(
    readonly handlers: TransportHandlers,
    readonly name: 'websocket' | 'polling' = 'websocket',
  ) {}
  send(frame: ClientFrame) {
    this.sent.push(frame);
  }
  close() {
    this.closed = true;
  }
  /** The server side of the script: the link opens and the client's prelude goes out. */
  open() {
    this.sent.push(...this.handlers.prelude());
    this.handlers.onOpen();
  }
  deliver(frame: ServerFrame) {
    this.handlers.onMessage(JSON.stringify(frame));
  }
  welcome() {
    this.open();
    this.deliver({
      type: 'welcome',
      v: 1,
      connId: 'c1',
      user: { id: 'u1', name: 'ann', role: 'user' },
      heartbeatMs: 1000,
      replayLimit: 1000,
    });
  }
  drop(code = 1006, reason = '') {
    this.handlers.onClose(code, reason);
  }
  sentOf<T extends ClientFrame['type']>(type: T) {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }
}

const msg = (seq: number, clientMsgId = `x${seq}`): ServerFrame => ({
  type: 'msg',
  stream: 'room:a',
  seq,
  id: `id${seq}`,
  ts: 0,
  from: { id: 'u2', name: 'bob' },
  clientMsgId,
  text: `m${seq}`,
});

let transports: ScriptedTransport[];

function makeClient(mode: 'auto' | 'websocket' | 'polling'): SwitchboardClient {
  const scripted = (name: 'websocket' | 'polling') => (handlers: TransportHandlers) => {
    const t = new ScriptedTransport(handlers, name);
    transports.push(t);
    return t;
  };
  return createClient({
    url: 'ws://test/ws',
    transport: mode,
    transports: { websocket: scripted('websocket'), polling: scripted('polling') },
    random: () => 0.5,
    backoff: { baseMs: 100, maxMs: 1000 },
    wsOpenTimeoutMs: 4000,
    probeIntervalMs: 30_000,
  });
}
let client: SwitchboardClient;
let states: ConnectionState['status'][];
const latest = () => transports.at(-1) as ScriptedTransport;

beforeEach(() => {
  vi.useFakeTimers();
  transports = [];
  states = [];
  client = makeClient('websocket');
  client.on('state', (s) => states.push(s.status));
});
afterEach(() => {
  client.close();
  vi.useRealTimers();
});

describe('connection state machine', () => {
  it('goes connecting -> online on welcome, after sending hello with the protocol version', () => {
    client.connect();
    latest().welcome();
    expect(latest().sent[0]).toEqual({ type: 'hello', v: 1 });
    expect(states).toEqual(['connecting', 'online']);
    expect(client.me?.name).toBe('ann');
  });

  it('reconnects with full-jitter backoff after a drop', () => {
    client.connect();
    latest().welcome();
    latest().drop();
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'the connection dropped' });
    vi.advanceTimersByTime(49);
    expect(transports).toHaveLength(1);
    vi.advanceTimersByTime(1); // random 0.5 * base 100
    expect(transports).toHaveLength(2);
  });

  it('backoff stays within [0, min(max, base * 2^attempt)]', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, options, () => 0.999)).toBeLessThan(100);
    expect(backoffDelay(3, options, () => 0.999)).toBeLessThan(800);
    expect(backoffDelay(20, options, () => 0.999)).toBeLessThan(1000);
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });

  it('ignores callbacks from an attempt it already gave up on', () => {
    client.connect();
    const stale = latest();
    vi.advanceTimersByTime(10_000); // connect timeout: gives up on the first attempt
    vi.runOnlyPendingTimers();
    const fresh = latest();
    expect(fresh).not.toBe(stale);
    stale.welcome();
    stale.drop(4005);
    expect(client.state.status).toBe('connecting');
    fresh.welcome();
    expect(client.state.status).toBe('online');
  });

  it('stops on a terminal close code and shows the reason', () => {
    client.connect();
    latest().welcome();
    latest().drop(4001, '');
    expect(client.state).toMatchObject({ status: 'offline', code: 4001 });
    expect((client.state as { reason: string }).reason).toMatch(/protocol version/);
    vi.advanceTimersByTime(60_000);
    expect(transports).toHaveLength(1);
  });

  it('drops a connection whose server goes silent past the heartbeat window', () => {
    client.connect();
    latest().welcome();
    vi.advanceTimersByTime(3000);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'no heartbeat from the server' });
  });

  it('answers the server’s ping with pong', () => {
    client.connect();
    latest().welcome();
    latest().deliver({ type: 'ping' });
    expect(latest().sentOf('pong')).toHaveLength(1);
  });
});

describe('cursors', () => {
  it('resubscribes with the cursor it holds after every reconnect, right after hello', () => {
    client.subscribe('room:a');
    client.connect();
    latest().welcome();
    expect(latest().sent.slice(0, 2)).toEqual([
      { type: 'hello', v: 1 },
      { type: 'sub', stream: 'room:a' },
    ]);
    latest().deliver({ type: 'subscribed', stream: 'room:a', head: 4, readSeq: 0, unread: 0 });
    latest().deliver(msg(5));
    latest().deliver(msg(6));
    latest().drop();
    vi.runOnlyPendingTimers();
    latest().welcome();
    expect(latest().sentOf('sub')).toEqual([{ type: 'sub', stream: 'room:a', after: 6 }]);
  });

  it('subscribes a stream added after the socket opened but before welcome', () => {
    client.connect();
    latest().open();
    client.subscribe('room:late');
    latest().deliver({
      type: 'welcome',
      v: 1,
      connId: 'c1',
      user: { id: 'u1', name: 'ann', role: 'user' },
      heartbeatMs: 1000,
      replayLimit: 1000,
    });
    expect(latest().sentOf('sub')).toEqual([{ type: 'sub', stream: 'room:late' }]);
  });

  it('drops duplicates by seq and asks again on a gap instead of showing a hole', () => {
    const seen: number[] = [];
    client.on('message', (m) => seen.push(m.seq));
    client.subscribe('room:a', { after: 0 });
    client.connect();
    latest().welcome();
    latest().deliver({ type: 'subscribed', stream: 'room:a', head: 0, readSeq: 0, unread: 0 });
    latest().deliver(msg(1));
    latest().deliver(msg(1));
    latest().deliver(msg(3));
    expect(seen).toEqual([1]);
    expect(latest().sentOf('sub').at(-1)).toEqual({ type: 'sub', stream: 'room:a', after: 1 });
  });

  it('hands changes on in seq order with messages, and counts them in the cursor', () => {
    const seen: string[] = [];
    client.on('message', (m) => seen.push(`msg ${m.seq}`));
    client.on('change', (c) => seen.push(`${c.change.kind} ${c.seq}`));
    client.subscribe('room:a', { after: 0 });
    client.connect();
    latest().welcome();
    latest().deliver({ type: 'subscribed', stream: 'room:a', head: 0, readSeq: 0, unread: 0 });
    latest().deliver(msg(1));
    latest().deliver({
      type: 'change',
      stream: 'room:a',
      seq: 2,
      id: 'id2',
      ts: 0,
      from: { id: 'u2', name: 'bob' },
      change: { kind: 'edit', target: 'id1', text: 'fixed' },
    });
    latest().deliver(msg(3));
    expect(seen).toEqual(['msg 1', 'edit 2', 'msg 3']);
    expect(client.cursor('room:a')).toBe(3);
  });

  it('skips a log entry of a type or change kind it does not know, moving its cursor past it (no gap, no resubscribe)', () => {
    const seen: number[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    client.on('message', (m) => seen.push(m.seq));
    client.on('change', (c) => seen.push(c.seq));
    client.subscribe('room:a', { after: 0 });
    client.connect();
    latest().welcome();
    latest().deliver({ type: 'subscribed', stream: 'room:a', head: 0, readSeq: 0, unread: 0 });
    const subs = latest().sentOf('sub').length;
    latest().deliver(msg(1));
    // A newer server's frame type, and a newer change kind, each a log entry with a seq.
    latest().handlers.onMessage(JSON.stringify({ type: 'poll_vote', stream: 'room:a', seq: 2, option: 1 }));
    latest().handlers.onMessage(
      JSON.stringify({
        type: 'change',
        stream: 'room:a',
        seq: 3,
        id: 'i3',
        ts: 0,
        from: { id: 'u2', name: 'bob' },
        change: { kind: 'pin', target: 'id1' },
      }),
    );
    latest().deliver(msg(4));
    expect(seen).toEqual([1, 4]);
    expect(client.cursor('room:a')).toBe(4);
    expect(latest().sentOf('sub')).toHaveLength(subs);
    // A frame it cannot read that is not a log entry is only noted.
    latest().handlers.onMessage(JSON.stringify({ type: 'hologram', color: 'blue' }));
    expect(client.cursor('room:a')).toBe(4);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('moves the cursor to the head on resync_required and tells the app', () => {
    const resyncs: string[] = [];
    client.on('resync', (f) => resyncs.push(f.reason));
    client.subscribe('room:a', { after: 900 });
    client.connect();
    latest().welcome();
    latest().deliver({ type: 'resync_required', stream: 'room:a', head: 12, reason: 'cursor_ahead' });
    expect(client.cursor('room:a')).toBe(12);
    expect(resyncs).toEqual(['cursor_ahead']);
  });
});

describe('outbox', () => {
  it('keeps unacknowledged sends across reconnects and resends them with the same clientMsgId', () => {
    client.connect();
    latest().welcome();
    const entry = client.send('room:a', 'hello');
    expect(entry.status).toBe('pending');
    const firstId = latest().sentOf('send')[0]?.clientMsgId;
    latest().drop();
    const offline = client.send('room:a', 'while away');
    vi.runOnlyPendingTimers();
    latest().welcome();
    expect(
      latest()
        .sentOf('send')
        .map((f) => [f.clientMsgId, f.text]),
    ).toEqual([
      [firstId, 'hello'],
      [offline.clientMsgId, 'while away'],
    ]);
    latest().deliver({
      type: 'ack',
      stream: 'room:a',
      clientMsgId: firstId as string,
      id: 'i',
      seq: 7,
      ts: 0,
    });
    expect(entry).toMatchObject({ status: 'sent', seq: 7 });
    expect(client.pending().map((e) => e.text)).toEqual(['while away']);
  });

  it('retries a rate-limited send after retryAfterMs, and fails a refused one with the reason', () => {
    client.connect();
    latest().welcome();
    const limited = client.send('room:a', 'too fast');
    latest().deliver({
      type: 'error',
      code: 'rate_limited',
      message: 'wait',
      ref: limited.clientMsgId,
      retryAfterMs: 500,
    });
    expect(limited.status).toBe('pending');
    vi.advanceTimersByTime(500);
    expect(latest().sentOf('send')).toHaveLength(2);
    const refused = client.send('room:a', 'no');
    latest().deliver({ type: 'error', code: 'forbidden', message: 'join first', ref: refused.clientMsgId });
    expect(refused).toMatchObject({ status: 'failed', error: 'join first' });
  });

  it('fails an impossible message at once, in words, without sending it', () => {
    client.connect();
    latest().welcome();
    const entry = client.send('room:a', 'x'.repeat(4001));
    expect(entry).toMatchObject({
      status: 'failed',
      error: 'the message is 4001 characters; the limit is 4000',
    });
    expect(latest().sentOf('send')).toEqual([]);
  });

  it('queues read positions while offline and sends the highest on reconnect', () => {
    client.markRead('room:a', 3);
    client.markRead('room:a', 9);
    client.connect();
    latest().welcome();
    expect(latest().sentOf('read')).toEqual([{ type: 'read', stream: 'room:a', seq: 9 }]);
  });
});

describe('choosing the transport', () => {
  const states = (c: SwitchboardClient) =>
    c.state as { status: string; transport?: string; fallback?: { code: string; why: string } };

  beforeEach(() => {
    client.close();
    transports = [];
  });

  it('falls back to long-polling when a WebSocket is not welcomed in time, and says why', () => {
    client = makeClient('auto');
    client.subscribe('room:a', { after: 5 });
    client.connect();
    expect(latest().name).toBe('websocket');
    vi.advanceTimersByTime(4000);
    expect(latest().name).toBe('polling');
    latest().welcome();
    expect(states(client)).toMatchObject({
      status: 'online',
      transport: 'polling',
      fallback: { code: 'websocket_timeout', why: 'WebSocket did not open within 4 s' },
    });
    expect(latest().sentOf('sub')).toEqual([{ type: 'sub', stream: 'room:a', after: 5 }]);
  });

  it('falls back when WebSocket keeps closing before it opens ("WebSocket blocked")', () => {
    client = makeClient('auto');
    client.connect();
    latest().drop(1006);
    vi.runOnlyPendingTimers();
    expect(latest().name).toBe('websocket');
    latest().drop(1006);
    expect(latest().name).toBe('polling');
    latest().welcome();
    expect(states(client).fallback).toEqual({ code: 'websocket_blocked', why: 'WebSocket blocked' });
  });

  it('keeps probing WebSocket from long-polling and moves back, resuming from its cursor', () => {
    client = makeClient('auto');
    client.subscribe('room:a', { after: 0 });
    client.connect();
    vi.advanceTimersByTime(4000);
    const polling = latest();
    polling.welcome();
    polling.deliver({ type: 'subscribed', stream: 'room:a', head: 0, readSeq: 0, unread: 0 });
    polling.deliver(msg(1));
    vi.advanceTimersByTime(30_000);
    const probe = latest();
    expect(probe.name).toBe('websocket');
    probe.welcome();
    expect(polling.closed).toBe(true);
    const socket = latest();
    expect(socket).not.toBe(probe);
    expect(socket.name).toBe('websocket');
    socket.welcome();
    expect(states(client)).toMatchObject({ status: 'online', transport: 'websocket' });
    expect(states(client).fallback).toBeUndefined();
    expect(socket.sentOf('sub')).toEqual([{ type: 'sub', stream: 'room:a', after: 1 }]);
  });

  it('goes back to WebSocket when long-polling fails too (the server is down, not WebSocket)', () => {
    client = makeClient('auto');
    client.connect();
    vi.advanceTimersByTime(4000);
    expect(latest().name).toBe('polling');
    latest().drop(1006);
    vi.runOnlyPendingTimers();
    expect(latest().name).toBe('websocket');
  });

  it('at a connection cap (4009) waits Retry-After at least, grows its backoff, and never falls back', () => {
    client = makeClient('auto');
    client.connect();
    for (let attempt = 0; attempt < 4; attempt++) {
      expect(latest().name).toBe('websocket');
      latest().handlers.onClose(4009, 'this account has 20 connections open', 2000);
      expect(client.state).toMatchObject({
        status: 'reconnecting',
        reason: 'this account has 20 connections open',
      });
      const count = transports.length;
      vi.advanceTimersByTime(1999);
      expect(transports).toHaveLength(count);
      // The longer of Retry-After (2 s) and the backoff (0.5 * min(1000, 100 * 2^attempt)).
      vi.advanceTimersByTime(1);
      expect(transports).toHaveLength(count + 1);
    }
    // Without a Retry-After, the backoff alone, still growing (attempt 4: 0.5 * 1000 ms).
    latest().handlers.onClose(4009, '');
    expect(client.state).toMatchObject({ status: 'reconnecting' });
    const count = transports.length;
    vi.advanceTimersByTime(499);
    expect(transports).toHaveLength(count);
    vi.advanceTimersByTime(1);
    expect(latest().name).toBe('websocket');
  });

  it('never tries WebSocket when long-polling is forced', () => {
    client = makeClient('polling');
    client.connect();
    latest().welcome();
    vi.advanceTimersByTime(120_000);
    expect(transports.map((t) => t.name)).toEqual(['polling']);
    expect(states(client)).toMatchObject({ status: 'online', transport: 'polling' });
  });
});
