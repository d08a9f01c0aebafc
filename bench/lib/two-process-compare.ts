/**
 * The two-process fan-out beside the one-process one: per figure, Switchboard's repetitions as
 * one process and as two over Redis, at the same size and load, and the ratio of the medians
 * (rendered by report.ts, written to the JSON as `twoProcess`).
 */
import { type Cell, cellOf, type Reading, saturation, thousands } from './aggregate.js';
import type { RunResults, ServerRep } from './results.js';
import type { Spread } from './stats.js';
import type { FanoutResult } from './types.js';

export interface TwoProcessRow {
  id: string;
  label: string;
  better: 'lower' | 'higher';
  one: Cell;
  two: Cell;
  /** Two processes' median over one process's; null when either is missing. */
  ratio: number | null;
}

interface Figure {
  id: string;
  label: string;
  better: 'lower' | 'higher';
  read(f: FanoutResult): Reading | null;
}

const fixed = (f: FanoutResult, value: number | null): Reading => ({
  value,
  bound: f.fixed.window.loadGenBound,
  noisy: f.fixed.window.noisy,
});

function figures(results: RunResults): Figure[] {
  const f = results.plan.fanout2;
  const load = `${thousands(f.deliveriesPerSec)} deliveries/s`;
  const list: Figure[] = [
    {
      id: 'deliveries',
      label: `Deliveries/s achieved at ${load}`,
      better: 'higher',
      read: (x) => fixed(x, x.fixed.deliveriesPerSec),
    },
    {
      id: 'cpu',
      label: `Server CPU ms per 1M deliveries at ${load} (two processes: summed)`,
      better: 'lower',
      read: (x) => fixed(x, x.fixed.cpuMsPerMillion),
    },
    {
      id: 'p50',
      label: `Latency p50 (ms) at ${load}`,
      better: 'lower',
      read: (x) => fixed(x, x.fixed.latency.p50Ms),
    },
    {
      id: 'p99',
      label: `Latency p99 (ms) at ${load}`,
      better: 'lower',
      read: (x) => fixed(x, x.fixed.latency.p99Ms),
    },
  ];
  if (f.ramp) {
    list.push({
      id: 'sat',
      label: 'Saturation (deliveries/s)',
      better: 'higher',
      read: (x) => (x.ramp ? saturation(x.ramp) : null),
    });
  }
  return list;
}

export function compareTwoProcess(results: RunResults): TwoProcessRow[] {
  const n = results.plan.fanout2.subscribers;
  const reps = results.reps.filter((rep) => rep.kind === 'switchboard');
  const oneOf = (rep: ServerRep) => rep.fanout.find((x) => x.subscribers === n) ?? null;
  const twoOf = (rep: ServerRep) => rep.fanout2 ?? null;
  return figures(results).map((fig) => {
    const cell = (pick: (rep: ServerRep) => FanoutResult | null) =>
      cellOf(
        reps
          .map(pick)
          .filter((x): x is FanoutResult => x !== null)
          .map((x) => fig.read(x))
          .filter((x): x is Reading => x !== null),
      );
    const one = cell(oneOf);
    const two = cell(twoOf);
    const a = two.spread?.median;
    const b = one.spread?.median;
    return {
      id: fig.id,
      label: fig.label,
      better: fig.better,
      one,
      two,
      ratio: a === undefined || b === undefined || b === 0 ? null : a / b,
    };
  });
}

/** The comparison as written to the JSON results. */
export function twoProcessJson(results: RunResults, rows = compareTwoProcess(results)) {
  const plain = (s: Spread | null) => s && { median: s.median, min: s.min, max: s.max, n: s.n };
  return {
    ...results.fanout2,
    subscribers: results.plan.fanout2.subscribers,
    deliveriesPerSec: results.plan.fanout2.deliveriesPerSec,
    rows: rows.map((row) => ({
      id: row.id,
      label: row.label,
      better: row.better,
      oneProcess: plain(row.one.spread),
      twoProcesses: plain(row.two.spread),
      ratio: row.ratio,
    })),
  };
}
