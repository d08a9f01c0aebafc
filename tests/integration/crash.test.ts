/**
 * SIGKILL while ten clients send and retry, then restart on the same data: every message
 * acknowledged before the kill is stored exactly once, and every client's view equals the stored
 * history.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../web/client/index.js';
import type { OutboxEntry } from '../../web/client/outbox.js';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { sdkClient, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const CLIENTS = 10;
const PER_CLIENT = 40;
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
});

describe('crash safety', () => {
  it('keeps every acknowledged message exactly once across a SIGKILL and restart', async () => {
    const env = { RATE_BURST: '10000' };
    server = await startServerProcess({ env });
    const { port, dataDir } = server;
    const users: TestUser[] = [];
    for (let i = 0; i < CLIENTS; i++) users.push(await register(server.url));
    const room = (await api(server.url, users[0] as TestUser, 'POST', '/api/rooms', { title: 'crash' })).json
      .room.id as string;
    for (const u of users.slice(1)) await api(server.url, u, 'POST', `/api/rooms/${room}/join`);
    const stream = `room:${room}`;

    const clients: SwitchboardClient[] = [];
    const views: Map<number, string>[] = [];
    const entries: OutboxEntry[][] = [];
    const ackedBeforeKill = new Map<string, number>();
    const conflicts: string[] = [];
    for (const u of users) {
      const client = sdkClient(server.wsUrl, u.token);
      const view = new Map<number, string>();
      client.on('message', (m) => {
        // A client must never see two different messages at one seq.
        if (view.has(m.seq) && view.get(m.seq) !== m.id) conflicts.push(`seq ${m.seq}`);
        view.set(m.seq, m.id);
      });
      client.subscribe(stream);
      client.connect();
      clients.push(client);
      views.push(view);
      entries.push([]);
    }
    await until(() => clients.every((c) => c.cursor(stream) === 0), 5000, 'all subscribed');

    // Each client sends steadily; the kill lands in the middle of the traffic.
    const senders = clients.map(async (client, i) => {
      for (let n = 0; n < PER_CLIENT; n++) {
        entries[i]?.push(client.send(stream, `client ${i} message ${n}`));
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    await until(() => entries.flat().filter((e) => e.status === 'sent').length >= 60, 10_000, 'some acks');
    server.proc.kill('SIGKILL');
    await server.exited;
    for (const e of entries.flat())
      if (e.status === 'sent') ackedBeforeKill.set(e.clientMsgId, e.seq as number);
    // The kill must land mid-traffic: some sends acknowledged, others still to go or in flight.
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(60);
    expect(ackedBeforeKill.size).toBeLessThan(CLIENTS * PER_CLIENT);

    server = await startServerProcess({ dataDir, port, env });
    await Promise.all(senders);
    const all = () => entries.flat();
    await until(() => all().every((e) => e.status === 'sent'), 20_000, 'every send acknowledged');

    const stored = await fetchHistory(server.url, users[0] as TestUser, room);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const byClientId = new Map(stored.map((m) => [m.clientMsgId, m]));
    expect(byClientId.size).toBe(stored.length); // no clientMsgId stored twice
    expect(stored).toHaveLength(CLIENTS * PER_CLIENT);
    for (const [clientMsgId, seq] of ackedBeforeKill) expect(byClientId.get(clientMsgId)?.seq).toBe(seq);
    for (const e of all()) expect(byClientId.get(e.clientMsgId)?.seq).toBe(e.seq);

    const expected = stored.map((m) => [m.seq, m.id]);
    for (const view of views) {
      await until(() => view.size === stored.length, 10_000, 'client caught up');
      expect([...view.entries()].sort((x, y) => x[0] - y[0])).toEqual(expected);
    }
    expect(conflicts).toEqual([]);
    for (const c of clients) c.close();
  });
});
