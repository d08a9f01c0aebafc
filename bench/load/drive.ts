/** Paced sending and waiting, shared by the scenarios. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Timer granularity of the sender: due messages go out together every tick. */
const TICK_MS = 5;

/**
 * Calls `sendOne` `ratePerSec` times a second, evenly, for `durationMs`; resolves with the count.
 * When the load generator falls behind it catches up, so the average rate holds.
 */
export function drive(ratePerSec: number, durationMs: number, sendOne: () => void): Promise<number> {
  const started = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const elapsed = Math.min(performance.now() - started, durationMs);
      const due = Math.floor((ratePerSec * elapsed) / 1000);
      while (sent < due) {
        sendOne();
        sent++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve(sent);
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
}

/** Waits until `done()` or `maxMs`; resolves true when done. */
export async function until(done: () => boolean, maxMs: number): Promise<boolean> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > maxMs) return false;
    await sleep(10);
  }
  return true;
}

/** Waits until `count()` has not changed for `quietMs` (traffic drained), at most `maxMs`. */
export async function quiet(count: () => number, quietMs: number, maxMs: number): Promise<void> {
  const started = performance.now();
  let last = count();
  let lastChange = performance.now();
  while (performance.now() - started < maxMs) {
    await sleep(25);
    const now = count();
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange >= quietMs) return;
  }
}
