/**
 * Graceful drain under load: 200 SDK clients (180 on WebSocket, 20 long-polling) sending to
 * process A, which gets SIGTERM while a second process B on the same PostgreSQL keeps running (a
 * load balancer sends new connections to B once A drains). A must commit and acknowledge what it
 * received, close sockets with 1001 and answer held polls with the close and `retryAfterMs`, and
 * exit 0 within the bound; the clients move to B and resend what was not acknowledged with the
 * same clientMsgId, so every message is stored exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { register, type TestUser } from '../support/api.js';
import { until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { dropSchemas, freshSchema, pgUrl } from '../support/services.js';
import { checkStored, sendEvery, storedLog, type Target, trafficClient } from '../support/traffic.js';

const schema = freshSchema();
const running: ServerProcess[] = [];

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  await dropSchemas([schema]);
});

/** SHUTDOWN_TIMEOUT_MS's default: past it the process would exit 1. */
const DRAIN_BOUND_MS = 10_000;

describe('graceful drain under load', () => {
  it('SIGTERM with 200 clients sending: exit 0 within the bound, every message stored exactly once via B', async () => {
    const env = {
      DATABASE_URL: pgUrl,
      DATABASE_SCHEMA: schema,
      RATE_BURST: '100000',
      POLL_HOLD_MS: '5000',
      // 200 clients from one address on 20 accounts: the load, not the caps, is under test.
      MAX_CONNECTIONS_PER_IP: '0',
      MAX_CONNECTIONS_PER_USER: '0',
    };
    const a = await startServerProcess({ env });
    running.push(a);
    const b = await startServerProcess({ env });
    running.push(b);
    const targetA: Target = { label: 'a', url: a.url, wsUrl: a.wsUrl };
    const targetB: Target = { label: 'b', url: b.url, wsUrl: b.wsUrl };
    let aDraining = false;
    const pick = () => (aDraining ? targetB : targetA);

    const users: TestUser[] = [];
    for (let i = 0; i < 20; i++) users.push(await register(b.url));
    const clients = Array.from({ length: 200 }, (_, i) =>
      trafficClient(users[i % 20] as TestUser, pick, i % 10 === 9 ? 'polling' : 'websocket'),
    );
    const polling = clients.filter((c) => c.transport === 'polling');
    const sockets = clients.filter((c) => c.transport === 'websocket');
    expect(polling).toHaveLength(20);
    try {
      await until(
        () => clients.every((c) => c.client.state.status === 'online'),
        30_000,
        'all 200 online on A',
      );
      const acks = () => clients.reduce((n, c) => n + c.rec.acks.size, 0);
      let stop = sendEvery(clients, 400, 'drain');
      try {
        await until(() => acks() >= 600, 30_000, 'traffic on A');
        // Polling clients quiet (nothing unacked, so no send request in flight): what they have
        // at A when SIGTERM comes is their held poll, which the drain must answer.
        stop();
        await until(
          () => polling.every((c) => c.client.pending().length === 0),
          10_000,
          'polling sends acked',
        );
        // A burst from every WebSocket client, and SIGTERM in the same breath: A is left holding
        // sends it has received (to commit and ack) and sends still on the wire (to resend to B).
        const burst = sockets.map((c, i) => c.client.send('room:general', `burst c${i}`).clientMsgId);
        const unackedAtSigterm = clients.reduce((n, c) => n + c.client.pending().length, 0);
        aDraining = true;
        const sigtermAt = Date.now();
        a.proc.kill('SIGTERM');
        // And sends that reach A while it drains: not handled there, so resent to B.
        const late = sockets.map((c, i) => c.client.send('room:general', `late c${i}`).clientMsgId);
        const code = await a.exited;
        const exitedAt = Date.now();
        const drainMs = exitedAt - sigtermAt;
        stop = sendEvery(clients, 400, 'after');
        const ackedBy = (ids: string[], at: number) =>
          sockets.filter((c, i) => (c.rec.acks.get(ids[i] as string)?.at ?? at) < at).length;
        const burstAckedByA = sockets.filter(
          (c, i) => (c.rec.acks.get(burst[i] as string)?.at ?? exitedAt) < exitedAt,
        ).length;
        expect(code).toBe(0);
        expect(drainMs).toBeLessThan(DRAIN_BOUND_MS);

        const acksAtExit = acks();
        await until(() => acks() >= acksAtExit + 600, 30_000, 'traffic on B');
        stop();
        await until(
          () => clients.every((c) => c.client.pending().length === 0),
          30_000,
          'every outbox empty',
        );

        // Sockets were told 1001 (going away); held polls were answered with the close and a time
        // to come back. (A poll being re-issued at that instant gets 503 instead: 1006, retry.)
        for (const c of sockets) expect(c.rec.closes.map((x) => x.code)).toContain(1001);
        for (const c of polling)
          expect(c.rec.closes.some((x) => x.code === 1001 || x.code === 1006)).toBe(true);
        const pollCloses = polling.flatMap((c) => c.rec.closes.filter((x) => x.code === 1001));
        expect(pollCloses.length).toBeGreaterThanOrEqual(15);
        for (const x of pollCloses) {
          expect(x.retryAfterMs).toBeGreaterThanOrEqual(0);
          expect(x.retryAfterMs).toBeLessThan(1000);
        }
        // Everyone moved to B and is online there.
        for (const c of clients) expect(c.rec.attempts.get('b') ?? 0).toBeGreaterThan(0);
        await until(
          () => clients.every((c) => c.client.state.status === 'online'),
          10_000,
          'all online on B',
        );

        const stored = await storedLog(schema);
        expect(checkStored(clients, stored)).toEqual([]);
        const sent = clients.reduce((n, c) => n + c.rec.acks.size, 0);
        expect(stored.seqs.length).toBe(sent);
        for (const [i, c] of sockets.entries()) {
          expect(c.rec.acks.has(burst[i] as string)).toBe(true);
          expect(c.rec.acks.has(late[i] as string)).toBe(true);
        }
        expect(a.logs.filter((l) => / ERROR /.test(l))).toEqual([]);
        const stopped = a.logs.find((l) => / server\.stopped /.test(l));
        console.log(
          `drain measured: ${JSON.stringify({
            drainMs,
            stoppedLine: stopped?.replace(/^\S+ /, ''),
            unackedAtSigterm,
            burstAckedByA,
            lateAckedByA: ackedBy(late, exitedAt),
            messages: sent,
            pollCloses: pollCloses.length,
          })}`,
        );
      } finally {
        stop();
      }
    } finally {
      for (const c of clients) c.client.close();
    }
    // NOTE: the drain's own bound is DRAIN_BOUND_MS, asserted above. This is the whole test's:
    // 200 clients connecting and sending on a 2-core machine busy with other work took over 60 s
    // once, every step within its own wait.
  }, 180_000);
});
