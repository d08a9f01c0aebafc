/** SIGTERM: sockets close with 1001, commits under way finish, and the process exits cleanly. */
import { describe, expect, it } from 'vitest';
import { fetchHistory, register } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { startServerProcess } from '../support/server-process.js';

describe('graceful shutdown', () => {
  it('closes every socket with 1001, keeps every acked message, and exits 0', async () => {
    const server = await startServerProcess({ env: { RATE_BURST: '10000' } });
    const user = await register(server.url);
    const sockets = await Promise.all([1, 2, 3].map(() => RawSocket.hello(server.wsUrl, user.token)));
    const sender = sockets[0] as RawSocket;
    sender.send({ type: 'send', stream: 'room:general', clientMsgId: 'warm', text: 'warm-up' });
    await sender.next('ack');
    for (let i = 0; i < 200; i++) {
      sender.send({ type: 'send', stream: 'room:general', clientMsgId: `t${i}`, text: `in flight ${i}` });
    }
    await until(() => sender.frames.some((f) => f.type === 'ack'), 5000, 'first acks');
    server.proc.kill('SIGTERM');
    const codes = await Promise.all(sockets.map((s) => s.closed));
    expect(codes).toEqual([1001, 1001, 1001]);
    expect(await server.exited).toBe(0);

    const acked = sender.frames.flatMap((f) => (f.type === 'ack' ? [f.clientMsgId] : []));
    const restarted = await startServerProcess({ dataDir: server.dataDir });
    try {
      const stored = (await fetchHistory(restarted.url, user, 'general')).map((m) => m.clientMsgId);
      for (const id of acked) expect(stored).toContain(id);
      expect(new Set(stored).size).toBe(stored.length);
    } finally {
      await restarted.stop();
    }
  });
});
