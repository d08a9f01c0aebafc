/**
 * Baseline: Socket.IO 4.8 with rooms, WebSocket transport only. `join` (acknowledged) puts the
 * socket in a room; `send` {room, text, t} is emitted to the whole room, the sender included.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { listen } from './rooms.js';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 64 * 1024,
});

io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('send', (msg: unknown) => {
    if (typeof msg !== 'object' || msg === null) return;
    const { room, text, t } = msg as Record<string, unknown>;
    if (typeof room !== 'string' || typeof text !== 'string' || !socket.rooms.has(room)) return;
    io.to(room).emit('msg', { room, text, t });
  });
});

listen(http, 'socketio');
