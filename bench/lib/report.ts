/**
 * Renders a run as Markdown: the machine and how noisy it was, the targets, one table with every
 * figure per server and Switchboard's ratios to ws (naive) and to Socket.IO, Switchboard's
 * fan-out over two processes beside its one-process figure, the ramps step by step, the delivery
 * check, the Transport lab, the bundle sizes and the profile.
 */
import { aggregate, BOUND, type Cell, evaluateTargets, fmt, NOISY, ratio, thousands } from './aggregate.js';
import type { RunResults, ServerRep } from './results.js';
import { spread } from './stats.js';
import { compareTwoProcess } from './two-process-compare.js';
import { CLIENT_NOTES, type Integrity, type RampResult, SERVER_LABELS, type WindowStats } from './types.js';

function cellText(cell: Cell | undefined): string {
  if (!cell) return '–';
  const of = (k: number) => (cell.reps > 1 ? ` (${k}/${cell.reps})` : '');
  const flags = () =>
    `${cell.bound > 0 ? ` ${BOUND}${of(cell.bound)}` : ''}${cell.noisy > 0 ? ` ${NOISY}${of(cell.noisy)}` : ''}`;
  if (!cell.spread) {
    if (!cell.notes.length) return '–';
    const others = cell.values.length
      ? `; ${cell.values.length}/${cell.reps}: ${cell.values.map(fmt).join(', ')}`
      : '';
    return `${[...new Set(cell.notes)].join('; ')} in ${cell.notes.length}/${cell.reps}${others}${flags()}`;
  }
  const { median, min, max, n } = cell.spread;
  let text = fmt(median);
  if (n > 1) text += ` (${fmt(min)}–${fmt(max)})`;
  if (cell.notes.length)
    text += `; ${cell.notes.length}/${cell.reps}: ${[...new Set(cell.notes)].join('; ')}`;
  if (cell.bound > 0) text += ` ${BOUND}${cell.reps > 1 ? ` (${cell.bound}/${cell.reps})` : ''}`;
  if (cell.noisy > 0) text += ` ${NOISY}${cell.reps > 1 ? ` (${cell.noisy}/${cell.reps})` : ''}`;
  return text;
}

