/**
 * The figures of every repetition, per metric and server: median, min and max, how often a
 * window was load generator bound or noisy, Switchboard's ratios, and the targets met or missed.
 */
import type { Plan } from './plan.js';
import type { RunResults, ServerRep } from './results.js';
import { type Spread, spread } from './stats.js';
import type { RampResult, ServerKind, WindowStats } from './types.js';

export interface Reading {
  value: number | null;
  bound: boolean;
  noisy: boolean;
  /** Why there is no value, when there is none (a ramp whose every step failed). */
  note?: string;
}

export interface Metric {
  id: string;
  label: string;
  better: 'lower' | 'higher';
  read(rep: ServerRep): Reading | null;
  /** Said beside Switchboard's ratio. */
  switchboardNote?: string;
}

const r = (
  value: number | null | undefined,
  window?: WindowStats | null,
  flags?: { bound: boolean; noisy: boolean },
): Reading => ({
  value: value ?? null,
  bound: flags?.bound ?? window?.loadGenBound ?? false,
  noisy: flags?.noisy ?? window?.noisy ?? false,
});
const rampFlags = (ramp: RampResult) => ({ bound: ramp.saturationLoadGenBound, noisy: ramp.saturationNoisy });

/** A ramp's saturation, or why it has none: every step failed, down to the lowest one tried. */
export function saturation(ramp: RampResult): Reading {
  const reading = r(ramp.saturation, null, rampFlags(ramp));
  if (ramp.saturation !== null) return reading;
  const lowest = Math.min(...ramp.steps.map((s) => s.offered));
  const worst = ramp.steps.find((s) => s.offered === lowest);
  return {
    ...reading,
    bound: worst?.window.loadGenBound ?? false,
    noisy: worst?.window.noisy ?? false,
    note: `no step passed: < ${thousands(lowest)}`,
  };
}

