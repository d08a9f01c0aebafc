/**
 * Group commit. Sends that arrive in the same event-loop turn are appended in one transaction
 * (one fsync) and resolved together. Batches run one at a time, in arrival order, so a sender's
 * messages get seqs in the order they were sent.
 *
 * A retry (the same sender and clientMsgId as an entry committed recently) is answered from
 * memory with the original entry, without waiting for a batch or touching storage: a client
 * resending its outbox after a reconnect costs less than a new send. Entries never change once
 * stored, so a remembered one is the truth on every process.
 */
import {
  type AppendInput,
  type AppendResult,
  type LogEntry,
  type LogStore,
  repeatOf,
} from '../storage/storage.js';

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

export interface RecentLimits {
  /** Entries remembered at most. */
  entries: number;
  /** Characters of bodies remembered at most (a body is kept to tell a retry from a conflict). */
  chars: number;
}

/** About 10,000 typical messages, in a few MB at most. */
export const defaultRecentLimits: RecentLimits = { entries: 10_000, chars: 2_000_000 };

/** The most recently committed entries by (sender, clientMsgId); the oldest go first. */
function recentEntries(limits: RecentLimits) {
  const entries = new Map<string, LogEntry>();
  let chars = 0;
  const keyOf = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;
  return {
    get: (input: AppendInput) => entries.get(keyOf(input.senderId, input.clientMsgId)),
    remember(entry: LogEntry): void {
      const key = keyOf(entry.senderId, entry.clientMsgId);
      if (entries.has(key)) return;
      entries.set(key, entry);
      chars += entry.body.length;
      for (const [oldKey, old] of entries) {
        if (entries.size <= limits.entries && chars <= limits.chars) break;
        entries.delete(oldKey);
        chars -= old.body.length;
      }
    },
    get size() {
      return entries.size;
    },
  };
}

export function createCommitter(
  store: LogStore,
  maxBatch = 512,
  limits: RecentLimits = defaultRecentLimits,
): Committer {
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;
  const recent = recentEntries(limits);

  const runBatches = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await store.append(batch.map((p) => p.input));
        for (const [i, p] of batch.entries()) {
          const result = results[i] as AppendResult;
          recent.remember(result.entry);
          p.resolve(result);
        }
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
      const stored = recent.get(input);
      if (stored) return Promise.resolve(repeatOf(stored, input));
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