const ratioText = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)}×`);

function rampLine(ramp: RampResult): string {
  return ramp.steps
    .map(
      (s) =>
        `${fmt(s.offered)} ${s.pass ? '✓' : `✗ (${s.why})`}${s.window.loadGenBound ? ` ${BOUND}` : ''}${s.window.noisy ? ` ${NOISY}` : ''}`,
    )
    .join(' → ');
}

function median(values: number[]): number | null {
  return spread(values)?.median ?? null;
}

function allWindows(results: RunResults): WindowStats[] {
  const out: WindowStats[] = [];
  for (const rep of results.reps) {
    for (const f of rep.fanout2 ? [...rep.fanout, rep.fanout2] : rep.fanout) {
      out.push(f.fixed.window);
      for (const s of f.ramp?.steps ?? []) out.push(s.window);
    }
    if (rep.rooms) {
      out.push(rep.rooms.fixed.window);
      for (const s of rep.rooms.ramp?.steps ?? []) out.push(s.window);
    }
    if (rep.setup) out.push(rep.setup.window);
  }
  return out;
}

function renderTwoProcess(results: RunResults): string[] {
  const f = results.plan.fanout2;
  const out = ['## Fan-out over two processes (Switchboard over Redis)', ''];
  if (results.fanout2.status !== 'measured') {
    out.push(`${results.fanout2.status === 'skipped' ? 'Skipped' : 'Not run'}: ${results.fanout2.how}`, '');
    return out;
  }
  out.push(
    results.fanout2.how,
    '',
    `| ${thousands(f.subscribers)} subscribers, one room | One process | Two processes over Redis | Two ÷ one |`,
    '| --- | --- | --- | --- |',
  );
  for (const row of compareTwoProcess(results)) {
    out.push(
      `| ${row.label} (${row.better} is better) | ${cellText(row.one)} | ${cellText(row.two)} | ${ratioText(row.ratio)} |`,
    );
  }
  out.push('');
  return out;
}

export function renderMarkdown(results: RunResults): string {
  const { meta, plan, servers } = results;
  const rows = aggregate(results);
  const out: string[] = [];
  const m = meta.machine;
  out.push('# Switchboard benchmark', '');
  out.push(`- **Command:** \`${meta.command}\``);
  out.push(`- **When:** ${meta.startedAt}, took ${meta.durationS.toFixed(0)} s`);
  out.push(
    `- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM, ${m.kernel}`,
    `- **Software:** Node ${m.node}; ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; commit ${m.commit}`,
    `- **Placement:** ${meta.placement}`,
    `- **Switchboard:** ${meta.switchboard}`,
    `- **Clients:** Switchboard: ${CLIENT_NOTES.switchboard}. Socket.IO: ${CLIENT_NOTES.socketio}. ws: ${CLIENT_NOTES['ws-naive']}.`,
    `- **Repetitions:** ${plan.reps}, the servers alternating within each (the order rotates every repetition); figures are medians${plan.reps > 1 ? ' with (min–max)' : ''}.`,
  );
  const others = allWindows(results)
    .map((w) => w.serverCoreOtherPct)
    .filter((x): x is number => x !== null);
  const la = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  let noise = `load average ${la(meta.loadAvgStart)} at the start, ${la(meta.loadAvgEnd)} at the end (${m.cores} cores)`;
  if (others.length) {
    noise += `; other processes used a median ${median(others)?.toFixed(0)} % (max ${Math.max(...others).toFixed(0)} %) of the server's core during measurement windows`;
  }
  const busy =
    Math.max(...meta.loadAvgStart, ...meta.loadAvgEnd) > m.cores * 0.5 || (median(others) ?? 0) > 10;
  if (busy)
    noise += '. **The machine was shared with other work (test suites) during this run: expect noise.**';
  out.push(`- **Noise:** ${noise}`);
  out.push(
    `- **Markers:** ${BOUND}: in that window the load generator's core was ≥ 95 % busy (with its own work or another process's) or the load generator used ≥ 85 % of it, so the client side may be the limit, not the server. ${NOISY}: other processes took ≥ 25 % of the server's core or ≥ 50 % of the load generator's. (n/m): in n of m repetitions.`,
  );
  for (const note of meta.notes) out.push(`- **Note:** ${note}`);
  out.push('');

  out.push(
    '## Targets',
    '',
    "The last two columns use only repetitions whose windows were not noisy (for ratios: on both sides), when there were any: on a shared machine they are the better guide. Where a baseline's saturation was load generator bound, it is a lower bound, so Switchboard's ratio to it is an upper bound.",
    '',
    '| Target | Switchboard (all repetitions) | Goal | Result | Quiet repetitions only | Result |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const t of evaluateTargets(results, rows)) {
    const unit = t.goal.endsWith('×')
      ? '×'
      : t.goal.includes('KiB')
        ? ' KiB'
        : t.goal.endsWith('ms')
          ? ' ms'
          : '';
    const show = (x: number | null) => (x === null ? '–' : `${unit === '×' ? x.toFixed(2) : fmt(x)}${unit}`);
    out.push(
      `| ${t.label} | ${show(t.measured)} | ${t.goal} | ${t.result} | ${show(t.quietMeasured)} | ${t.quietResult} |`,
    );
  }
  out.push('');

  const header = servers.map((k) => SERVER_LABELS[k]);
  const hasSio = servers.includes('socketio');
  const hasNaive = servers.includes('ws-naive');
  const hasSb = servers.includes('switchboard');
  out.push(
    '## Results',
    '',
    `| Metric | ${header.join(' | ')}${hasSb && hasNaive ? ' | Switchboard ÷ ws naive' : ''}${hasSb && hasSio ? ' | Switchboard ÷ Socket.IO' : ''} |`,
    `| --- |${servers.map(() => ' --- |').join('')}${hasSb && hasNaive ? ' --- |' : ''}${hasSb && hasSio ? ' --- |' : ''}`,
  );
  for (const row of rows) {
    const note = row.metric.switchboardNote ? ` (${row.metric.switchboardNote})` : '';
    const cells = servers.map((k) => cellText(row.cells[k]));
    const ratios: string[] = [];
    if (hasSb && hasNaive) ratios.push(`${ratioText(ratio(row, 'ws-naive'))}${note}`);
    if (hasSb && hasSio) ratios.push(`${ratioText(ratio(row, 'socketio'))}${note}`);
    out.push(`| ${row.metric.label} | ${[...cells, ...ratios].join(' | ')} |`);
  }
  out.push('');

  out.push(...renderTwoProcess(results));

  const failures = results.reps.flatMap((rep) =>
    rep.errors.map((e) => `${SERVER_LABELS[rep.kind]}, repetition ${rep.rep}: ${e}`),
  );
  if (failures.length) {
    out.push('## Failures', '', ...failures.map((f) => `- ${f}`), '');
  }

  out.push(
    '## Ramps, step by step',
    '',
    `Each step sends for ${plan.fanout.find((f) => f.ramp)?.ramp?.stepMs ?? plan.rooms.ramp?.stepMs} ms and passes when ≥ ${(plan.rooms.ramp?.passShare ?? 0.95) * 100} % of its deliveries (rooms: acks or echoes) arrive by the end of a short grace, p99 ≤ ${plan.rooms.ramp?.p99BoundMs ?? 250} ms and the server closed no connection. ✓ passed, ✗ failed; a failed step whose window was noisy or load generator bound runs once more after the backlog drains, otherwise a failure ends the ramp. Later repetitions start one rung below the previous best (and step down two more if that fails at once).`,
    '',
  );
  for (const rep of results.reps) {
    for (const f of rep.fanout) {
      if (f.ramp) {
        out.push(
          `- ${SERVER_LABELS[rep.kind]}, rep ${rep.rep}, fan-out ${thousands(f.subscribers)} (deliveries/s): ${rampLine(f.ramp)}`,
        );
      }
    }
    if (rep.fanout2?.ramp) {
      out.push(
        `- ${SERVER_LABELS[rep.kind]}, rep ${rep.rep}, fan-out ${thousands(rep.fanout2.subscribers)} over two processes (deliveries/s): ${rampLine(rep.fanout2.ramp)}`,
      );
    }
    if (rep.rooms?.ramp) {
      out.push(`- ${SERVER_LABELS[rep.kind]}, rep ${rep.rep}, rooms (msgs/s): ${rampLine(rep.rooms.ramp)}`);
    }
  }
  out.push('');

  out.push(
    '## Delivery check',
    '',
    'Every message a server acknowledged (Switchboard: `ack`; baselines: the echo to the sender) should reach every member of its room by the end of the scenario, ramps included.',
    '',
    '| Server | Scenario | Sent | Acked | Acked but not delivered to all | Closed by the server | Error frames |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const kind of servers) {
    const reps = results.reps.filter((rep) => rep.kind === kind);
    const sum = (pick: (rep: ServerRep) => Integrity | undefined | null, name: string) => {
      const xs = reps.map(pick).filter((x): x is Integrity => Boolean(x));
      if (!xs.length) return;
      const errors: Record<string, number> = {};
      for (const x of xs) for (const [k, v] of Object.entries(x.errors)) errors[k] = (errors[k] ?? 0) + v;
      const total = (f: (x: Integrity) => number) => thousands(xs.reduce((a, x) => a + f(x), 0));
      out.push(
        `| ${SERVER_LABELS[kind]} | ${name} | ${total((x) => x.sent)} | ${total((x) => x.acked)} | ${total((x) => x.ackedNotDelivered)} | ${total((x) => x.closedByServer)} | ${
          Object.entries(errors)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || 'none'
        } |`,
      );
    };
    for (const f of plan.fanout) {
      sum(
        (rep) => rep.fanout.find((x) => x.subscribers === f.subscribers)?.integrity,
        `fan-out ${thousands(f.subscribers)}`,
      );
    }
    sum(
      (rep) => rep.fanout2?.integrity,
      `fan-out ${thousands(plan.fanout2.subscribers)}, two processes over Redis`,
    );
    sum((rep) => rep.rooms?.integrity, 'many rooms');
  }
  out.push('');

  out.push('## Bytes on the wire (Transport lab, Switchboard)', '');
  if (results.lab) {
    out.push(
      `\`runLab\` from web/lab/run-lab.ts against the Switchboard process, read from the server's own counters: ${plan.lab.messages} messages at ${plan.lab.ratePerSec}/s, then ${plan.lab.idleMs / 1000} s idle (scaled to a minute; with HEARTBEAT_MS=25000 a short idle window sees 0, 1 or 2 heartbeats). Short polling is the lab's strawman.`,
      '',
      '| Transport | Bytes per delivered message | Bytes per idle minute | Requests | Server latency p50 / p95 (ms) |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const row of results.lab) {
      out.push(
        `| ${row.transport} | ${fmt(row.bytesPerMessage)} | ${fmt(row.idleBytesPerMinute)} | ${row.requests} | ${fmt(row.latencyP50)} / ${fmt(row.latencyP95)} |`,
      );
    }
  } else {
    out.push(results.labError ? `Not measured: ${results.labError}` : 'Not run (not among --scenarios).');
  }
  out.push('');

  out.push('## Retried sends (Switchboard)', '');
  if (results.retry) {
    const r = results.retry;
    out.push(
      `One raw client sends ${r.sends} new messages (${plan.retry.inFlight} in flight), then every one again with its clientMsgId and text, as a client resending its outbox after a reconnect. Server CPU per acknowledged send:`,
      '',
      '| New send (µs) | Retried send (µs) | Retry / new | Retries answered with their original seq |',
      '| --- | --- | --- | --- |',
      `| ${fmt(r.newCpuUsPerSend)} | ${fmt(r.retryCpuUsPerSend)} | ${fmt(r.ratio)}× | ${r.sameSeq} of ${r.sends} |`,
    );
  } else {
    out.push(results.retryError ? `Not measured: ${results.retryError}` : 'Not run (not among --scenarios).');
  }
  out.push('');

  out.push(
    '## Bundle',
    '',
    '| Bundle | Raw bytes | Gzip bytes (level 9) | Files |',
    '| --- | --- | --- | --- |',
  );
  for (const b of results.bundle) {
    out.push(
      `| ${b.name} | ${b.raw === null ? (b.note ?? '–') : thousands(b.raw)} | ${b.gzip === null ? '–' : thousands(b.gzip)} | ${b.files.join(', ') || (b.note ?? '')} |`,
    );
  }
  out.push('');

  for (const p of results.profiles ?? []) {
    out.push(
      `## Where Switchboard spends its time (CPU profile, ${p.scenario})`,
      '',
      `V8's sampling profiler (started and stopped through the inspector) on a fresh Switchboard process while ${p.scenario} sends (fixed load, then the ramp; connecting is left out). ${fmt(p.totalMs)} ms sampled, idle excluded; self time by function. The profiler samples the main thread's wall time, so a synchronous fsync inside better-sqlite3 shows up in the native \`run\` of a statement.`,
      '',
      '| Function | Where | Self ms | Share |',
      '| --- | --- | --- | --- |',
      ...p.top.map((f) => `| ${f.name} | ${f.where} | ${fmt(f.selfMs)} | ${f.pct.toFixed(1)} % |`),
      '',
      `Profile file: ${p.file}`,
      '',
    );
  }
  return out.join('\n');
}
