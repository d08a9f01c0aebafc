import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Broker } from '../../server/broker/broker.js';
import { createMemoryBroker } from '../../server/broker/memory.js';
import type { UserRef } from '../../shared/protocol.js';
import { runBrokerContract } from './broker.contract.js';

runBrokerContract('memory', async () => createMemoryBroker({ sweepMs: 20 }));

describe('memory broker (fake clock)', () => {
  const alice: UserRef = { id: 'u-alice', name: 'alice' };
  let broker: Broker;
  let expired: [string, UserRef][];

  beforeEach(() => {
    // Installed before the broker is created, so its default clock and sweep timer are both fake.
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    broker = createMemoryBroker({ sweepMs: 1_000 });
    expired = [];
    broker.onPresenceExpired((stream, user) => expired.push([stream, user]));
  });
  afterEach(async () => {
    await broker.close();
    vi.useRealTimers();
  });

  it('an entry is listed until its ttl and gone at it; expiry fires at the next sweep', async () => {
    await broker.presenceJoin('room:lobby', alice, 'conn-1', 300);

    vi.advanceTimersByTime(299);
    expect(await broker.presenceList('room:lobby')).toEqual([alice]);
    vi.advanceTimersByTime(1);
    expect(await broker.presenceList('room:lobby')).toEqual([]);
    expect(expired).toEqual([]);

    vi.advanceTimersByTime(700);
    expect(expired).toEqual([['room:lobby', alice]]);
    vi.advanceTimersByTime(5_000);
    expect(expired).toHaveLength(1);
  });

  it('a user whose only entry expired but was not yet swept is absent: joining again is a first join', async () => {
    await broker.presenceJoin('room:lobby', alice, 'conn-1', 100);
    vi.advanceTimersByTime(500); // expired, and no sweep yet
    expect(await broker.presenceList('room:lobby')).toEqual([]);

    // Anyone who took a snapshot just now saw alice absent, so this must be announced as a join.
    expect(await broker.presenceJoin('room:lobby', alice, 'conn-2', 60_000)).toBe(true);

    vi.advanceTimersByTime(1_000);
    expect(await broker.presenceList('room:lobby')).toEqual([alice]);
    expect(expired).toEqual([]);
  });

  it('leaving the last live connection is the last leave, even if an expired one was not yet swept', async () => {
    await broker.presenceJoin('room:lobby', alice, 'conn-short', 100);
    await broker.presenceJoin('room:lobby', alice, 'conn-long', 60_000);
    vi.advanceTimersByTime(500); // conn-short expired, no sweep yet

    expect(await broker.presenceLeave('room:lobby', alice.id, 'conn-long')).toBe(true);

    // The leave was announced, so the sweep must not announce it a second time.
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
  });

  it('consume earns tokens back continuously, one per refillMs, never beyond the burst', async () => {
    const rule = { burst: 2, refillMs: 100 };
    expect(await broker.consume('k', rule)).toEqual({ ok: true });
    expect(await broker.consume('k', rule)).toEqual({ ok: true });

    vi.advanceTimersByTime(40);
    expect(await broker.consume('k', rule)).toEqual({ ok: false, retryAfterMs: 60 });
    vi.advanceTimersByTime(60);
    expect(await broker.consume('k', rule)).toEqual({ ok: true });

    vi.advanceTimersByTime(10_000);
    expect(await broker.consume('k', rule)).toEqual({ ok: true });
    expect(await broker.consume('k', rule)).toEqual({ ok: true });
    expect((await broker.consume('k', rule)).ok).toBe(false);
  });

  it('an injected now() drives expiry and refill without timers', async () => {
    let clock = 0;
    const manual = createMemoryBroker({ sweepMs: 60_000, now: () => clock });
    try {
      await manual.presenceJoin('room:lobby', alice, 'conn-1', 100);
      clock = 99;
      expect(await manual.presenceList('room:lobby')).toEqual([alice]);
      clock = 100;
      expect(await manual.presenceList('room:lobby')).toEqual([]);

      const rule = { burst: 1, refillMs: 1_000 };
      expect(await manual.consume('k', rule)).toEqual({ ok: true });
      expect(await manual.consume('k', rule)).toEqual({ ok: false, retryAfterMs: 1_000 });
      clock += 1_000;
      expect(await manual.consume('k', rule)).toEqual({ ok: true });
    } finally {
      await manual.close();
    }
  });
});
