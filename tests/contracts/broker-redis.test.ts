/**
 * Redis runs the broker contract, each test under a key prefix of its own, plus what only a shared
 * Redis can show: two brokers on one Redis stand in for two Switchboard processes.
 *
 * Needs a server: TEST_REDIS_URL, or redis://127.0.0.1:6379. Without one the suite fails (CI has
 * one); it never skips. The outage test starts its own redis-server on a free port.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Broker, BrokerMessage } from '../../server/broker/broker.js';
import { createRedisBroker, type RedisBrokerOptions } from '../../server/broker/redis.js';
import { createLogger } from '../../server/log.js';
import type { UserRef } from '../../shared/protocol.js';
import { freePort, startRedis, stopProcess } from '../support/services.js';
import { runBrokerContract } from './broker.contract.js';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key this file makes starts with this; all are deleted at the end. */
const runPrefix = `sbtest:${randomBytes(6).toString('hex')}:`;
let opened = 0;
const freshPrefix = (): string => `${runPrefix}${++opened}:`;
/** The URL without its password, for messages. */
const redacted = (text: string): string => text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

let raw: Redis;

beforeAll(async () => {
  let cause = '';
  raw = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  raw.on('error', (err: Error) => {
    cause ||= err.message;
  });
  try {
    await raw.connect();
    await raw.ping();
  } catch (err) {
    raw.disconnect();
    throw new Error(
      `Redis is not reachable at ${redacted(url)} (${cause || (err as Error).message}). ` +
        'These tests need it: start redis-server or set TEST_REDIS_URL.',
    );
  }
});

afterAll(async () => {
  if (raw?.status !== 'ready') return;
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await raw.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await raw.quit();
});

