/**
 * The baselines' shared room server: a tiny JSON protocol on `ws`, so that the naive and the
 * coalesced variant differ only in how a broadcast reaches the sockets.
 *
 * Client to server: `{"type":"join","room":"r1"}` (answered `{"type":"joined","room":"r1"}`) and
 * `{"type":"send","room":"r1","text":"...","t":123}`, which goes to every member of the room,
 * the sender included, as `{"type":"msg","room":"r1","text":"...","t":123}`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Member {
  readonly ws: WebSocket;
  readonly socket: Socket;
  /** Used by the coalesced variant: this socket is corked until the end of the turn. */
  corked: boolean;
}

/** How one encoded frame reaches one member. */
export type Deliver = (member: Member, data: string) => void;

export function startRoomServer(name: string, deliver: Deliver): void {
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('this server speaks WebSocket only\n');
  });
  // Same socket-level rules as Switchboard: 64 KiB frames, no compression, UTF-8 validated.
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024, perMessageDeflate: false });
  const rooms = new Map<string, Set<Member>>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const member: Member = { ws, socket: req.socket, corked: false };
    const joined = new Set<string>();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof frame !== 'object' || frame === null) return;
      const { type, room, text, t } = frame as Record<string, unknown>;
      if (typeof room !== 'string') return;
      if (type === 'join') {
        let members = rooms.get(room);
        if (!members) {
          members = new Set();
          rooms.set(room, members);
        }
        members.add(member);
        joined.add(room);
        deliver(member, JSON.stringify({ type: 'joined', room }));
      } else if (type === 'send' && typeof text === 'string' && joined.has(room)) {
        const out = JSON.stringify({ type: 'msg', room, text, t });
        for (const m of rooms.get(room) ?? []) deliver(m, out);
      }
    });
    ws.on('close', () => {
      for (const room of joined) {
        const members = rooms.get(room);
        members?.delete(member);
        if (members?.size === 0) rooms.delete(room);
      }
    });
    ws.on('error', () => {});
  });

  listen(http, name);
}

/** Listens on HOST/PORT (default 127.0.0.1:0) and prints the line the orchestrator parses. */
export function listen(http: ReturnType<typeof createServer>, name: string): void {
  const host = process.env.HOST || '127.0.0.1';
  http.listen(Number(process.env.PORT || 0), host, () => {
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${name} listening url=http://${host}:${port}\n`);
  });
  // The orchestrator holds our stdin open; when it goes away, so do we.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
