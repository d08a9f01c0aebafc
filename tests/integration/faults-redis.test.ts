/**
 * Redis faults with two real Switchboard processes on PostgreSQL (a fresh schema) and a private
 * redis-server on a free port that each test really kills (SIGKILL), hangs (SIGSTOP, SIGCONT) and
 * restarts. Redis is an accelerator: each process goes on serving its own connections, and once
 * Redis is back, what was sent meanwhile reaches the other process's subscribers from storage.
 * The machine's shared Redis on 6379 is never touched.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { HealthBody } from '../../shared/api.js';
import type { MsgFrame, ServerFrame } from '../../shared/protocol.js';
import { createClient } from '../../web/client/index.js';
import { pollingTransport } from '../../web/client/polling.js';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import {
  dropSchemas,
  freePort,
  freshPrefix,
  freshSchema,
  pgUrl,
  startRedis,
  stopProcess,
} from '../support/services.js';

const schemas = new Set<string>();
const running: ServerProcess[] = [];
const redisServers: ChildProcess[] = [];

afterAll(async () => {
  for (const r of redisServers) if (r.exitCode === null && r.signalCode === null) r.kill('SIGCONT');
  for (const s of running) await s.stop('SIGKILL');
  for (const r of redisServers) await stopProcess(r);
  await dropSchemas(schemas);
});

/** The bound a send may take while Redis is down or hung (REDIS_TIMEOUT_MS is 200 ms). */
const SEND_BOUND_MS = 1_000;

