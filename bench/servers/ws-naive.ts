/** Baseline: room broadcast on raw `ws`, one `send` (one write) per member. */
import { startRoomServer } from './rooms.js';

startRoomServer('ws-naive', (member, data) => member.ws.send(data));
