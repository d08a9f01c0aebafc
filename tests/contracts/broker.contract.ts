/**
 * The broker contract: the behaviour every `Broker` implementation must have, written against the
 * interface only. The memory broker runs it today; Redis will run the same suite.
 *
 * Delivery may be asynchronous (Redis), so positive checks wait for a message, and negative checks
 * ("nothing else arrived") are made after a later sentinel on the same connection has arrived.
 *
 * @example
 * runBrokerContract('memory', async () => createMemoryBroker({ sweepMs: 20 }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, BrokerMessage } from '../../server/broker/broker.js';
import type { UserRef } from '../../shared/protocol.js';

/** The longest any wait in this suite may take; expiry must be noticed well within it. */
const WAIT_LIMIT_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_LIMIT_MS} ms waiting for ${what}`);
    await sleep(5);
  }
}

const alice: UserRef = { id: 'u-alice', name: 'alice' };
const bob: UserRef = { id: 'u-bob', name: 'bob' };
const carol: UserRef = { id: 'u-carol', name: 'carol' };

const byId = (users: UserRef[]): UserRef[] => [...users].sort((a, b) => a.id.localeCompare(b.id));

const msg = (stream: string, seq: number): BrokerMessage => ({
  type: 'msg',
  stream,
  seq,
  id: `id-${seq}`,
  ts: 1_700_000_000_000 + seq,
  from: alice,
  clientMsgId: `c${seq}`,
  text: `message ${seq}`,
});

/**
 * Defines the contract suite for one implementation. `open` must return a new broker with no
 * state shared with earlier ones, that notices expired presence within a few hundred ms (for the
 * memory broker: a short `sweepMs`).
 */
export function runBrokerContract(name: string, open: () => Promise<Broker>): void {
  describe(`Broker contract: ${name}`, () => {
    let broker: Broker;

    beforeEach(async () => {
      broker = await open();
    });
    afterEach(async () => {
      await broker.close();
    });

    /** Subscribes and collects what arrives. */
    const collect = (channel: string) => {
      const received: BrokerMessage[] = [];
      const off = broker.subscribe(channel, (message) => received.push(message));
      return { received, off };
    };

    describe('publish and subscribe', () => {
      it('publish reaches every subscriber of that channel, in publish order', async () => {
        const first = collect('s:room:lobby');
        const second = collect('s:room:lobby');

        broker.publish('s:room:lobby', msg('room:lobby', 1));
        broker.publish('s:room:lobby', { type: 'member', stream: 'room:lobby', joined: true });
        broker.publish('s:room:lobby', msg('room:lobby', 2));

        await waitFor(
          () => first.received.length === 3 && second.received.length === 3,
          'three messages each',
        );
        const expected = [
          msg('room:lobby', 1),
          { type: 'member', stream: 'room:lobby', joined: true },
          msg('room:lobby', 2),
        ];
        expect(first.received).toEqual(expected);
        expect(second.received).toEqual(expected);
      });

      it('publish reaches no other channel', async () => {
        const lobby = collect('s:room:lobby');
        const dev = collect('s:room:dev');
        const user = collect('u:u-alice');

        broker.publish('s:room:lobby', msg('room:lobby', 1));
        await waitFor(() => lobby.received.length === 1, 'the lobby message');
        // Sentinels published afterwards: once they arrive, anything misrouted would have too.
        broker.publish('s:room:dev', { type: 'pong' });
        broker.publish('u:u-alice', { type: 'revoke', sessionId: 'sess-1' });
        await waitFor(() => dev.received.length >= 1 && user.received.length >= 1, 'the sentinels');

        expect(dev.received).toEqual([{ type: 'pong' }]);
        expect(user.received).toEqual([{ type: 'revoke', sessionId: 'sess-1' }]);
      });

      it('publishing to a channel nobody subscribes to is harmless', async () => {
        expect(() => broker.publish('s:room:empty', msg('room:empty', 1))).not.toThrow();
      });

      it('unsubscribe stops delivery to that handler only; calling it twice is harmless', async () => {
        const leaving = collect('s:room:lobby');
        const staying = collect('s:room:lobby');
        broker.publish('s:room:lobby', msg('room:lobby', 1));
        await waitFor(() => leaving.received.length === 1 && staying.received.length === 1, 'message 1');

        leaving.off();
        leaving.off();
        broker.publish('s:room:lobby', msg('room:lobby', 2));
        await waitFor(() => staying.received.length === 2, 'message 2 for the staying handler');

        expect(leaving.received).toEqual([msg('room:lobby', 1)]);
        expect(staying.received).toEqual([msg('room:lobby', 1), msg('room:lobby', 2)]);
      });

      it('a channel whose last handler unsubscribed can be subscribed again', async () => {
        collect('s:room:lobby').off();
        const again = collect('s:room:lobby');
        broker.publish('s:room:lobby', msg('room:lobby', 1));
        await waitFor(() => again.received.length === 1, 'the message');
        expect(again.received).toEqual([msg('room:lobby', 1)]);
      });
    });

    describe('presence', () => {
      it('presenceJoin resolves true only for a user’s first connection in a stream', async () => {
        expect(await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000)).toBe(true);
        expect(await broker.presenceJoin('room:lobby', alice, 'conn-2', 60_000)).toBe(false);
        // Refreshing an existing connection is not a join either.
        expect(await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000)).toBe(false);
        expect(await broker.presenceJoin('room:lobby', bob, 'conn-3', 60_000)).toBe(true);
        // Presence is per stream.
        expect(await broker.presenceJoin('room:dev', alice, 'conn-1', 60_000)).toBe(true);
      });

      it('presenceLeave resolves true only when the user’s last connection leaves', async () => {
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000);
        await broker.presenceJoin('room:lobby', alice, 'conn-2', 60_000);

        expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-1')).toBe(false);
        expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-2')).toBe(true);
        // Leaving again, or leaving what never joined, is not a last leave.
        expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-2')).toBe(false);
        expect(await broker.presenceLeave('room:lobby', bob.id, 'conn-9')).toBe(false);
      });

      it('presenceLeave of an unknown connection keeps the user present', async () => {
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000);
        expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-unknown')).toBe(false);
        expect(await broker.presenceList('room:lobby')).toEqual([alice]);
      });

      it('after the last leave, the next join is a first join again', async () => {
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000);
        await broker.presenceLeave('room:lobby', alice.id, 'conn-1');
        expect(await broker.presenceJoin('room:lobby', alice, 'conn-2', 60_000)).toBe(true);
      });

      it('presenceList lists each present user once, however many connections, per stream', async () => {
        expect(await broker.presenceList('room:lobby')).toEqual([]);
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000);
        await broker.presenceJoin('room:lobby', alice, 'conn-2', 60_000);
        await broker.presenceJoin('room:lobby', bob, 'conn-3', 60_000);
        await broker.presenceJoin('room:dev', carol, 'conn-4', 60_000);

        expect(byId(await broker.presenceList('room:lobby'))).toEqual([alice, bob]);
        expect(await broker.presenceList('room:dev')).toEqual([carol]);

        await broker.presenceLeave('room:lobby', bob.id, 'conn-3');
        expect(await broker.presenceList('room:lobby')).toEqual([alice]);
      });

      it('an entry whose ttl passes disappears from presenceList and fires onPresenceExpired once', async () => {
        const expired: [string, UserRef][] = [];
        broker.onPresenceExpired((stream, user) => expired.push([stream, user]));
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 50);
        await broker.presenceJoin('room:lobby', bob, 'conn-2', 60_000);

        await waitFor(() => expired.length > 0, 'onPresenceExpired');

        expect(expired).toEqual([['room:lobby', alice]]);
        expect(await broker.presenceList('room:lobby')).toEqual([bob]);
        // The expired user joining again is a first join.
        expect(await broker.presenceJoin('room:lobby', alice, 'conn-5', 60_000)).toBe(true);
        await sleep(100);
        expect(expired).toHaveLength(1);
      });

      it('a user is not expired while another of their connections is still live', async () => {
        const expired: [string, UserRef][] = [];
        broker.onPresenceExpired((stream, user) => expired.push([stream, user]));
        await broker.presenceJoin('room:lobby', alice, 'conn-short', 50);
        await broker.presenceJoin('room:lobby', alice, 'conn-long', 60_000);

        await sleep(200);

        expect(expired).toEqual([]);
        expect(await broker.presenceList('room:lobby')).toEqual([alice]);
        // conn-short is gone: leaving conn-long is the last leave.
        expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-long')).toBe(true);
      });

      it('joining again with a longer ttl refreshes the entry, so it does not expire', async () => {
        const expired: [string, UserRef][] = [];
        broker.onPresenceExpired((stream, user) => expired.push([stream, user]));
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 50);
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 60_000);

        await sleep(200);

        expect(expired).toEqual([]);
        expect(await broker.presenceList('room:lobby')).toEqual([alice]);
      });

      it('a user who left before the ttl passed does not fire onPresenceExpired', async () => {
        const expired: [string, UserRef][] = [];
        broker.onPresenceExpired((stream, user) => expired.push([stream, user]));
        await broker.presenceJoin('room:lobby', alice, 'conn-1', 50);
        await broker.presenceLeave('room:lobby', alice.id, 'conn-1');

        await sleep(200);

        expect(expired).toEqual([]);
      });
    });

    describe('rate limits (consume)', () => {
      it('a burst of N tokens succeeds, the next fails with retryAfterMs > 0, and a token comes back after refillMs', async () => {
        const rule = { burst: 3, refillMs: 100 };
        for (let i = 0; i < 3; i++) expect(await broker.consume('send:u-alice', rule)).toEqual({ ok: true });

        const refused = await broker.consume('send:u-alice', rule);
        expect(refused.ok).toBe(false);
        const retryAfterMs = refused.ok ? 0 : refused.retryAfterMs;
        expect(retryAfterMs).toBeGreaterThan(0);
        expect(retryAfterMs).toBeLessThanOrEqual(rule.refillMs);

        await sleep(retryAfterMs + 20);
        expect(await broker.consume('send:u-alice', rule)).toEqual({ ok: true });
        // One token was earned back, not the whole burst.
        expect((await broker.consume('send:u-alice', rule)).ok).toBe(false);
      });

      it('buckets are independent per key', async () => {
        const rule = { burst: 1, refillMs: 60_000 };
        expect(await broker.consume('send:u-alice', rule)).toEqual({ ok: true });
        expect((await broker.consume('send:u-alice', rule)).ok).toBe(false);
        expect(await broker.consume('send:u-bob', rule)).toEqual({ ok: true });
        expect(await broker.consume('login:alice', rule)).toEqual({ ok: true });
      });

      it('a refused consume says to wait about one refill when the bucket is empty', async () => {
        const rule = { burst: 1, refillMs: 60_000 };
        await broker.consume('login:alice', rule);
        const refused = await broker.consume('login:alice', rule);
        expect(refused.ok).toBe(false);
        if (!refused.ok) {
          expect(refused.retryAfterMs).toBeGreaterThan(59_000);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
        }
      });
    });

    describe('connection slots', () => {
      const ip = (limit: number) => ({ key: 'ip:203.0.113.9', limit });
      const user = (limit: number) => ({ key: 'user:u-alice', limit });

      it('takes slots up to the limit and refuses the next, naming the full key', async () => {
        expect(await broker.acquireSlots([ip(2)], 'c1', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([ip(2)], 'c2', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([ip(2)], 'c3', 60_000)).toEqual({
          ok: false,
          key: 'ip:203.0.113.9',
        });
      });

      it('taking again with the same connId renews and never counts twice', async () => {
        expect(await broker.acquireSlots([ip(1)], 'c1', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([ip(1)], 'c1', 60_000)).toEqual({ ok: true });
        expect((await broker.acquireSlots([ip(1)], 'c2', 60_000)).ok).toBe(false);
      });

      it('takes under every key or none: a full user key leaves the ip slot untaken', async () => {
        expect(await broker.acquireSlots([user(1)], 'c1', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([ip(1), user(1)], 'c2', 60_000)).toEqual({
          ok: false,
          key: 'user:u-alice',
        });
        expect(await broker.acquireSlots([ip(1)], 'c3', 60_000)).toEqual({ ok: true });
      });

      it('a released slot is free again; releasing twice is harmless', async () => {
        await broker.acquireSlots([ip(1), user(1)], 'c1', 60_000);
        await broker.releaseSlots(['ip:203.0.113.9', 'user:u-alice'], 'c1');
        await broker.releaseSlots(['ip:203.0.113.9', 'user:u-alice'], 'c1');
        expect(await broker.acquireSlots([ip(1), user(1)], 'c2', 60_000)).toEqual({ ok: true });
      });

      it('a slot nobody renews expires after its ttl; a renewed one stays', async () => {
        await broker.acquireSlots([ip(2)], 'lapses', 150);
        await broker.acquireSlots([ip(2)], 'renewed', 150);
        await sleep(80);
        await broker.renewSlots([{ keys: ['ip:203.0.113.9'], connId: 'renewed' }], 60_000);
        await waitFor(
          async () => (await broker.acquireSlots([ip(2)], 'c3', 60_000)).ok,
          'the lapsed slot to free',
        );
        expect((await broker.acquireSlots([ip(2)], 'c4', 60_000)).ok).toBe(false);
      });

      it('keys are independent', async () => {
        expect(await broker.acquireSlots([{ key: 'ip:a', limit: 1 }], 'c1', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([{ key: 'ip:b', limit: 1 }], 'c1', 60_000)).toEqual({ ok: true });
        expect(await broker.acquireSlots([{ key: 'ip:b', limit: 1 }], 'c2', 60_000)).toEqual({
          ok: false,
          key: 'ip:b',
        });
      });
    });

    describe('lifecycle', () => {
      it('has a name', () => {
        expect(broker.name).toMatch(/\S/);
      });
    });
  });
}
