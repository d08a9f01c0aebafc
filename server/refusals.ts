/**
 * Every refusal the server makes for a limit or a lost right (a connection cap, a demoted agent's
 * claim, a suspended account's sockets) is counted in /metrics by its code and logged once per
 * burst: the first refusal of a code logs a line at once; more of the same code within the
 * window are only counted, and one line with the count closes the burst. A flood of 2,000
 * refused sockets is two lines, never 2,000.
 */
import type { LogFields, Logger } from './log.js';

export interface Refusals {
  /**
   * `reason` is a fixed word (`signup`, `host`, `timeout` ...) or an ErrorCode or CloseCode name:
   * a bounded metric label, never user input.
   */
  note(reason: string, fields?: LogFields): void;
}

interface Burst {
  more: number;
  timer: NodeJS.Timeout;
}

export function createRefusals(deps: {
  log: Logger;
  count?: (code: string) => void;
  windowMs?: number;
}): Refusals {
  const windowMs = deps.windowMs ?? 10_000;
  const bursts = new Map<string, Burst>();
  const end = (code: string) => {
    const burst = bursts.get(code);
    bursts.delete(code);
    if (burst && burst.more > 0)
      deps.log.warn('refused.burst', { reason: code, more: burst.more, window_ms: windowMs });
  };
  return {
    note(code, fields = {}) {
      deps.count?.(code);
      const burst = bursts.get(code);
      if (burst) {
        burst.more++;
        return;
      }
      deps.log.warn('refused', { reason: code, ...fields });
      const timer = setTimeout(() => end(code), windowMs);
      timer.unref();
      bursts.set(code, { more: 0, timer });
    },
  };
}
