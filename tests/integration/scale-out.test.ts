/**
 * Several Switchboard processes on one PostgreSQL and one Redis, with the same guarantee as one
 * process: real server processes, real PostgreSQL (a fresh schema per test), real Redis (a fresh
 * key prefix, or a private redis-server that a test restarts).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MsgFrame } from '../../shared/protocol.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import { pollingTransport } from '../../web/client/polling.js';
import {
  type TransportFactory,
  type WebSocketConstructor,
  webSocketTransport,
} from '../../web/client/transport.js';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas, freePort, startRedis, stopProcess } from '../support/services.js';

const schemas = new Set<string>();
const running: ServerProcess[] = [];
const redisServers: ChildProcess[] = [];

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  for (const r of redisServers) await stopProcess(r);
  await dropSchemas(schemas);
});

interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  env: Record<string, string>;
}

async function cluster(extra: Record<string, string> = {}): Promise<Cluster> {
  const env = clusterEnv(schemas, {
    RATE_BURST: '100000',
    ...extra,
  });
  // Started together: migrations and seeding must cope with a twin starting at the same moment.
  const [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
  running.push(a as ServerProcess, b as ServerProcess);
  return { a: a as ServerProcess, b: b as ServerProcess, env };
}

const WS = WebSocket as unknown as WebSocketConstructor;

/** A client that connects to the first of `urls` that answers, trying the next on each attempt. */
function failoverClient(user: TestUser, servers: (() => ServerProcess)[]): SwitchboardClient {
  let next = 0;
  const websocket: TransportFactory = (handlers) => {
    const server = (servers[next++ % servers.length] as () => ServerProcess)();
    return webSocketTransport(server.wsUrl, WS)(handlers);
  };
  return createClient({
    url: 'ws://unused/ws',
    token: user.token,
    transport: 'websocket',
    transports: { websocket },
    backoff: { baseMs: 20, maxMs: 200 },
  });
}

const seqs = (frames: MsgFrame[]) => frames.map((m) => m.seq);

