/**
 * The quiet gate: this machine is shared with other engineers' test suites, whose load comes in
 * bursts. Before a scenario the orchestrator waits, within a budget for the whole run, for a
 * moment when other processes leave both cores mostly free (the server and the load generator are
 * idle between scenarios, so what is busy then is someone else).
 */
import { log, sleep } from './log.js';
import { busyPct, coreTimes } from './proc.js';

const SAMPLE_MS = 300;
/** Both cores below this busy % counts as quiet. */
const QUIET_PCT = 30;
/** The longest one wait lasts, however much budget is left. */
const MAX_WAIT_MS = 8000;

export class QuietGate {
  /** Time spent waiting, and waits that ran out before the machine was quiet. */
  waitedMs = 0;
  gaveUp = 0;
  waits = 0;

  constructor(
    private readonly cores: number[],
    private budgetMs: number,
  ) {}

  async wait(): Promise<void> {
    if (this.budgetMs <= 0 || this.cores.length === 0) return;
    this.waits++;
    const started = performance.now();
    const limit = Math.min(MAX_WAIT_MS, this.budgetMs);
    let busiest = 0;
    for (;;) {
      const before = this.cores.map(coreTimes);
      await sleep(SAMPLE_MS);
      const after = this.cores.map(coreTimes);
      busiest = Math.max(...this.cores.map((_, i) => busyPct(before[i] ?? null, after[i] ?? null) ?? 0));
      if (busiest < QUIET_PCT) break;
      if (performance.now() - started >= limit) {
        this.gaveUp++;
        break;
      }
    }
    const waited = performance.now() - started;
    this.waitedMs += waited;
    this.budgetMs -= waited;
    if (waited > 2 * SAMPLE_MS) {
      log(
        `waited ${(waited / 1000).toFixed(1)} s for other processes to quiet down${busiest >= QUIET_PCT ? ` (gave up: a core still ${busiest.toFixed(0)} % busy)` : ''}`,
      );
    }
  }

  summary(): string | null {
    if (this.waits === 0) return null;
    return `Before each scenario the run waited for other processes to leave both cores below ${QUIET_PCT} % busy: ${(this.waitedMs / 1000).toFixed(0)} s in all over ${this.waits} waits, ${this.gaveUp} of which ran out (${MAX_WAIT_MS / 1000} s at most each, within a budget for the run).`;
  }
}
