/**
 * PostgreSQL faults under traffic: one Switchboard process whose DATABASE_URL goes through a
 * fault-injecting TCP proxy (never the machine's PostgreSQL itself), SDK clients sending all the
 * time. Each fault: sends during it get `unavailable` with `retryAfterMs` within a bound, the SDK
 * resends them with the same clientMsgId, nothing acked is lost or stored twice, seqs stay
 * gap-free, a live subscriber sees every seq, the process recovers without a restart, and the log
 * has one line per outage, not one per request.
 *
 * NOTE: DATABASE_TIMEOUT_MS is 1500 here (default 5000) so that the stall and lock cases take
 * seconds; the mechanism is the same at any value.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MsgFrame } from '../../shared/protocol.js';
import { api, register, type TestUser } from '../support/api.js';
import { sdkClient, until } from '../support/clients.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { dropSchemas, freshSchema, pgUrl } from '../support/services.js';
import {
  checkStored,
  percentile,
  sendEvery,
  storedLog,
  type Target,
  type TrafficClient,
  trafficClient,
} from '../support/traffic.js';

const TIMEOUT_MS = 1500;
/** A send's wait for its answer: one batch ahead of it and its own, each cut at timeout + 1 s. */
const ANSWER_BOUND_MS = 2 * (TIMEOUT_MS + 1000) + 1000;

const schema = freshSchema();
let proxy: FaultProxy;
let server: ServerProcess;
let target: Target;
const users: TestUser[] = [];
const observed: MsgFrame[] = [];
let observer: ReturnType<typeof sdkClient>;
const measured: Record<string, unknown> = {};

beforeAll(async () => {
  proxy = await startFaultProxy(Number(new URL(pgUrl).port || 5432));
  server = await startServerProcess({
    env: {
      DATABASE_URL: proxy.url(pgUrl),
      DATABASE_SCHEMA: schema,
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      RATE_BURST: '100000',
      REPLAY_LIMIT: '100000',
    },
  });
  target = { label: 'a', url: server.url, wsUrl: server.wsUrl };
  for (let i = 0; i < 4; i++) users.push(await register(server.url));
  // A live subscriber from seq 0: it must end up with every stored seq, in order, once.
  observer = sdkClient(server.wsUrl, (users[0] as TestUser).token);
  observer.on('message', (m) => observed.push(m));
  observer.subscribe('room:general', { after: 0 });
  observer.connect();
  await until(() => observer.cursor('room:general') !== undefined, 10_000, 'observer subscribed');
}, 60_000);

afterAll(async () => {
  observer?.close();
  await server?.stop('SIGKILL');
  await proxy?.close();
  await dropSchemas([schema]);
  console.log(`faults-postgres measured: ${JSON.stringify(measured)}`);
});

/** Eight SDK clients (two per user), each sending every 100 ms. */
function startClients(): TrafficClient[] {
  return users.flatMap((u) => [trafficClient(u, () => target), trafficClient(u, () => target)]);
}

const ackCount = (clients: TrafficClient[]) => clients.reduce((n, c) => n + c.rec.acks.size, 0);
const errorsOf = (clients: TrafficClient[], code: string) =>
  clients.flatMap((c) => c.rec.errors.filter((e) => e.code === code));
const logLines = (from: number, pattern: RegExp) => server.logs.slice(from).filter((l) => pattern.test(l));

interface Outcome {
  unavailable: number;
  answerP50: number;
  answerMax: number;
  recoveryMs: number;
}

/**
 * Traffic before, during and after `fault`; `heal` ends it. Checks what every case must hold and
 * returns the numbers.
 */