async function setup() {
  const port = await freePort();
  const redis = await startRedis(port);
  redisServers.push(redis);
  const schema = freshSchema();
  schemas.add(schema);
  const env = {
    DATABASE_URL: pgUrl,
    DATABASE_SCHEMA: schema,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    REDIS_PREFIX: freshPrefix(),
    REDIS_TIMEOUT_MS: '200',
    RATE_BURST: '100000',
  };
  const [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
  running.push(a, b);
  return { port, redis, a, b };
}

const health = async (server: ServerProcess): Promise<{ status: number; body: HealthBody }> => {
  const res = await api(server.url, null, 'GET', '/api/health');
  return { status: res.status, body: res.json as HealthBody };
};

async function waitForHealth(server: ServerProcess, broker: 'ok' | 'degraded', limitMs = 5_000) {
  const started = Date.now();
  for (;;) {
    const { body } = await health(server);
    if (body.broker.status === broker) return Date.now() - started;
    if (Date.now() - started > limitMs)
      throw new Error(`health never said broker ${broker}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `count` messages one after another, each awaited; returns each one's ack latency. */
async function sendTimed(socket: RawSocket, tag: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const clientMsgId = `${tag}-${i}`;
    const started = performance.now();
    socket.send({ type: 'send', stream: 'room:general', clientMsgId, text: `${tag} ${i}` });
    await socket.next('ack', (f) => f.clientMsgId === clientMsgId, 5_000);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const msgSeqs = (frames: ServerFrame[]) =>
  frames.filter((f): f is MsgFrame => f.type === 'msg').map((f) => f.seq);
const errorsIn = (frames: ServerFrame[]) => frames.filter((f) => f.type === 'error');
const lines = (server: ServerProcess, pattern: RegExp) => server.logs.filter((line) => pattern.test(line));

async function subscriber(server: ServerProcess, user: TestUser): Promise<RawSocket> {
  const socket = await RawSocket.hello(server.wsUrl, user.token);
  socket.send({ type: 'sub', stream: 'room:general' });
  await socket.next('subscribed');
  return socket;
}

/** A long-polling client on `server`: subscribes, and must see `text` arrive by polling. */
async function pollFor(server: ServerProcess, user: TestUser, send: () => Promise<unknown>, text: string) {
  const poller = createClient({
    url: `${server.wsUrl}`,
    token: user.token,
    transport: 'polling',
    transports: { polling: pollingTransport({ baseUrl: server.url }) },
  });
  const seen: string[] = [];
  const errors: string[] = [];
  poller.on('message', (m) => seen.push(m.text));
  poller.on('error', (e) => errors.push(e.code));
  try {
    poller.subscribe('room:general');
    poller.connect();
    await until(() => poller.cursor('room:general') !== undefined, 5_000, 'the poller subscribed');
    await send();
    await until(() => seen.includes(text), 5_000, `the poller saw "${text}"`);
    expect(errors).toEqual([]);
  } finally {
    poller.close();
  }
}

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('Redis faults, two processes on PostgreSQL', () => {
  for (const fault of ['killed', 'hung'] as const) {
    it(`Redis ${fault}: each process keeps serving, sends ack within ${SEND_BOUND_MS} ms, presence is local, and B gets A's outage messages from storage once Redis is back`, async () => {
      const setupResult = await setup();
      const { port, a, b } = setupResult;
      let redis = setupResult.redis;
      const alice = await register(a.url);
      const bob = await register(b.url);
      const carol = await register(a.url);
      const onA = await subscriber(a, alice);
      const onB = await subscriber(b, bob);
      await onA.next('presence', (p) => p.kind === 'snapshot');
      // B's subscription is live in Redis once A's message reaches it.
      const before = await sendTimed(onA, 'before', 5);
      await until(() => msgSeqs(onB.frames).length === 5, 5_000, 'B sees the 5 messages sent before');
      expect((await health(a)).body).toMatchObject({ status: 'ok', broker: { status: 'ok' } });

      // --- the fault ---
      if (fault === 'killed') await stopProcess(redis);
      else redis.kill('SIGSTOP');
      const faultAt = Date.now();

      // Sends right away, before anyone has noticed: the first waits at most the Redis timeout.
      const during = await sendTimed(onA, 'during', 20);
      const noticedMs = Math.max(await waitForHealth(a, 'degraded'), 0);
      const { status, body } = await health(a);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'degraded', ok: true, storage: { status: 'ok' } });
      expect(body.broker).toMatchObject({ name: 'redis', status: 'degraded', ok: false });
      during.push(...(await sendTimed(onA, 'during2', 20)));
      expect(Math.max(...during), `ack latencies ${during.map((l) => l.toFixed(0)).join(',')}`).toBeLessThan(
        SEND_BOUND_MS,
      );

      // Subscribes work, and presence is what A knows: alice and carol, not bob (he is on B).
      const late = await subscriber(a, carol);
      const snapshot = await late.next('presence', (p) => p.kind === 'snapshot');
      expect(snapshot.users.map((u) => u.id).sort()).toEqual([alice.id, carol.id].sort());
      // A poll works too, and gets a message sent meanwhile on the same process.
      await pollFor(a, carol, () => sendTimed(onA, 'polled', 1), 'polled 0');
      // B's own subscribers still get B's own messages at once.
      const onB2 = await subscriber(b, await register(b.url));
      await sendTimed(onB, 'b-during', 1);
      await until(
        () => onB2.frames.some((f) => f.type === 'msg' && f.text === 'b-during 0'),
        2_000,
        'B local fan-out',
      );

      // The outage lasts through several probes: time degraded is counted while it lasts.
      for (
        let degraded = 0;
        degraded < 1.5;
        degraded = await metric(a, 'switchboard_broker_degraded_seconds_total')
      ) {
        if (Date.now() - faultAt > 10_000) throw new Error(`degraded seconds stuck at ${degraded}`);
        await sendTimed(onA, `tick${Date.now()}`, 1).then((l) => during.push(...l));
      }

      // --- Redis back ---
      const outageMs = Date.now() - faultAt;
      const backAt = Date.now();
      if (fault === 'killed') {
        redis = await startRedis(port);
        redisServers.push(redis);
      } else {
        redis.kill('SIGCONT');
      }
      await waitForHealth(a, 'ok', 10_000);
      await waitForHealth(b, 'ok', 10_000);
      const stored = await fetchHistory(a.url, alice, 'general');
      const all = stored.map((m) => m.seq);
      expect(all).toEqual(Array.from({ length: 5 + during.length + 1 + 1 }, (_, i) => i + 1));
      expect(Math.max(...during)).toBeLessThan(SEND_BOUND_MS);
      // No acked loss, no duplicate, no gap on B: every seq once, in order, filled from storage.
      await until(() => msgSeqs(onB.frames).length >= all.length, 10_000, 'B catches up from storage');
      const caughtUpMs = Date.now() - backAt;
      const after = await sendTimed(onA, 'after', 5);
      await until(() => msgSeqs(onB.frames).length === all.length + 5, 5_000, 'live fan-out is back');
      expect(msgSeqs(onB.frames)).toEqual(Array.from({ length: all.length + 5 }, (_, i) => i + 1));
      expect(msgSeqs(onA.frames)).toEqual(Array.from({ length: all.length + 5 }, (_, i) => i + 1));

      // Nothing but acks and messages: no `internal` error, on either side.
      for (const socket of [onA, onB, late, onB2]) expect(errorsIn(socket.frames)).toEqual([]);
      // One WARN when Redis went away, one INFO when it came back, no ERROR, no line per request.
      for (const server of [a, b]) {
        expect(lines(server, /WARN redis_unreachable/)).toHaveLength(1);
        expect(lines(server, /INFO redis_reachable_again/)).toHaveLength(1);
        expect(lines(server, / ERROR /)).toEqual([]);
        expect(lines(server, /redis_/).length).toBeLessThanOrEqual(3);
      }
      expect(await metric(a, 'switchboard_broker_outages_total')).toBe(1);
      expect(await metric(a, 'switchboard_broker_fallbacks_total{kind="rate_limit"}')).toBeGreaterThan(0);
      expect(await metric(a, 'switchboard_broker_fallbacks_total{kind="presence"}')).toBeGreaterThan(0);
      expect(await metric(a, 'switchboard_broker_fallbacks_total{kind="publish"}')).toBeGreaterThan(0);
      expect(await metric(a, 'switchboard_broker_degraded_seconds_total')).toBeGreaterThan(0);

      const max = (xs: number[]) => Math.max(...xs).toFixed(0);
      const p50 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]?.toFixed(1);
      console.log(
        `redis ${fault}: noticed by /health after ${noticedMs} ms; outage ${outageMs} ms; B caught up ${caughtUpMs} ms after Redis was back; ack ms before p50 ${p50(before)} max ${max(before)}; during p50 ${p50(during)} max ${max(during)}; after p50 ${p50(after)} max ${max(after)}`,
      );
      for (const s of [onA, onB, late, onB2]) s.close();
    }, 60_000);
  }
});
