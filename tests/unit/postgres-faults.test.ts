/** How PostgreSQL failures are classified, and the one-line-per-event log of an outage. */
import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.js';
import {
  classifyPostgresError,
  createFaultTracker,
  guardStorage,
} from '../../server/storage/postgres-faults.js';
import { StorageUnavailableError } from '../../server/storage/unavailable.js';

const dbError = (code: string) => Object.assign(new DatabaseError('boom', 0, 'error'), { code });
const sysError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyPostgresError', () => {
  it.each([
    [sysError('ECONNREFUSED'), 'down'],
    [sysError('ECONNRESET'), 'down'],
    [new Error('Connection terminated unexpectedly'), 'down'],
    [new Error('Query read timeout'), 'down'],
    [new Error('Connection terminated due to connection timeout'), 'down'],
    [new Error('timeout exceeded when trying to connect'), 'down'],
    [dbError('57P01'), 'down'],
    [dbError('08006'), 'down'],
    [dbError('53300'), 'down'],
    [dbError('57014'), 'busy'],
    [dbError('55P03'), 'busy'],
    [dbError('23505'), null],
    [new Error('append: (u, c) conflicted, yet no entry holds it'), null],
    ['not an error', null],
  ])('%s is %s', (err, fault) => {
    expect(classifyPostgresError(err)).toBe(fault);
  });

  it('a pool wait that timed out with every connection busy is busy, not down', () => {
    expect(classifyPostgresError(new Error('timeout exceeded when trying to connect'), true)).toBe('busy');
  });
});

describe('the fault tracker', () => {
  it('logs one storage.down and one storage.up per outage, however many operations fail', () => {
    const lines: string[] = [];
    let now = 1000;
    const tracker = createFaultTracker(
      createLogger('info', (l) => lines.push(l)),
      () => now,
    );
    for (let i = 0; i < 50; i++) tracker.failed('down', new Error('Connection terminated unexpectedly'));
    now = 11_000;
    tracker.succeeded();
    tracker.succeeded();
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([
      'WARN storage.down',
      'INFO storage.up',
    ]);
    expect(lines[1]).toContain('down_ms=10000 failed=50');
  });

  it('logs storage.slow once per 10 s burst, with how many were left out', () => {
    const lines: string[] = [];
    let now = 0;
    const tracker = createFaultTracker(
      createLogger('info', (l) => lines.push(l)),
      () => now,
    );
    for (let i = 0; i < 5; i++) tracker.failed('busy', dbError('57014'));
    now = 10_000;
    tracker.failed('busy', dbError('57014'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('suppressed=4');
  });
});

describe('guardStorage', () => {
  it('turns classified failures into StorageUnavailableError with retryAfterMs, and passes others through', async () => {
    const tracker = createFaultTracker(createLogger('silent'));
    const store = {
      name: 'x',
      down: async () => Promise.reject(sysError('ECONNREFUSED')),
      bug: async () => Promise.reject(new TypeError('bug')),
      ok: async () => 42,
    };
    const guarded = guardStorage(
      store,
      (err) => classifyPostgresError(err),
      tracker,
      () => 0.5,
    );
    const err = await guarded.down().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as StorageUnavailableError).retryAfterMs).toBe(1500);
    expect(tracker.down).toBe(true);
    await expect(guarded.bug()).rejects.toBeInstanceOf(TypeError);
    expect(await guarded.ok()).toBe(42);
    expect(tracker.down).toBe(false);
    expect(guarded.name).toBe('x');
  });
});
