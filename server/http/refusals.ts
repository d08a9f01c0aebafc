/**
 * Refusals made to protect the server (a throttle, a bad Host or Origin, a timeout): each one is
 * counted in /metrics by reason, and logged once per burst, not once per request, so that a flood
 * cannot flood the log too.
 */
import type { LogFields, Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';

export interface Refusals {
  /** `reason` is a fixed word (a metric label); `fields` go on the burst's first log line. */
  refuse(reason: string, fields?: LogFields): void;
}

/** A burst is refusals of one reason with less than this between the first and the next line. */
const BURST_MS = 10_000;

export function createRefusals(deps: { metrics: Metrics; log: Logger }): Refusals {
  const bursts = new Map<string, { at: number; more: number }>();
  return {
    refuse(reason, fields = {}) {
      deps.metrics.refused(reason);
      const now = Date.now();
      const burst = bursts.get(reason);
      if (burst && now - burst.at < BURST_MS) {
        burst.more++;
        return;
      }
      // The line that opens a burst also says how many the last one held after its own line.
      deps.log.warn('http.refused', {
        reason,
        ...fields,
        ...(burst?.more ? { previousBurst: burst.more } : {}),
      });
      bursts.set(reason, { at: now, more: 0 });
    },
  };
}