// NOTE: the contract is what Redis answers, not the fallbacks taken when it is slow (faults-redis
// tests those): a generous timeout keeps a busy machine from turning a slow answer into a local one.
runBrokerContract('redis', async () =>
  createRedisBroker({ url, keyPrefix: freshPrefix(), sweepMs: 20, timeoutMs: 5000 }),
);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, limitMs = 2_000) {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const alice: UserRef = { id: 'u-alice', name: 'alice' };
const bob: UserRef = { id: 'u-bob', name: 'bob' };
const msg = (seq: number): BrokerMessage => ({
  type: 'msg',
  stream: 'room:lobby',
  seq,
  id: `id-${seq}`,
  ts: 1_700_000_000_000 + seq,
  from: alice,
  clientMsgId: `c${seq}`,
  text: `message ${seq}`,
});

describe('Redis broker', () => {
  const brokers: Broker[] = [];
  const open = (options: Partial<RedisBrokerOptions> & { keyPrefix: string }): Broker => {
    const broker = createRedisBroker({ url, sweepMs: 20, timeoutMs: 5000, ...options });
    brokers.push(broker);
    return broker;
  };
  /** Two "processes" on one Redis, sharing one prefix. */
  const pair = (): [Broker, Broker, string] => {
    const keyPrefix = freshPrefix();
    return [open({ keyPrefix }), open({ keyPrefix }), keyPrefix];
  };
  afterEach(async () => {
    for (const broker of brokers.splice(0)) await broker.close();
  });

  /**
   * Subscribes, and resolves once the subscription is live in Redis: a sentinel published straight
   * to Redis, as another process would (the broker's own publishes are delivered locally at once,
   * so they cannot tell), has come back.
   */
  const subscribed = async (broker: Broker, channel: string, keyPrefix: string) => {
    const received: BrokerMessage[] = [];
    broker.subscribe(channel, (message) => received.push(message));
    const sentinel = JSON.stringify({ o: 'test-sentinel', m: { type: 'pong' } });
    await waitFor(async () => {
      await raw.publish(`${keyPrefix}ch:${channel}`, sentinel);
      await new Promise((r) => setTimeout(r, 10));
      return received.length > 0;
    }, 'the sentinel');
    received.length = 0;
    return received;
  };

  it('a publish on one process reaches a subscriber on another', async () => {
    const [a, b, keyPrefix] = pair();
    const onB = await subscribed(b, 's:room:lobby', keyPrefix);

    a.publish('s:room:lobby', msg(1));
    a.publish('s:room:lobby', { type: 'member', stream: 'room:lobby', joined: false });
    a.publish('s:room:lobby', msg(2));

    await waitFor(() => onB.length === 3, 'three messages on B');
    expect(onB).toEqual([msg(1), { type: 'member', stream: 'room:lobby', joined: false }, msg(2)]);
  });

  it('presence joined on one process is listed on another, and the last leave can come from either', async () => {
    const [a, b] = pair();

    expect(await a.presenceJoin('room:lobby', alice, 'conn-a', 60_000)).toBe(true);
    // Alice's second connection, on the other process, is not a first join.
    expect(await b.presenceJoin('room:lobby', alice, 'conn-b', 60_000)).toBe(false);
    expect(await b.presenceJoin('room:lobby', bob, 'conn-c', 60_000)).toBe(true);

    const sorted = (users: UserRef[]) => [...users].sort((x, y) => x.id.localeCompare(y.id));
    expect(sorted(await b.presenceList('room:lobby'))).toEqual([alice, bob]);
    expect(sorted(await a.presenceList('room:lobby'))).toEqual([alice, bob]);

    expect(await b.presenceLeave('room:lobby', alice.id, 'conn-a')).toBe(false);
    expect(await a.presenceLeave('room:lobby', alice.id, 'conn-b')).toBe(true);
    expect(await a.presenceList('room:lobby')).toEqual([bob]);
  });

  it('a rate limit used up on one process is used up on the other', async () => {
    const [a, b] = pair();
    const rule = { burst: 3, refillMs: 60_000 };

    for (let i = 0; i < 3; i++) expect(await a.consume('send:u-alice', rule)).toEqual({ ok: true });

    const refused = await b.consume('send:u-alice', rule);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(59_000);
  });

  it('concurrent consumes from two processes never grant more than the burst', async () => {
    const [a, b] = pair();
    const rule = { burst: 10, refillMs: 60_000 };

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).consume('login:alice', rule)),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(10);
  });

  it('with both processes sweeping, each expired user is reported once, by one of them', async () => {
    const [a, b] = pair();
    const reports: string[] = [];
    a.onPresenceExpired((stream, user) => reports.push(`${stream} ${user.id} ${user.name}`));
    b.onPresenceExpired((stream, user) => reports.push(`${stream} ${user.id} ${user.name}`));
    const users = Array.from({ length: 8 }, (_, i): UserRef => ({ id: `u-${i}`, name: `user ${i}` }));

    for (const [i, user] of users.entries()) {
      await (i % 2 === 0 ? a : b).presenceJoin(i < 4 ? 'room:lobby' : 'room:dev', user, `conn-${i}`, 50);
    }
    await waitFor(() => reports.length >= 8, 'eight expiries');
    await sleep(150); // a few more sweeps on both

    expect([...reports].sort()).toEqual(
      users.map((user, i) => `${i < 4 ? 'room:lobby' : 'room:dev'} ${user.id} ${user.name}`).sort(),
    );
    expect(await a.presenceList('room:lobby')).toEqual([]);
    expect(await b.presenceList('room:dev')).toEqual([]);
  });

  it('a process that reports no expiries leaves them to one that does', async () => {
    const [quiet, listening] = pair();
    const reports: UserRef[] = [];
    listening.onPresenceExpired((_stream, user) => reports.push(user));

    await quiet.presenceJoin('room:lobby', alice, 'conn-1', 50);

    await waitFor(() => reports.length === 1, 'the expiry');
    expect(reports).toEqual([alice]);
  });

  it('messages that are not valid broker messages are dropped and counted; valid ones still arrive', async () => {
    const keyPrefix = freshPrefix();
    const lines: string[] = [];
    const broker = open({ keyPrefix, log: createLogger('debug', (line) => lines.push(line)) });
    const received = await subscribed(broker, 's:room:lobby', keyPrefix);
    const channel = `${keyPrefix}ch:s:room:lobby`;
    const envelope = (m: string) => `{"o":"other-process","m":${m}}`;

    for (const bad of [
      'not json',
      '{"type":"revoke","sessionId":"no envelope"}',
      envelope('[1,2]'),
      envelope('{"type":"__proto__"}'),
      envelope('{"type":"msg","stream":"room:lobby"}'),
      envelope('{"type":"member","stream":1,"joined":true}'),
      envelope('{"type":"revoke"}'),
    ]) {
      await raw.publish(channel, bad);
    }
    await raw.publish(
      channel,
      envelope(JSON.stringify({ type: 'revoke', sessionId: 's-1', extra: 'dropped' })),
    );

    await waitFor(() => received.length === 1, 'the valid message');
    expect(received).toEqual([{ type: 'revoke', sessionId: 's-1' }]);
    expect(broker.health?.().detail).toMatch(/7 invalid messages/);
    // Logged once, not once per message.
    expect(lines.filter((line) => line.includes('broker_message_dropped'))).toHaveLength(1);
  });

  it('a handler that throws does not stop the other handlers or later messages', async () => {
    const keyPrefix = freshPrefix();
    const broker = open({ keyPrefix, log: createLogger('silent') });
    broker.subscribe('s:room:lobby', () => {
      throw new Error('handler bug');
    });
    const received = await subscribed(broker, 's:room:lobby', keyPrefix);

    broker.publish('s:room:lobby', msg(1));
    broker.publish('s:room:lobby', msg(2));

    await waitFor(() => received.length === 2, 'both messages');
    expect(received).toEqual([msg(1), msg(2)]);
  });

  it('connection slots taken on one process count on the other', async () => {
    const [a, b] = pair();
    const claim = [{ key: 'ip:198.51.100.7', limit: 2 }];
    expect(await a.acquireSlots(claim, 'a1', 60_000)).toEqual({ ok: true });
    expect(await b.acquireSlots(claim, 'b1', 60_000)).toEqual({ ok: true });
    expect(await a.acquireSlots(claim, 'a2', 60_000)).toEqual({ ok: false, key: 'ip:198.51.100.7' });
    await b.releaseSlots(['ip:198.51.100.7'], 'b1');
    expect(await a.acquireSlots(claim, 'a2', 60_000)).toEqual({ ok: true });
  });

  it('with Redis unreachable, slots are counted in the process within a fraction of a second', async () => {
    const port = await freePort();
    const broker = open({ url: `redis://127.0.0.1:${port}`, keyPrefix: freshPrefix() });
    // As the server does at start-up: the first connection attempt is waited for once, before any
    // request, so no request ever waits for it.
    await (broker as ReturnType<typeof createRedisBroker>).ready();
    const claim = [{ key: 'user:u-1', limit: 1 }];
    const started = Date.now();
    expect(await broker.acquireSlots(claim, 'c1', 60_000)).toEqual({ ok: true });
    expect(await broker.acquireSlots(claim, 'c2', 60_000)).toEqual({ ok: false, key: 'user:u-1' });
    await broker.releaseSlots(['user:u-1'], 'c1');
    expect(await broker.acquireSlots(claim, 'c2', 60_000)).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('health is ok while connected, and the broker is named redis', async () => {
    const broker = open({ keyPrefix: freshPrefix() });
    await waitFor(() => broker.health?.().ok === true, 'a healthy broker');
    expect(broker.name).toBe('redis');
    expect(broker.health?.().detail).toMatch(/connected/);
  });
});

describe('Redis broker when Redis goes away', () => {
  let server: ChildProcess | null = null;
  let broker: Broker | null = null;

  const stop = (child: ChildProcess | null) => stopProcess(child);

  afterEach(async () => {
    await broker?.close();
    broker = null;
    await stop(server);
    server = null;
  });

  it('does not throw while Redis is down, falls back for rate limits, reports one outage, and recovers with its subscriptions', async () => {
    if (spawnSync('redis-server', ['--version']).error) {
      throw new Error('redis-server is not on PATH; this test starts its own (apt-get install redis-server)');
    }
    const port = await freePort();
    server = await startRedis(port);
    const lines: string[] = [];
    broker = createRedisBroker({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'outage:',
      sweepMs: 50,
      log: createLogger('debug', (line) => lines.push(line)),
    });
    const live = broker;
    const received: BrokerMessage[] = [];
    live.subscribe('s:room:lobby', (message) => received.push(message));
    live.onPresenceExpired(() => {});
    await waitFor(() => live.health?.().ok === true, 'the first connection');
    live.publish('s:room:lobby', msg(1));
    await waitFor(() => received.length === 1, 'the first message');

    await stop(server);
    await waitFor(() => live.health?.().ok === false, 'the broker to notice');

    expect(() => live.publish('s:room:lobby', msg(2))).not.toThrow();
    const started = Date.now();
    // Presence falls back to this process's own entries, at once: never an error for the caller.
    expect(await live.presenceJoin('room:lobby', alice, 'conn-1', 60_000)).toBe(true);
    expect(await live.presenceList('room:lobby')).toEqual([alice]);
    // Answering at once: not a command timeout, nor the 3 s wait for a first connection.
    expect(Date.now() - started).toBeLessThan(200);
    // A local bucket stands in: still a limit, not a free-for-all.
    const rule = { burst: 1, refillMs: 60_000 };
    expect(await live.consume('login:alice', rule)).toEqual({ ok: true });
    expect((await live.consume('login:alice', rule)).ok).toBe(false);
    expect(live.health?.().detail).toMatch(/^redis 127\.0\.0\.1:\d+: commands \w+, subscriber \w+/);
    await sleep(300); // several failed reconnects and sweeps: still one line

    server = await startRedis(port);
    await waitFor(() => live.health?.().ok === true, 'the broker to reconnect', 5_000);
    // A publish during the outage still reached this process's own subscriber (fan-out within a
    // process does not go through Redis); other processes lost it, and catch up from the log.
    expect(received).toEqual([msg(1), msg(2)]);
    // The channel is subscribed again without anyone asking: another process's publish arrives.
    const otherProcess = new Redis(port, '127.0.0.1');
    try {
      let seq = 3;
      await waitFor(
        async () => {
          await otherProcess.publish('outage:ch:s:room:lobby', JSON.stringify({ o: 'other', m: msg(seq++) }));
          await sleep(20);
          return received.length > 2;
        },
        'a message from another process after the restart',
        3_000,
      );
    } finally {
      otherProcess.disconnect();
    }
    // Redis kept nothing across its restart: the join is a first join there.
    expect(await live.presenceJoin('room:lobby', alice, 'conn-1', 60_000)).toBe(true);

    expect(
      lines.filter((line) => line.includes('redis_unreachable')),
      lines.join('\n'),
    ).toHaveLength(1);
    expect(lines.filter((line) => line.includes('redis_reachable_again'))).toHaveLength(1);
  });

  it('a hung Redis (SIGSTOP) costs one call at most the timeout; then presence, rate limits and expiry answer locally at once; SIGCONT brings it back', async () => {
    const port = await freePort();
    server = await startRedis(port);
    const lines: string[] = [];
    const faults = { outages: 0, fallbacks: [] as string[], degraded: 0 };
    broker = createRedisBroker({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'hang:',
      sweepMs: 50,
      timeoutMs: 150,
      log: createLogger('debug', (line) => lines.push(line)),
      faults: {
        outage: () => faults.outages++,
        fallback: (kind) => faults.fallbacks.push(kind),
        degradedSeconds: (seconds) => {
          faults.degraded += seconds;
        },
      },
    });
    const live = broker;
    const expired: string[] = [];
    live.onPresenceExpired((_stream, user) => expired.push(user.id));
    await waitFor(() => live.health?.().ok === true, 'the first connection');
    expect(await live.check?.()).toMatchObject({ status: 'ok' });
    expect(await live.presenceJoin('room:lobby', bob, 'conn-bob', 60_000)).toBe(true);

    server?.kill('SIGSTOP');
    try {
      const rule = { burst: 2, refillMs: 60_000 };
      const times: number[] = [];
      const timed = async <T>(work: Promise<T>): Promise<T> => {
        const started = Date.now();
        const result = await work;
        times.push(Date.now() - started);
        return result;
      };
      expect(await timed(live.consume('send:alice', rule))).toEqual({ ok: true });
      expect(await timed(live.consume('send:alice', rule))).toEqual({ ok: true });
      expect((await timed(live.consume('send:alice', rule))).ok).toBe(false);
      // The first call waited for the timeout; every later one was answered locally at once.
      expect(times[0]).toBeLessThan(400);
      expect(Math.max(...times.slice(1))).toBeLessThan(50);
      // Presence is this process's own: bob (joined before) and alice; a short entry expires here.
      expect(await timed(live.presenceJoin('room:lobby', alice, 'conn-a', 60))).toBe(true);
      const sorted = (users: UserRef[]) => [...users].sort((x, y) => x.id.localeCompare(y.id));
      expect(sorted(await timed(live.presenceList('room:lobby')))).toEqual([alice, bob]);
      await waitFor(() => expired.includes(alice.id), 'the local expiry');
      expect(Math.max(...times.slice(1))).toBeLessThan(50);
      const check = await live.check?.();
      expect(check).toMatchObject({ status: 'degraded', latencyMs: null });
      expect(check?.detail).toMatch(/no answer within 150 ms/);
      await waitFor(() => faults.degraded > 0.3, 'degraded time counted while it lasts');
    } finally {
      server?.kill('SIGCONT');
    }
    await waitFor(() => live.health?.().ok === true, 'Redis answering again', 5_000);
    expect(await live.check?.()).toMatchObject({ status: 'ok' });
    expect(faults.outages).toBe(1);
    expect(new Set(faults.fallbacks)).toEqual(new Set(['rate_limit', 'presence']));
    expect(lines.filter((line) => / WARN redis_unreachable/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => / INFO redis_reachable_again/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /redis_/.test(line))).toHaveLength(2);
  });
});
