/**
 * Baseline: room broadcast on raw `ws` with writes coalesced per socket per event-loop turn. The
 * first frame a socket gets in a turn corks it; one `setImmediate` uncorks every corked socket,
 * so each socket sees one `writev` per turn however many messages the turn broadcast.
 */
import { type Member, startRoomServer } from './rooms.js';

const corked: Member[] = [];

const uncorkAll = () => {
  for (const member of corked) {
    member.corked = false;
    member.socket.uncork();
  }
  corked.length = 0;
};

startRoomServer('ws-coalesced', (member, data) => {
  if (!member.corked) {
    member.corked = true;
    member.socket.cork();
    if (corked.push(member) === 1) setImmediate(uncorkAll);
  }
  member.ws.send(data);
});
