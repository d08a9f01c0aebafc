/**
 * The two-process fan-out (fanout2): Switchboard as two fresh processes, A and B, on one
 * PostgreSQL schema and one Redis key prefix (bench/lib/cluster.ts). The subscribers of one room
 * alternate between A and B and the sender is on A, so A delivers half of each message's
 * deliveries from memory and B gets each message once over Redis pub/sub. Sizes and load are the
 * one-process fan-out's at the same size, which it is reported beside.
 */
import { fmt } from './aggregate.js';
import type { ServerProcess } from './children.js';
import type { ClusterServices } from './cluster.js';
import { errorText, log, setContext } from './log.js';
import { type Runner, rampFrom, targetOf } from './orchestrate.js';
import type { Plan } from './plan.js';
import type { ServerRep } from './results.js';
import type { FanoutResult, Target } from './types.js';

/** The services of a run, and whether the load generator has made its users and room there. */
export interface TwoProcessRun {
  services: ClusterServices;
  prepared: boolean;
}

/** How the scenario runs, in words (printed with the results). */
export function describeTwoProcess(plan: Plan, services: ClusterServices, pinned: boolean): string {
  const f = plan.fanout2;
  const n = f.subscribers;
  const msgPerSec = f.deliveriesPerSec / n;
  const placement = pinned
    ? 'both pinned to core 0, the core the one-process server has to itself (the load generator owns core 1, and this machine has two), so the pair shares one core: the figure is the cost of the Redis hop and of a second process, not added capacity'
    : 'not pinned';
  const ramp = f.ramp
    ? 'then the same ramp to saturation (its first repetition starts one rung below the one-process best)'
    : 'fixed load only (no ramp in this mode, to keep the run short)';
  return `Two fresh Switchboard processes per repetition, A and B, on ${services.where}; ${placement}. ${n.toLocaleString('en-US')} subscribers in one room, alternately on A and B (${(n / 2).toLocaleString('en-US')} each), the sender on A: A delivers to its own from memory, B receives each message once over Redis pub/sub. The same load as the one-process fan-out: ${f.deliveriesPerSec.toLocaleString('en-US')} deliveries/s (${fmt(msgPerSec)} msg/s), ${ramp}. Server CPU is A's and B's summed; Redis's and PostgreSQL's own CPU is not counted. Users (a pool of ${plan.fixtures.users}) are registered on A and connect to either (sessions are in the shared database). The one-process figure stores in SQLite (FULL), the two-process one in PostgreSQL: a cost per message, not per delivery.`;
}

const ratio = (two: number | null, one: number | null | undefined) =>
  two === null || one === null || one === undefined || one === 0
    ? ''
    : ` (${(two / one).toFixed(2)}× one process)`;

function logComparison(two: FanoutResult, one: FanoutResult | undefined): void {
  const t = two.fixed;
  const o = one?.fixed;
  log(
    `two processes: ${fmt(t.deliveriesPerSec)} deliveries/s${ratio(t.deliveriesPerSec, o?.deliveriesPerSec)}, ${fmt(t.cpuMsPerMillion)} ms server CPU per 1M${ratio(t.cpuMsPerMillion, o?.cpuMsPerMillion)}, p50 ${fmt(t.latency.p50Ms)} ms${ratio(t.latency.p50Ms, o?.latency.p50Ms)}, p99 ${fmt(t.latency.p99Ms)} ms${ratio(t.latency.p99Ms, o?.latency.p99Ms)}`,
  );
  const [a, b] = t.window.serverCpuMsEach ?? [];
  if (a !== undefined && b !== undefined) {
    log(
      `server CPU in the window: A (sender, half the subscribers) ${fmt(a)} ms, B (the other half, over Redis) ${fmt(b)} ms, in ${fmt(t.window.wallMs)} ms`,
    );
  }
  if (o) {
    log(
      `one process:   ${fmt(o.deliveriesPerSec)} deliveries/s, ${fmt(o.cpuMsPerMillion)} ms server CPU per 1M, p50 ${fmt(o.latency.p50Ms)} ms, p99 ${fmt(o.latency.p99Ms)} ms`,
    );
  }
  if (two.ramp) {
    log(
      `saturation: two processes ${fmt(two.ramp.saturation)} deliveries/s, one process ${fmt(one?.ramp?.saturation)}${ratio(two.ramp.saturation, one?.ramp?.saturation)}`,
    );
  }
}

/** Runs the scenario once (one repetition) and records it in `rep` (Switchboard's). */
export async function twoProcessFanout(
  run: Runner,
  cluster: TwoProcessRun,
  rep: ServerRep,
  best: Map<string, number>,
): Promise<void> {
  const { plan, lg } = run;
  const f = plan.fanout2;
  setContext(`rep ${rep.rep}/${plan.reps} · Switchboard · fan-out ${f.subscribers}, two processes`);
  const env = cluster.services.env;
  // Started together, as a deployment would: migrations and seeding cope with a twin.
  const started = await Promise.allSettled([
    run.start('switchboard', [], env),
    run.start('switchboard', [], env),
  ]);
  const servers: ServerProcess[] = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw new Error(`could not start both processes: ${errorText(failed.reason)}`);
    const [a, b] = servers.map((s): Target => ({ ...targetOf(s), store: 'cluster' })) as [Target, Target];
    if (!cluster.prepared) {
      const made = await lg.call<{ users: number; ms: number }>(
        { op: 'prepare', target: a, fixtures: { users: plan.fixtures.users, rooms: 0 } },
        600_000,
      );
      cluster.prepared = true;
      log(`${made.users} users and the fan-out room ready on PostgreSQL in ${fmt(made.ms / 1000)} s`);
    }
    const key = `switchboard:fanout2:${f.subscribers}`;
    const fPlan = {
      ...f,
      ramp: rampFrom(f.ramp, best.get(key) ?? best.get(`switchboard:fanout:${f.subscribers}`)),
    };
    await run.quiet.wait();
    const result = await lg.call<FanoutResult>({ op: 'fanout', target: a, peers: [b], plan: fPlan });
    rep.fanout2 = result;
    if (result.ramp && result.ramp.bestIndex >= 0) best.set(key, result.ramp.bestIndex);
    logComparison(
      result,
      rep.fanout.find((x) => x.subscribers === f.subscribers),
    );
  } catch (err) {
    rep.errors.push(`fan-out over two processes: ${errorText(err)}`);
    log(`failed: ${errorText(err)}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
