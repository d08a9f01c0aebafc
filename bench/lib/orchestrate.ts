/**
 * What the orchestrator does with one server: the idle scenario on a fresh process (GC and RSS
 * through the inspector and /proc), then setup, fan-out and many rooms on another fresh process,
 * each scenario asked of the load generator; and the profiling run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './aggregate.js';
import type { ServerProcess } from './children.js';
import { windowFlags } from './flags.js';
import type { LoadGen } from './loadgen.js';
import { errorText, log, setContext, sleep } from './log.js';
import type { Options, Plan } from './plan.js';
import { processRssKiB } from './proc.js';
import { type ProfileSummary, summarizeProfile } from './profile.js';
import type { QuietGate } from './quiet.js';
import type { ServerRep } from './results.js';
import {
  type FanoutPlan,
  type FanoutResult,
  type IdleResult,
  type RampPlan,
  type RoomsResult,
  SERVER_LABELS,
  type ServerKind,
  type SetupResult,
  type Target,
} from './types.js';

export interface Runner {
  plan: Plan;
  options: Options;
  lg: LoadGen;
  quiet: QuietGate;
  /** `env`: added to Switchboard's environment (the two-process scenario's PostgreSQL and Redis). */
  start(kind: ServerKind, extraNodeArgs?: string[], env?: Record<string, string>): Promise<ServerProcess>;
}

export const targetOf = (s: ServerProcess): Target => ({ kind: s.kind, url: s.url, pid: s.pid });

/** RSS once it has stopped moving (the last `samples` readings, 150 ms apart, within 0.2 % or 64 KiB). */
async function settledRss(
  pid: number,
  maxMs: number,
  samples: number,
): Promise<{ rss: number; settled: boolean }> {
  const readings: number[] = [];
  const until = performance.now() + maxMs;
  for (;;) {
    const rss = processRssKiB(pid);
    if (rss === null) throw new Error('the server exited while its memory was being measured');
    readings.push(rss);
    const last = readings.slice(-samples);
    const spread = Math.max(...last) - Math.min(...last);
    if (last.length === samples && spread <= Math.max(64, rss * 0.002)) return { rss, settled: true };
    if (performance.now() > until) return { rss, settled: false };
    await sleep(150);
  }
}

export async function idleScenario(run: Runner, kind: ServerKind): Promise<IdleResult> {
  const { plan, lg } = run;
  const n = plan.idle.connections;
  const samples = plan.mode === 'smoke' ? 3 : 4;
  const server = await run.start(kind);
  try {
    const target = targetOf(server);
    // Warm-up: code paths that load lazily on the first connections are not per-connection memory.
    await lg.call({ op: 'idleOpen', target, plan: plan.idle, count: Math.min(20, n) });
    await lg.call({ op: 'idleClose' });
    let gc = await server.gc();
    await run.quiet.wait();
    const before = await settledRss(server.pid, plan.idleSettleMs, samples);
    const opened = await lg.call<{ ms: number }>(
      { op: 'idleOpen', target, plan: plan.idle, count: n },
      300_000,
    );
    await sleep(plan.pauseMs);
    gc = (await server.gc()) && gc;
    const after = await settledRss(server.pid, plan.idleSettleMs, samples);
    await lg.call({ op: 'idleClose' });
    const perConnKiB = (after.rss - before.rss) / n;
    log(
      `idle: ${fmt(perConnKiB)} KiB per connection (${fmt(before.rss / 1024)} → ${fmt(after.rss / 1024)} MiB RSS; ${n} opened in ${fmt(opened.ms / 1000)} s${gc ? '' : '; no GC through the inspector'})`,
    );
    return {
      connections: n,
      rssBeforeKiB: before.rss,
      rssAfterKiB: after.rss,
      perConnKiB,
      gc,
      settled: before.settled && after.settled,
    };
  } finally {
    await server.stop();
  }
}

/** Later repetitions start the ramp one rung below the best the server reached before. */
export const rampFrom = (ramp: RampPlan | null, best: number | undefined): RampPlan | null =>
  ramp && { ...ramp, startIndex: best === undefined ? 0 : Math.max(0, best - 1) };

