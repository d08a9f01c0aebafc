/**
 * Switchboard's two clients. `raw` speaks its protocol on `ws` with the least work per frame
 * (hello with the session token and sub in one go, send with a clientMsgId, ack; it answers pings),
 * for the scenarios where the SDK's per-frame validation would make the load generator the
 * bottleneck. `sdk` is the real SDK (`createClient`), for idle connections and connection setup.
 */
import WebSocket from 'ws';
import { createClient } from '../../../web/client/index.js';
import type { WebSocketConstructor } from '../../../web/client/transport.js';
import type { Target } from '../../lib/types.js';
import { type BenchUser, currentFixtures, type Fixtures, memberUser } from '../fixtures.js';
import { isMsgFrame, marker, messageText, readMarker } from '../message.js';
import {
  type BenchClient,
  type ClientEvents,
  type Membership,
  OPEN_TIMEOUT_MS,
  opening,
  wsOptions,
  wsUrlOf,
} from './client.js';

/** A unique clientMsgId prefix for this load generator: message numbers restart with it. */
const idPrefix = `b${Math.random().toString(36).slice(2, 8)}-`;

function switchboardSeat(
  target: Target,
  who: Membership,
  index: number,
): { user: BenchUser; stream: string | null } {
  const f: Fixtures = currentFixtures(target.store);
  if (who.kind === 'fan')
    return { user: f.users[index % f.users.length] as BenchUser, stream: `room:${f.fanRoom}` };
  if (who.kind === 'room') {
    const room = f.rooms[who.r];
    if (!room) throw new Error(`room ${who.r} was not prepared (only ${f.rooms.length} exist)`);
    return { user: memberUser(f, who.r, who.m), stream: `room:${room}` };
  }
  return { user: f.users[index % f.users.length] as BenchUser, stream: null };
}

export function openSwitchboardRaw(target: Target, index: number, who: Membership, events: ClientEvents) {
  const { user, stream } = switchboardSeat(target, who, index);
  return opening<BenchClient>(`Switchboard connection ${index}`, (ready, fail) => {
    const ws = new WebSocket(wsUrlOf(target, '/ws'), wsOptions);
    let open = false;
    let closing = false;
    const client: BenchClient = {
      index,
      send(k, t) {
        ws.send(
          JSON.stringify({ type: 'send', stream, clientMsgId: `${idPrefix}${k}`, text: messageText(k, t) }),
        );
      },
      close() {
        closing = true;
        ws.close(1000);
      },
    };
    ws.on('open', () => {
      // hello and sub in one go, as the SDK does: the server holds frames that arrive while it
      // authenticates.
      ws.send(JSON.stringify({ type: 'hello', v: 1, token: user.token }));
      if (stream) ws.send(JSON.stringify({ type: 'sub', stream }));
    });
    ws.on('message', (data: Buffer) => {
      if (isMsgFrame(data)) {
        if (readMarker(data)) events.message(index, marker.k, marker.t);
        return;
      }
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      switch (frame.type) {
        case 'welcome':
          if (!stream) {
            open = true;
            ready(client);
          }
          return;
        case 'subscribed':
          if (frame.stream === stream && !open) {
            open = true;
            ready(client);
          }
          return;
        case 'ack':
          events.ack(index, Number(String(frame.clientMsgId).slice(idPrefix.length)));
          return;
        case 'ping':
          ws.send('{"type":"pong"}');
          return;
        case 'error':
          events.error(index, String(frame.code));
          if (!open) fail(`error frame ${frame.code}: ${frame.message}`);
      }
    });
    ws.on('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode} instead of a WebSocket`));
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code, reason) => {
      if (!open) fail(`closed ${code} ${reason.toString()}`);
      else if (!closing) events.closed(index, code);
    });
  });
}

export function openSwitchboardSdk(target: Target, index: number, who: Membership, events: ClientEvents) {
  const { user, stream } = switchboardSeat(target, who, index);
  return opening<BenchClient>(`Switchboard SDK client ${index}`, (ready, fail) => {
    const client = createClient({
      url: wsUrlOf(target, '/ws'),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      token: user.token,
      // Forced: in 'auto' a welcome slower than 4 s under load would fall back to long-polling.
      transport: 'websocket',
      connectTimeoutMs: OPEN_TIMEOUT_MS,
    });
    let open = false;
    const bench: BenchClient = {
      index,
      send(_k, _t) {
        throw new Error('the SDK client is used for idle connections and setup only');
      },
      close() {
        open = false;
        client.close();
      },
    };
    const done = () => {
      open = true;
      ready(bench);
    };
    if (stream) {
      client.on('subscribed', (info) => {
        if (info.stream === stream && !open) done();
      });
      client.subscribe(stream);
    } else {
      client.on('welcome', () => done());
    }
    client.on('state', (state) => {
      if (state.status === 'offline' || state.status === 'reconnecting') {
        const why = state.reason;
        if (!open) {
          client.close();
          fail(why);
        } else {
          events.closed(index, 'code' in state ? state.code : 1006);
        }
      }
    });
    client.on('error', (frame) => events.error(index, frame.code));
    client.connect();
  });
}
