/**
 * Per-run traffic for the Transport lab: what one scripted exchange cost on the wire. Runs are
 * keyed by an id the lab sends (a header on HTTP, a query parameter on /ws); the map is bounded
 * in size and age so that it can never grow without limit.
 */
import type { LabRunReport } from '../../shared/api.js';
export interface RunTotals {
  bytesIn: number;
  bytesOut: number;
  requests: number;
  delivered: number;
  /** Delivery latencies in ms (commit to write), for percentiles; capped. */
  latencies: number[];
}

export type RunReport = LabRunReport;

const MAX_RUNS = 200;
const MAX_AGE_MS = 60 * 60 * 1000;
const MAX_LATENCIES = 20_000;
export const LAB_RUN_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export class LabRuns {
  private readonly runs = new Map<string, RunTotals & { at: number }>();

  private get(id: string): RunTotals {
    let run = this.runs.get(id);
    if (!run) {
      this.evict();
      run = { bytesIn: 0, bytesOut: 0, requests: 0, delivered: 0, latencies: [], at: Date.now() };
      this.runs.set(id, run);
    }
    return run;
  }

  private evict(): void {
    const now = Date.now();
    for (const [id, run] of this.runs) {
      if (this.runs.size < MAX_RUNS && now - run.at < MAX_AGE_MS) break;
      this.runs.delete(id);
    }
  }

  wire(id: string, bytesIn: number, bytesOut: number): void {
    const run = this.get(id);
    run.bytesIn += bytesIn;
    run.bytesOut += bytesOut;
  }

  request(id: string): void {
    this.get(id).requests++;
  }

  delivered(id: string, latencyMs: number): void {
    const run = this.get(id);
    run.delivered++;
    if (run.latencies.length < MAX_LATENCIES) run.latencies.push(latencyMs);
  }

  report(id: string): RunReport | null {
    const run = this.runs.get(id);
    if (!run) return null;
    const sorted = [...run.latencies].sort((a, b) => a - b);
    return {
      bytesIn: run.bytesIn,
      bytesOut: run.bytesOut,
      requests: run.requests,
      delivered: run.delivered,
      latencyP50: percentile(sorted, 50),
      latencyP95: percentile(sorted, 95),
    };
  }
}