export async function runServer(run: Runner, kind: ServerKind, rep: ServerRep, best: Map<string, number>) {
  const { plan, options, lg } = run;
  const wants = (s: string) => options.scenarios.includes(s as Options['scenarios'][number]);
  if (wants('idle')) {
    setContext(`rep ${rep.rep}/${plan.reps} · ${SERVER_LABELS[kind]} · idle`);
    try {
      rep.idle = await idleScenario(run, kind);
    } catch (err) {
      rep.errors.push(`idle: ${errorText(err)}`);
      log(`idle failed: ${errorText(err)}`);
    }
  }
  // The two-process fan-out is reported beside the one-process figure at its size: measured here
  // even when fan-out itself was not asked for.
  const fanouts = wants('fanout')
    ? plan.fanout
    : kind === 'switchboard' && wants('fanout2')
      ? plan.fanout.filter((f) => f.subscribers === plan.fanout2.subscribers)
      : [];
  if (!wants('setup') && fanouts.length === 0 && !wants('rooms')) return;
  setContext(`rep ${rep.rep}/${plan.reps} · ${SERVER_LABELS[kind]}`);
  let server: ServerProcess;
  try {
    server = await run.start(kind);
  } catch (err) {
    rep.errors.push(`start: ${errorText(err)}`);
    log(`could not start: ${errorText(err)}`);
    return;
  }
  const target = targetOf(server);
  try {
    if (wants('setup')) {
      setContext(`rep ${rep.rep}/${plan.reps} · ${SERVER_LABELS[kind]} · setup`);
      try {
        await run.quiet.wait();
        const r = await lg.call<SetupResult>({ op: 'setup', target, plan: plan.setup });
        rep.setup = r;
        log(
          `${r.connections} connections: ${fmt(r.connsPerSec)}/s, ${fmt(r.cpuMsPerConn)} ms server CPU each${windowFlags(r.window)}`,
        );
      } catch (err) {
        rep.errors.push(`connection setup: ${errorText(err)}`);
        log(`connection setup failed: ${errorText(err)}`);
      }
    }
    for (const f of fanouts) {
      setContext(`rep ${rep.rep}/${plan.reps} · ${SERVER_LABELS[kind]} · fan-out ${f.subscribers}`);
      const key = `${kind}:fanout:${f.subscribers}`;
      const fPlan: FanoutPlan = { ...f, ramp: rampFrom(f.ramp, best.get(key)) };
      try {
        await run.quiet.wait();
        const r = await lg.call<FanoutResult>({ op: 'fanout', target, plan: fPlan });
        rep.fanout.push(r);
        if (r.ramp && r.ramp.bestIndex >= 0) best.set(key, r.ramp.bestIndex);
      } catch (err) {
        rep.errors.push(`fan-out ${f.subscribers}: ${errorText(err)}`);
        log(`failed: ${errorText(err)}`);
      }
    }
    if (wants('rooms')) {
      setContext(
        `rep ${rep.rep}/${plan.reps} · ${SERVER_LABELS[kind]} · rooms ${plan.rooms.rooms}×${plan.rooms.members}`,
      );
      const key = `${kind}:rooms`;
      try {
        await run.quiet.wait();
        const r = await lg.call<RoomsResult>({
          op: 'rooms',
          target,
          plan: { ...plan.rooms, ramp: rampFrom(plan.rooms.ramp, best.get(key)) },
        });
        rep.rooms = r;
        if (r.ramp && r.ramp.bestIndex >= 0) best.set(key, r.ramp.bestIndex);
      } catch (err) {
        rep.errors.push(`many rooms: ${errorText(err)}`);
        log(`failed: ${errorText(err)}`);
      }
    }
  } finally {
    await server.stop();
  }
}

/**
 * Profiles Switchboard while a scenario sends (fixed load, then the ramp), through the inspector:
 * starting the process and connecting the clients are left out of the picture.
 */
export async function profileScenario(
  run: Runner,
  op: 'fanout' | 'rooms',
  dir: string,
): Promise<ProfileSummary> {
  const { plan } = run;
  const f = plan.fanout.reduce((a, b) => (b.subscribers > a.subscribers ? b : a));
  const scenario =
    op === 'fanout'
      ? `fan-out at ${f.subscribers.toLocaleString('en-US')} subscribers`
      : `many rooms (${plan.rooms.rooms} rooms of ${plan.rooms.members})`;
  setContext(`profile · Switchboard · ${scenario}`);
  mkdirSync(dir, { recursive: true });
  const server = await run.start('switchboard');
  let stopper: Promise<() => Promise<object>> | null = null;
  let profile: Promise<object> | null = null;
  run.lg.onMark = (mark) => {
    if (mark === 'sending') stopper = server.profile();
    if (mark === 'sent' && stopper) profile = stopper.then((stop) => stop());
  };
  try {
    await run.quiet.wait();
    const target = targetOf(server);
    if (op === 'fanout') {
      await run.lg.call({ op, target, plan: { ...f, ramp: f.ramp && { ...f.ramp, startIndex: 0 } } });
    } else {
      const rooms = plan.rooms;
      await run.lg.call({
        op,
        target,
        plan: { ...rooms, ramp: rooms.ramp && { ...rooms.ramp, startIndex: 0 } },
      });
    }
    if (!profile) throw new Error('the load generator never said when sending started and ended');
    const file = join(dir, `switchboard-${op}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(await (profile as Promise<object>)));
    return summarizeProfile(file, scenario);
  } finally {
    run.lg.onMark = null;
    await server.stop();
  }
}
