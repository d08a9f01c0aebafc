import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommitter } from '../../server/hub/committer.js';
import { openSqliteStorage } from '../../server/storage/sqlite.js';
import type { AppendInput, AppendResult, LogStore, Storage } from '../../server/storage/storage.js';

const input = (clientMsgId: string, overrides: Partial<AppendInput> = {}): AppendInput => ({
  stream: 'room:lobby',
  senderId: 'u-alice',
  senderName: 'alice',
  clientMsgId,
  kind: 'msg',
  body: JSON.stringify({ text: clientMsgId }),
  ...overrides,
});

/** A body the real SQLite schema refuses (NOT NULL), so the whole append transaction fails. */
const unstorable = (clientMsgId: string): AppendInput =>
  ({ ...input(clientMsgId), body: null }) as unknown as AppendInput;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('committer (group commit)', () => {
  let storage: Storage;
  /** The clientMsgIds of each `append` call that reached the store, in call order. */
  let calls: string[][];
  let inFlight: number;
  let maxInFlight: number;
  /** Milliseconds each append waits before reaching SQLite, to widen the in-flight window. */
  let appendDelayMs: number;

  /** The real SQLite store, wrapped only to observe how it is called. */
  let store: LogStore;

  beforeEach(() => {
    storage = openSqliteStorage({ file: ':memory:' });
    calls = [];
    inFlight = 0;
    maxInFlight = 0;
    appendDelayMs = 0;
    store = {
      async append(inputs) {
        calls.push(inputs.map((i) => i.clientMsgId));
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (appendDelayMs > 0) await sleep(appendDelayMs);
          return await storage.append(inputs);
        } finally {
          inFlight--;
        }
      },
      readAfter: (...args) => storage.readAfter(...args),
      readBefore: (...args) => storage.readBefore(...args),
      head: (stream) => storage.head(stream),
    };
  });
  afterEach(async () => {
    await storage.close();
  });

  it('commits made in the same event-loop turn reach the store in one append call', async () => {
    const committer = createCommitter(store);

    const results = await Promise.all(
      ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => committer.commit(input(id))),
    );

    expect(calls).toEqual([['c1', 'c2', 'c3', 'c4', 'c5']]);
    expect(results.map((r) => [r.status, r.entry.clientMsgId, r.entry.seq])).toEqual([
      ['created', 'c1', 1],
      ['created', 'c2', 2],
      ['created', 'c3', 3],
      ['created', 'c4', 4],
      ['created', 'c5', 5],
    ]);
  });

  it('commits in different turns go in separate appends', async () => {
    const committer = createCommitter(store);

    const first = await committer.commit(input('c1'));
    const second = await committer.commit(input('c2'));

    expect(calls).toEqual([['c1'], ['c2']]);
    expect([first.entry.seq, second.entry.seq]).toEqual([1, 2]);
  });

  it('results resolve in commit order, each with its own result', async () => {
    const committer = createCommitter(store);
    const settled: string[] = [];

    const pending = [
      committer.commit(input('c1')),
      committer.commit(input('c1')), // a duplicate of the first, in the same batch
      committer.commit(input('c1', { body: '{"text":"changed"}' })), // a conflict
      committer.commit(input('c2', { stream: 'room:dev' })),
    ].map((promise, i) =>
      promise.then((result) => {
        settled.push(`${i}:${result.status}`);
        return result;
      }),
    );
    const results = await Promise.all(pending);

    expect(settled).toEqual(['0:created', '1:duplicate', '2:conflict', '3:created']);
    expect(results[1]?.entry).toEqual(results[0]?.entry);
    expect(results[2]?.entry).toEqual(results[0]?.entry);
    expect(results[3]?.entry).toMatchObject({ stream: 'room:dev', seq: 1 });
    expect(calls).toHaveLength(1);
  });

  it('a store failure rejects every pending commit of that batch, stores none of it, and later commits still work', async () => {
    const committer = createCommitter(store);

    const batch = [
      committer.commit(input('c1')),
      committer.commit(unstorable('c2')),
      committer.commit(input('c3')),
    ];
    const outcomes = await Promise.allSettled(batch);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(new Set(outcomes.map((o) => (o.status === 'rejected' ? o.reason : null))).size).toBe(1);
    expect(await storage.head('room:lobby')).toBe(0);

    const [retried, next] = await Promise.all([committer.commit(input('c1')), committer.commit(input('c4'))]);
    expect([retried.status, retried.entry.seq]).toEqual(['created', 1]);
    expect([next.status, next.entry.seq]).toEqual(['created', 2]);
    expect(calls).toEqual([
      ['c1', 'c2', 'c3'],
      ['c1', 'c4'],
    ]);
  });

  it('a failed batch does not fail the batch queued behind it', async () => {
    appendDelayMs = 20;
    const committer = createCommitter(store);

    const doomed = committer.commit(unstorable('bad'));
    await nextTurn(); // the doomed batch is now in flight
    const queued = committer.commit(input('c1'));

    await expect(doomed).rejects.toThrow();
    const result = await queued;
    expect([result.status, result.entry.seq]).toEqual(['created', 1]);
    expect(calls).toEqual([['bad'], ['c1']]);
  });

  it('commits that arrive while a batch is in flight wait and go together in the next batch, one batch at a time', async () => {
    appendDelayMs = 20;
    const committer = createCommitter(store);

    const first = committer.commit(input('c1'));
    await nextTurn(); // c1's batch is in flight
    const later = [committer.commit(input('c2')), committer.commit(input('c3'))];
    await nextTurn();
    later.push(committer.commit(input('c4')));

    const results = await Promise.all([first, ...later]);

    expect(calls).toEqual([['c1'], ['c2', 'c3', 'c4']]);
    expect(maxInFlight).toBe(1);
    expect(results.map((r) => r.entry.seq)).toEqual([1, 2, 3, 4]);
  });

  it('splits a turn larger than maxBatch into batches of at most maxBatch, in order', async () => {
    const committer = createCommitter(store, 2);

    const results = await Promise.all(
      ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => committer.commit(input(id))),
    );

    expect(calls).toEqual([['c1', 'c2'], ['c3', 'c4'], ['c5']]);
    expect(results.map((r) => r.entry.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drain() waits for in-flight work, including commits queued behind it', async () => {
    appendDelayMs = 20;
    const committer = createCommitter(store);
    const settled: AppendResult[] = [];

    void committer.commit(input('c1')).then((r) => settled.push(r));
    await nextTurn();
    void committer.commit(input('c2')).then((r) => settled.push(r));

    await committer.drain();

    expect(await storage.head('room:lobby')).toBe(2);
    expect(settled.map((r) => r.entry.clientMsgId)).toEqual(['c1', 'c2']);
    expect(inFlight).toBe(0);
  });

  it('drain() waits for a batch that fails, and resolves anyway', async () => {
    appendDelayMs = 20;
    const committer = createCommitter(store);
    const doomed = committer.commit(unstorable('bad'));
    doomed.catch(() => {});

    await expect(committer.drain()).resolves.toBeUndefined();
    expect(inFlight).toBe(0);
    await expect(doomed).rejects.toThrow();
  });

  it('drain() resolves at once when nothing was committed', async () => {
    const committer = createCommitter(store);
    await expect(committer.drain()).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
  describe('retries', () => {
    it('answers a retry of a recent commit from memory with the original entry: no append, nothing stored', async () => {
      const committer = createCommitter(store);
      const original = await committer.commit(input('c1'));

      const again = await committer.commit(input('c1', { senderName: 'alice (renamed)' }));

      expect(again).toEqual({ status: 'duplicate', entry: original.entry });
      expect(calls).toEqual([['c1']]);
      expect(await storage.head('room:lobby')).toBe(1);
    });

    it('tells a conflict from memory: the same clientMsgId with another body, or in another stream', async () => {
      const committer = createCommitter(store);
      const original = await committer.commit(input('c1'));

      const body = await committer.commit(input('c1', { body: '{"text":"changed"}' }));
      const stream = await committer.commit(input('c1', { stream: 'room:dev' }));

      expect(body).toEqual({ status: 'conflict', entry: original.entry });
      expect(stream).toEqual({ status: 'conflict', entry: original.entry });
      expect(calls).toEqual([['c1']]);
      expect(await storage.head('room:dev')).toBe(0);
    });

    it('remembers a duplicate or conflict the store found (another process committed it), so the next retry is free too', async () => {
      const other = createCommitter(store);
      const original = await other.commit(input('c1'));
      const committer = createCommitter(store);

      expect(await committer.commit(input('c1'))).toEqual({ status: 'duplicate', entry: original.entry });
      expect(await committer.commit(input('c1'))).toEqual({ status: 'duplicate', entry: original.entry });
      expect(calls).toEqual([['c1'], ['c1']]);
    });

    it('forgets the oldest entries past its bounds; a forgotten retry is still a duplicate, from the store', async () => {
      const committer = createCommitter(store, 512, { entries: 2, chars: 1_000_000 });
      const [first] = await Promise.all(['c1', 'c2', 'c3'].map((id) => committer.commit(input(id))));

      await committer.commit(input('c3'));
      expect(calls).toEqual([['c1', 'c2', 'c3']]);
      expect(await committer.commit(input('c1'))).toEqual({ status: 'duplicate', entry: first?.entry });
      expect(calls).toEqual([['c1', 'c2', 'c3'], ['c1']]);

      const byChars = createCommitter(store, 512, { entries: 100, chars: 30 });
      await byChars.commit(input('long', { body: JSON.stringify({ text: 'x'.repeat(40) }) }));
      await byChars.commit(input('long', { body: JSON.stringify({ text: 'x'.repeat(40) }) }));
      expect(calls.at(-1)).toEqual(['long']);
      expect(calls.filter((c) => c[0] === 'long')).toHaveLength(2);
    });
  });
});
