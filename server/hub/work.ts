/**
 * The work a connection has under way, so that a request-scoped connection (a poll) can answer
 * once the frames it carried are handled, and a draining server can close once what it received
 * is committed and acknowledged.
 */

/** Where every lane starts: one settled promise shared by every connection. */
const SETTLED: Promise<void> = Promise.resolve();

export interface Work {
  /** Counts `work` as under way until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Runs `next` once everything queued before it in `lane` has settled; `onError` takes its failure. */
  inOrder(lane: string, next: () => Promise<void>, onError: (err: unknown) => void): void;
  /** Resolves once everything tracked so far has settled. */
  whenIdle(): Promise<void>;
}

export function createWork(): Work {
  let busy = 0;
  const idleWaiters: (() => void)[] = [];
  const lanes = new Map<string, Promise<void>>();

  const track = <T>(work: Promise<T>): Promise<T> => {
    busy++;
    return work.finally(() => {
      if (--busy === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
  };

  return {
    track,
    inOrder(lane, next, onError) {
      lanes.set(lane, track((lanes.get(lane) ?? SETTLED).then(next).catch(onError)));
    },
    whenIdle: () => (busy === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}
