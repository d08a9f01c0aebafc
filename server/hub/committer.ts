/**
 * Group commit. Sends that arrive in the same event-loop turn are appended in one transaction
 * (one fsync) and resolved together. Batches run one at a time, in arrival order, so a sender's
 * messages get seqs in the order they were sent.
 */
import type { AppendInput, AppendResult, LogStore } from '../storage/storage.js';

interface Pending {
  input: AppendInput;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

export interface Committer {
  commit(input: AppendInput): Promise<AppendResult>;
  /** Resolves once every commit accepted so far has finished. */
  drain(): Promise<void>;
}

export function createCommitter(store: LogStore, maxBatch = 512): Committer {
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  const runBatches = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await store.append(batch.map((p) => p.input));
        for (const [i, p] of batch.entries()) p.resolve(results[i] as AppendResult);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  };

  const schedule = () => {
    if (running) return;
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(runBatches).finally(() => {
      running = null;
      if (queue.length > 0) schedule();
    });
  };

  return {
    commit(input) {
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