async function underTraffic(
  label: string,
  fault: () => Promise<void> | void,
  during: (clients: TrafficClient[]) => Promise<void>,
  heal: () => Promise<void> | void,
): Promise<Outcome> {
  const clients = startClients();
  await until(() => clients.every((c) => c.client.state.status === 'online'), 10_000, 'clients online');
  const stop = sendEvery(clients, 100, label);
  try {
    await until(() => ackCount(clients) >= 40, 10_000, 'acks before the fault');
    await fault();
    await until(() => errorsOf(clients, 'unavailable').length >= 8, 15_000, 'sends refused with unavailable');
    await during(clients);
    const healedAt = Date.now();
    await heal();
    const acksAtHeal = ackCount(clients);
    await until(() => ackCount(clients) >= acksAtHeal + 1, 15_000, 'the first ack after healing');
    const recoveryMs =
      Math.min(
        ...clients.flatMap((c) => [...c.rec.acks.values()].map((a) => a.at).filter((at) => at >= healedAt)),
      ) - healedAt;
    await until(() => ackCount(clients) >= acksAtHeal + 40, 15_000, 'acks after healing');
    stop();
    await until(() => clients.every((c) => c.client.pending().length === 0), 20_000, 'every outbox empty');

    const unavailable = errorsOf(clients, 'unavailable');
    // Retryable, with a time to come back, and answered within the bound.
    for (const e of unavailable) {
      expect(e.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(e.retryAfterMs).toBeLessThan(2000);
    }
    const latencies = unavailable.flatMap((e) => (e.latencyMs === undefined ? [] : [e.latencyMs]));
    expect(Math.max(...latencies)).toBeLessThan(ANSWER_BOUND_MS);
    // The SDK resent every refused message with the same clientMsgId, and it was then acked.
    for (const c of clients) {
      for (const e of c.rec.errors.filter((x) => x.code === 'unavailable' && x.ref)) {
        const ref = e.ref as string;
        expect((c.rec.sends.get(ref) ?? []).some((at) => at > e.at)).toBe(true);
        expect(c.rec.acks.has(ref)).toBe(true);
      }
    }
    expect(errorsOf(clients, 'internal')).toEqual([]);

    const stored = await storedLog(schema);
    expect(checkStored(clients, stored)).toEqual([]);
    // The live subscriber has every seq exactly once, in order: no silent gap.
    const head = stored.seqs.length;
    await until(() => observer.cursor('room:general') === head, 10_000, 'observer at the head');
    expect(observed.map((m) => m.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    return {
      unavailable: unavailable.length,
      answerP50: percentile(latencies, 50),
      answerMax: Math.max(...latencies),
      recoveryMs,
    };
  } finally {
    stop();
    for (const c of clients) c.client.close();
  }
}

describe('PostgreSQL faults under traffic', () => {
  it('restart: every connection dropped and new ones refused for a moment', async () => {
    const logFrom = server.logs.length;
    const outcome = await underTraffic(
      'restart',
      async () => {
        await proxy.refuse();
        proxy.drop();
      },
      async () => {},
      () => proxy.pass(),
    );
    measured.restart = outcome;
    expect(logLines(logFrom, / WARN storage\.down /)).toHaveLength(1);
    expect(logLines(logFrom, / INFO storage\.up /)).toHaveLength(1);
    expect(logLines(logFrom, / ERROR /)).toEqual([]);
  }, 60_000);

  it('10 s outage: HTTP answers 503 unavailable with Retry-After, and all recovers without a restart', async () => {
    const logFrom = server.logs.length;
    let outageMs = 0;
    const outcome = await underTraffic(
      'outage',
      async () => {
        await proxy.refuse();
        proxy.drop();
        outageMs = Date.now();
      },
      async () => {
        const user = users[1] as TestUser;
        const rooms = await fetch(`${server.url}/api/rooms`, { headers: { cookie: user.cookie } });
        expect(rooms.status).toBe(503);
        expect(rooms.headers.get('retry-after')).toMatch(/^[12]$/);
        expect(((await rooms.json()) as { error: { code: string } }).error.code).toBe('unavailable');
        const health = await api(server.url, null, 'GET', '/api/health');
        expect(health.status).toBe(503);
        expect(health.json.storage.ok).toBe(false);
        // Out for 10 s in all, while the clients keep sending and retrying.
        await new Promise<void>((resolve) =>
          setTimeout(resolve, Math.max(0, outageMs + 10_000 - Date.now())),
        );
        outageMs = Date.now() - outageMs;
      },
      () => proxy.pass(),
    );
    measured.outage = { ...outcome, outageMs };
    expect(outageMs).toBeGreaterThanOrEqual(10_000);
    expect((await api(server.url, null, 'GET', '/api/health')).status).toBe(200);
    expect(logLines(logFrom, / WARN storage\.down /)).toHaveLength(1);
    expect(logLines(logFrom, / INFO storage\.up /)).toHaveLength(1);
    expect(logLines(logFrom, / ERROR /)).toEqual([]);
  }, 60_000);

  it('stalled network: queries cut by the client-side timeout, the event loop stays free', async () => {
    const logFrom = server.logs.length;
    let metricsMs = Number.POSITIVE_INFINITY;
    const outcome = await underTraffic(
      'stall',
      () => proxy.stall(),
      async () => {
        const started = Date.now();
        const res = await fetch(`${server.url}/metrics`);
        await res.text();
        metricsMs = Date.now() - started;
        expect(res.status).toBe(200);
      },
      () => proxy.pass(),
    );
    measured.stall = { ...outcome, metricsMs };
    expect(metricsMs).toBeLessThan(1000);
    expect(logLines(logFrom, / WARN storage\.down /)).toHaveLength(1);
    expect(logLines(logFrom, / INFO storage\.up /)).toHaveLength(1);
    expect(logLines(logFrom, / ERROR /)).toEqual([]);
  }, 60_000);

  it('a query hung in a lock: the statement timeout ends it with unavailable; /api/health answers meanwhile', async () => {
    const logFrom = server.logs.length;
    const locker = new pg.Client({ connectionString: pgUrl });
    await locker.connect();
    let healthMs = Number.POSITIVE_INFINITY;
    try {
      const outcome = await underTraffic(
        'lock',
        async () => {
          await locker.query('BEGIN');
          await locker.query(`LOCK TABLE ${pg.escapeIdentifier(schema)}.log IN ACCESS EXCLUSIVE MODE`);
        },
        async () => {
          const started = Date.now();
          const health = await api(server.url, null, 'GET', '/api/health');
          healthMs = Date.now() - started;
          expect(health.status).toBe(200);
        },
        () => locker.query('ROLLBACK').then(() => {}),
      );
      measured.lock = { ...outcome, healthMs };
    } finally {
      await locker.end();
    }
    expect(healthMs).toBeLessThan(1000);
    // Statements were cancelled; the database never went away.
    expect(logLines(logFrom, / WARN storage\.slow /)).toHaveLength(1);
    expect(logLines(logFrom, / storage\.(down|up) /)).toEqual([]);
    expect(logLines(logFrom, / ERROR /)).toEqual([]);
  }, 60_000);
});