export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return thousands(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function largestFanout(plan: Plan) {
  return plan.fanout.reduce(
    (a, b) => (b.subscribers > a.subscribers ? b : a),
    plan.fanout[0] as Plan['fanout'][0],
  );
}

function metricsFor(plan: Plan): Metric[] {
  const list: Metric[] = [];
  for (const f of plan.fanout) {
    const n = f.subscribers;
    const at = (rep: ServerRep) => rep.fanout.find((x) => x.subscribers === n) ?? null;
    const load = `${thousands(f.deliveriesPerSec)} deliveries/s`;
    list.push(
      {
        id: `fanout.${n}.cpu`,
        label: `Fan-out ${thousands(n)} subscribers at ${load}: server CPU ms per 1M deliveries`,
        better: 'lower',
        read: (rep) => {
          const x = at(rep);
          return x && r(x.fixed.cpuMsPerMillion, x.fixed.window);
        },
      },
      {
        id: `fanout.${n}.p50`,
        label: `Fan-out ${thousands(n)} subscribers at ${load}: latency p50 (ms)`,
        better: 'lower',
        read: (rep) => {
          const x = at(rep);
          return x && r(x.fixed.latency.p50Ms, x.fixed.window);
        },
      },
      {
        id: `fanout.${n}.p99`,
        label: `Fan-out ${thousands(n)} subscribers at ${load}: latency p99 (ms)`,
        better: 'lower',
        read: (rep) => {
          const x = at(rep);
          return x && r(x.fixed.latency.p99Ms, x.fixed.window);
        },
      },
    );
    if (f.ramp) {
      list.push({
        id: `fanout.${n}.sat`,
        label: `Fan-out ${thousands(n)} subscribers: saturation (deliveries/s)`,
        better: 'higher',
        read: (rep) => {
          const x = at(rep);
          return x?.ramp ? saturation(x.ramp) : null;
        },
      });
    }
  }
  const rooms = `${thousands(plan.rooms.rooms)} rooms of ${plan.rooms.members}`;
  const roomsLoad = `${thousands(plan.rooms.rooms * plan.rooms.members * plan.rooms.perMemberRate)} msgs/s`;
  const persisted = 'persists every message (SQLite FULL)';
  list.push(
    {
      id: 'rooms.fixed',
      label: `Many rooms, ${rooms} at ${roomsLoad}: acked (Switchboard) / relayed msgs/s`,
      better: 'higher',
      read: (rep) => rep.rooms && r(rep.rooms.fixed.ackedPerSec, rep.rooms.fixed.window),
      switchboardNote: persisted,
    },
    {
      id: 'rooms.p50',
      label: `Many rooms at ${roomsLoad}: delivery latency p50 (ms)`,
      better: 'lower',
      read: (rep) => rep.rooms && r(rep.rooms.fixed.deliveryLatency.p50Ms, rep.rooms.fixed.window),
    },
    {
      id: 'rooms.p99',
      label: `Many rooms at ${roomsLoad}: delivery latency p99 (ms)`,
      better: 'lower',
      read: (rep) => rep.rooms && r(rep.rooms.fixed.deliveryLatency.p99Ms, rep.rooms.fixed.window),
    },
    {
      id: 'rooms.ack99',
      label: `Many rooms at ${roomsLoad}: ack (Switchboard) / echo latency p99 (ms)`,
      better: 'lower',
      read: (rep) => rep.rooms && r(rep.rooms.fixed.ackLatency.p99Ms, rep.rooms.fixed.window),
      switchboardNote: persisted,
    },
    {
      id: 'rooms.cpu',
      label: `Many rooms at ${roomsLoad}: server CPU ms per 1,000 messages`,
      better: 'lower',
      read: (rep) => rep.rooms && r(rep.rooms.fixed.cpuMsPerThousandMsgs, rep.rooms.fixed.window),
      switchboardNote: persisted,
    },
  );
  if (plan.rooms.ramp) {
    list.push({
      id: 'rooms.sat',
      label: `Many rooms, ${rooms}: saturation, acked (Switchboard) / relayed msgs/s`,
      better: 'higher',
      read: (rep) => (rep.rooms?.ramp ? saturation(rep.rooms.ramp) : null),
      switchboardNote: persisted,
    });
  }
  list.push(
    {
      id: 'idle.kib',
      label: `Idle memory per connection at ${thousands(plan.idle.connections)} connections (KiB RSS)`,
      better: 'lower',
      read: (rep) => rep.idle && r(rep.idle.perConnKiB, null, { bound: false, noisy: false }),
    },
    {
      id: 'setup.rate',
      label: `Connection setup, ${thousands(plan.setup.connections)} connections: connections/s`,
      better: 'higher',
      read: (rep) => rep.setup && r(rep.setup.connsPerSec, rep.setup.window),
    },
    {
      id: 'setup.cpu',
      label: 'Connection setup: server CPU ms per new connection',
      better: 'lower',
      read: (rep) => rep.setup && r(rep.setup.cpuMsPerConn, rep.setup.window),
    },
  );
  return list;
}

export interface Cell {
  spread: Spread | null;
  bound: number;
  noisy: number;
  reps: number;
  /** Notes of the repetitions that gave no value, and the values of those that did. */
  notes: string[];
  values: number[];
  /**
   * Only the repetitions whose window was not noisy. Load generator bound ones stay: a baseline's
   * saturation that the load generator capped is a lower bound, which makes Switchboard's ratio
   * to it an upper bound (a miss of a "≥" target is then conclusive).
   */
  quiet: Spread | null;
}

export interface Row {
  metric: Metric;
  cells: Partial<Record<ServerKind, Cell>>;
}

/** The repetitions' readings of one metric on one server, summed up. */
export function cellOf(readings: readonly Reading[]): Cell {
  const notes = readings.flatMap((x) => (x.value === null && x.note ? [x.note] : []));
  return {
    // When most repetitions have no value (every ramp step failed), neither has the median.
    spread: notes.length * 2 > readings.length ? null : spread(readings.map((x) => x.value)),
    bound: readings.filter((x) => x.bound).length,
    noisy: readings.filter((x) => x.noisy).length,
    reps: readings.length,
    notes,
    values: readings.flatMap((x) => (x.value === null ? [] : [x.value])),
    quiet: spread(readings.filter((x) => !x.noisy).map((x) => x.value)),
  };
}

export function aggregate(results: RunResults): Row[] {
  return metricsFor(results.plan).map((metric) => {
    const cells: Partial<Record<ServerKind, Cell>> = {};
    for (const kind of results.servers) {
      cells[kind] = cellOf(
        results.reps
          .filter((rep) => rep.kind === kind)
          .map((rep) => metric.read(rep))
          .filter((x): x is Reading => x !== null),
      );
    }
    return { metric, cells };
  });
}

export const BOUND = '_load generator bound_';
export const NOISY = '_noisy_';

/** Switchboard's median over `vs`'s, both from quiet repetitions only. */
export function quietRatio(row: Row, vs: ServerKind): number | null {
  const a = row.cells.switchboard?.quiet?.median;
  const b = row.cells[vs]?.quiet?.median;
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

export function ratio(row: Row, vs: ServerKind): number | null {
  const a = row.cells.switchboard?.spread?.median;
  const b = row.cells[vs]?.spread?.median;
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

interface TargetDef {
  label: string;
  metric: string;
  /** Compared with this server's median; absent: an absolute goal. */
  vs?: ServerKind;
  op: '>=' | '<=';
  goal: number;
  unit: string;
}

function targetDefs(plan: Plan): TargetDef[] {
  const n = largestFanout(plan).subscribers;
  const at =
    n === 1000
      ? '1,000 subscribers'
      : `${thousands(n)} subscribers (largest in this run; the target is for 1,000)`;
  return [
    {
      label: `Fan-out saturation at ${at} vs ws naive`,
      metric: `fanout.${n}.sat`,
      vs: 'ws-naive',
      op: '>=',
      goal: 2.5,
      unit: '×',
    },
    {
      label: `Fan-out saturation at ${at} vs Socket.IO`,
      metric: `fanout.${n}.sat`,
      vs: 'socketio',
      op: '>=',
      goal: 2.5,
      unit: '×',
    },
    {
      label: `Fan-out server CPU per delivery at the fixed load (${at}) vs ws naive`,
      metric: `fanout.${n}.cpu`,
      vs: 'ws-naive',
      op: '<=',
      goal: 1.0,
      unit: '×',
    },
    {
      label: `Latency p99 at the fixed load (${at}) vs ws naive`,
      metric: `fanout.${n}.p99`,
      vs: 'ws-naive',
      op: '<=',
      goal: 1.2,
      unit: '×',
    },
    {
      label: 'Many rooms: acked msgs/s vs ws naive relayed msgs/s (saturation)',
      metric: 'rooms.sat',
      vs: 'ws-naive',
      op: '>=',
      goal: 0.7,
      unit: '×',
    },
    { label: 'Idle memory per connection', metric: 'idle.kib', op: '<=', goal: 12, unit: ' KiB' },
    { label: 'Server CPU per new connection', metric: 'setup.cpu', op: '<=', goal: 0.3, unit: ' ms' },
  ];
}

export interface TargetOutcome {
  label: string;
  measured: number | null;
  goal: string;
  met: boolean | null;
  result: string;
  /** The same from quiet repetitions only (null when either side had none). */
  quietMeasured: number | null;
  quietResult: string;
}

function verdict(op: '>=' | '<=', goal: number, measured: number): { met: boolean; text: string } {
  const met = op === '>=' ? measured >= goal : measured <= goal;
  const by = op === '>=' ? 1 - measured / goal : measured / goal - 1;
  return { met, text: met ? 'met' : `missed by ${(by * 100).toFixed(0)} %` };
}

export function evaluateTargets(results: RunResults, rows = aggregate(results)): TargetOutcome[] {
  return targetDefs(results.plan).map((t) => {
    const row = rows.find((x) => x.metric.id === t.metric);
    const goal = `${t.op === '>=' ? '≥' : '≤'} ${t.goal}${t.unit}`;
    const none = { quietMeasured: null, quietResult: '–' };
    if (!row)
      return { label: t.label, measured: null, goal, met: null, result: 'not measured in this run', ...none };
    const measured = t.vs ? ratio(row, t.vs) : (row.cells.switchboard?.spread?.median ?? null);
    const quietMeasured = t.vs ? quietRatio(row, t.vs) : (row.cells.switchboard?.quiet?.median ?? null);
    const quietResult =
      quietMeasured === null ? 'no quiet repetition' : verdict(t.op, t.goal, quietMeasured).text;
    if (measured === null) {
      return {
        label: t.label,
        measured,
        goal,
        met: null,
        result: 'not measured',
        quietMeasured,
        quietResult,
      };
    }
    const { met, text } = verdict(t.op, t.goal, measured);
    const bound = (row.cells.switchboard?.bound ?? 0) + (t.vs ? (row.cells[t.vs]?.bound ?? 0) : 0) > 0;
    let result = text;
    if (bound) result += ` (${BOUND}: the ratio may be the load generator's limit)`;
    const noisy = (row.cells.switchboard?.noisy ?? 0) + (t.vs ? (row.cells[t.vs]?.noisy ?? 0) : 0) > 0;
    if (noisy) result += ` (${NOISY})`;
    return { label: t.label, measured, goal, met, result, quietMeasured, quietResult };
  });
}
