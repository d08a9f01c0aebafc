/** The client of the two raw `ws` baselines (their tiny JSON protocol: join, send, msg). */
import WebSocket from 'ws';
import type { Target } from '../../lib/types.js';
import { isMsgFrame, marker, messageText, readMarker } from '../message.js';
import {
  type BenchClient,
  baselineRoom,
  type ClientEvents,
  type Membership,
  opening,
  wsOptions,
  wsUrlOf,
} from './client.js';

export function openWs(target: Target, index: number, who: Membership, events: ClientEvents) {
  const room = baselineRoom(who);
  return opening<BenchClient>(`ws connection ${index}`, (ready, fail) => {
    const ws = new WebSocket(wsUrlOf(target, '/'), wsOptions);
    let open = false;
    let closing = false;
    const client: BenchClient = {
      index,
      send(k, t) {
        ws.send(JSON.stringify({ type: 'send', room, text: messageText(k, t), t }));
      },
      close() {
        closing = true;
        ws.close(1000);
      },
    };
    ws.on('open', () => {
      if (room) ws.send(JSON.stringify({ type: 'join', room }));
      else {
        open = true;
        ready(client);
      }
    });
    ws.on('message', (data: Buffer) => {
      if (isMsgFrame(data)) {
        if (readMarker(data)) events.message(index, marker.k, marker.t);
        return;
      }
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (frame.type === 'joined' && frame.room === room && !open) {
        open = true;
        ready(client);
      }
    });
    ws.on('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode} instead of a WebSocket`));
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code) => {
      if (!open) fail(`closed ${code}`);
      else if (!closing) events.closed(index, code);
    });
  });
}