describe('two processes on PostgreSQL and Redis', () => {
  it('chat both ways live between a client on A and a client on B', async () => {
    const { a, b } = await cluster();
    const alice = await register(a.url);
    const bob = await register(b.url);
    const onA = failoverClient(alice, [() => a]);
    const onB = failoverClient(bob, [() => b]);
    const seenA: MsgFrame[] = [];
    const seenB: MsgFrame[] = [];
    onA.on('message', (m) => seenA.push(m));
    onB.on('message', (m) => seenB.push(m));
    for (const c of [onA, onB]) {
      c.subscribe('room:general');
      c.connect();
    }
    await until(() => onA.cursor('room:general') !== undefined && onB.cursor('room:general') !== undefined);
    onA.send('room:general', 'from A');
    await until(() => seenB.some((m) => m.text === 'from A'), 5000, 'B sees A');
    onB.send('room:general', 'from B');
    await until(() => seenA.some((m) => m.text === 'from B'), 5000, 'A sees B');
    // B's own message reaches B too, but not necessarily before it reaches A.
    await until(() => seenB.some((m) => m.text === 'from B'), 5000, 'B sees its own');
    expect(seqs(seenA)).toEqual([1, 2]);
    expect(seqs(seenB)).toEqual([1, 2]);
    onA.close();
    onB.close();
  });

  it('a polling client alternating between A and B on every poll sees every seq once, in order', async () => {
    const { a, b } = await cluster({ POLL_HOLD_MS: '1500' });
    const reader = await register(a.url);
    const writer = await register(b.url);
    let turn = 0;
    const alternate: typeof fetch = (input, init) => {
      const server = turn++ % 2 === 0 ? a : b;
      return fetch(String(input).replace('http://cluster', server.url), init);
    };
    const poller = createClient({
      url: 'ws://cluster/ws',
      token: reader.token,
      transport: 'polling',
      transports: { polling: pollingTransport({ baseUrl: 'http://cluster', fetch: alternate }) },
    });
    const seen: number[] = [];
    const errors: string[] = [];
    poller.on('message', (m) => seen.push(m.seq));
    poller.on('error', (e) => errors.push(e.code));
    poller.subscribe('room:general');
    poller.connect();
    await until(() => poller.cursor('room:general') !== undefined, 5000, 'poller subscribed');

    const senders = [
      await RawSocket.hello(a.wsUrl, writer.token),
      await RawSocket.hello(b.wsUrl, writer.token),
    ];
    for (let i = 0; i < 40; i++) {
      (senders[i % 2] as RawSocket).send({
        type: 'send',
        stream: 'room:general',
        clientMsgId: `alt${i}`,
        text: `${i}`,
      });
      await new Promise((r) => setTimeout(r, 25));
    }
    await until(() => seen.length >= 40, 10_000, 'all 40 polled');
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(errors).toEqual([]);
    expect(turn).toBeGreaterThan(6); // it really did hop between the processes
    poller.close();
    for (const s of senders) s.close();
  });

  it('concurrent writers on both processes to one room store a gap-free, unique seq', async () => {
    const { a, b } = await cluster();
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await register(i % 2 ? b.url : a.url));
    const sockets = await Promise.all(users.map((u, i) => RawSocket.hello((i % 2 ? b : a).wsUrl, u.token)));
    sockets.forEach((socket, s) => {
      for (let i = 0; i < 50; i++)
        socket.send({ type: 'send', stream: 'room:general', clientMsgId: `w${s}-${i}`, text: `${s}/${i}` });
    });
    await until(
      () => sockets.every((s) => s.frames.filter((f) => f.type === 'ack').length === 50),
      20_000,
      'all acked',
    );
    const stored = await fetchHistory(a.url, users[0] as TestUser, 'general');
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(300);
    // Each writer's own messages stay in the order it sent them.
    for (let s = 0; s < 6; s++) {
      const mine = stored
        .filter((m) => m.clientMsgId.startsWith(`w${s}-`))
        .map((m) => Number(m.text.split('/')[1]));
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    for (const s of sockets) s.close();
  });

  it('keeps every acknowledged message exactly once when A is SIGKILLed and its clients move to B', async () => {
    const { a, b } = await cluster();
    const users: TestUser[] = [];
    for (let i = 0; i < 10; i++) users.push(await register(b.url));
    const clients = users.map((u, i) => failoverClient(u, i % 2 ? [() => b, () => a] : [() => a, () => b]));
    const views = clients.map(() => new Map<number, string>());
    const sends = clients.map(() => [] as ReturnType<SwitchboardClient['send']>[]);
    clients.forEach((c, i) => {
      c.on('message', (m) => views[i]?.set(m.seq, m.id));
      c.subscribe('room:general');
      c.connect();
    });
    await until(() => clients.every((c) => c.cursor('room:general') !== undefined), 10_000, 'all subscribed');
    const senders = clients.map(async (c, i) => {
      for (let n = 0; n < 30; n++) {
        sends[i]?.push(c.send('room:general', `c${i} m${n}`));
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    await until(() => sends.flat().filter((e) => e.status === 'sent').length >= 40, 10_000, 'some acks');
    a.proc.kill('SIGKILL');
    await a.exited;
    const ackedBeforeKill = new Map(
      sends
        .flat()
        .filter((e) => e.status === 'sent')
        .map((e) => [e.clientMsgId, e.seq]),
    );
    await Promise.all(senders);
    await until(() => sends.flat().every((e) => e.status === 'sent'), 30_000, 'every send acked on B');

    const stored = await fetchHistory(b.url, users[0] as TestUser, 'general');
    const byId = new Map(stored.map((m) => [m.clientMsgId, m]));
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(byId.size).toBe(300);
    expect(stored).toHaveLength(300);
    for (const [clientMsgId, seq] of ackedBeforeKill) expect(byId.get(clientMsgId)?.seq).toBe(seq);
    const expected = stored.map((m) => [m.seq, m.id]);
    for (const view of views) {
      await until(() => view.size === 300, 10_000, 'every client converged');
      expect([...view.entries()].sort((x, y) => x[0] - y[0])).toEqual(expected);
    }
    for (const c of clients) c.close();
  }, 60_000);

  it('survives a Redis restart: no process exits, nothing acknowledged is lost, clients converge, presence recovers', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    redisServers.push(redis);
    const { a, b } = await cluster({ REDIS_URL: `redis://127.0.0.1:${port}`, HEARTBEAT_MS: '400' });
    const alice = await register(a.url);
    const bob = await register(b.url);
    const onA = failoverClient(alice, [() => a]);
    const onB = failoverClient(bob, [() => b]);
    const views = [new Map<number, string>(), new Map<number, string>()];
    const presentForA = new Set<string>();
    onA.on('presence', (p) => {
      if (p.kind === 'snapshot') presentForA.clear();
      for (const u of p.users) {
        if (p.kind === 'leave') presentForA.delete(u.name);
        else presentForA.add(u.name);
      }
    });
    [onA, onB].forEach((c, i) => {
      c.on('message', (m) => views[i]?.set(m.seq, m.id));
      c.subscribe('room:general');
      c.connect();
    });
    await until(() => presentForA.has(bob.username), 5000, 'bob present for alice');

    await stopProcess(redis);
    for (let tries = 0; (await api(a.url, null, 'GET', '/api/health')).json?.broker?.ok !== false; tries++) {
      if (tries > 100) throw new Error('health never reported Redis down');
      await new Promise((r) => setTimeout(r, 50));
    }
    const health = await api(b.url, null, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.json.broker).toMatchObject({ name: 'redis', ok: false });
    const during = [
      onA.send('room:general', 'A while redis is down'),
      onB.send('room:general', 'B while redis is down'),
    ];
    await until(() => during.every((e) => e.status === 'sent'), 5000, 'sends still commit and ack');

    redis = await startRedis(port);
    redisServers.push(redis);
    const stored = await fetchHistory(a.url, alice, 'general');
    expect(stored.map((m) => m.text)).toEqual(
      expect.arrayContaining(['A while redis is down', 'B while redis is down']),
    );
    const expected = stored.map((m) => [m.seq, m.id]);
    for (const view of views) {
      await until(() => view.size === stored.length, 10_000, 'clients converge to the stored history');
      expect([...view.entries()].sort((x, y) => x[0] - y[0])).toEqual(expected);
    }
    // Redis kept nothing: presence comes back as the connections renew it, so a newcomer sees bob.
    const newcomer = failoverClient(await register(a.url), [() => a]);
    const presentForNewcomer = new Set<string>();
    newcomer.on('presence', (p) => {
      for (const u of p.users) {
        if (p.kind === 'leave') presentForNewcomer.delete(u.name);
        else presentForNewcomer.add(u.name);
      }
    });
    newcomer.subscribe('room:general');
    newcomer.connect();
    await until(() => presentForNewcomer.has(bob.username), 10_000, 'presence recovers');
    newcomer.close();
    onB.send('room:general', 'after the restart');
    await until(() => views[0]?.size === stored.length + 1, 5000, 'live fan-out is back');
    expect(a.proc.exitCode).toBeNull();
    expect(b.proc.exitCode).toBeNull();
    onA.close();
    onB.close();
  }, 60_000);
});
