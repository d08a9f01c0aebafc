/** The Socket.IO client: `socket.io-client` 4.8, WebSocket transport only. */
import { io, type Socket } from 'socket.io-client';
import type { Target } from '../../lib/types.js';
import { marker, messageText, readMarkerText } from '../message.js';
import {
  type BenchClient,
  baselineRoom,
  type ClientEvents,
  type Membership,
  OPEN_TIMEOUT_MS,
  opening,
} from './client.js';

export function openSocketIo(target: Target, index: number, who: Membership, events: ClientEvents) {
  const room = baselineRoom(who);
  return opening<BenchClient>(`Socket.IO connection ${index}`, (ready, fail) => {
    const socket: Socket = io(target.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: OPEN_TIMEOUT_MS,
    });
    let open = false;
    let closing = false;
    const client: BenchClient = {
      index,
      send(k, t) {
        socket.emit('send', { room, text: messageText(k, t), t });
      },
      close() {
        closing = true;
        socket.disconnect();
      },
    };
    socket.on('msg', (msg: { text?: unknown }) => {
      if (typeof msg?.text === 'string' && readMarkerText(msg.text))
        events.message(index, marker.k, marker.t);
    });
    socket.on('connect', () => {
      if (!room) {
        open = true;
        ready(client);
        return;
      }
      socket.emit('join', room, () => {
        open = true;
        ready(client);
      });
    });
    socket.on('connect_error', (err) => fail(err.message));
    socket.on('disconnect', (reason) => {
      if (!open) fail(`disconnected: ${reason}`);
      else if (!closing) events.closed(index, 1006);
    });
  });
}
