/** The scenarios the load generator runs, each against one server, bounded in time and size. */
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../../web/client/transport.js';
import { runLab } from '../../web/lab/run-lab.js';
import { windowFlags } from '../lib/flags.js';
import type {
  FanoutPlan,
  FanoutResult,
  IdlePlan,
  LabPlan,
  LabRow,
  Latency,
  RoomsPlan,
  RoomsResult,
  SetupPlan,
  SetupResult,
  Target,
} from '../lib/types.js';
import { type BenchClient, type ClientEvents, noEvents, openClient, openMany } from './clients/index.js';
import { drive, quiet, sleep, until } from './drive.js';
import { currentFixtures, MEMBERS_PER_ROOM } from './fixtures.js';
import { nowMicros } from './message.js';
import { runRamp } from './ramp.js';
import { Tracker } from './tracker.js';
import { startWindow } from './window.js';

type Progress = (line: string) => void;
type Mark = (mark: 'sending' | 'sent') => void;

/** Late deliveries of a window's messages still count for this long after it ends. */
const FIXED_GRACE_MS = 2000;
/**
 * The pause after connecting (presence and join traffic settles), after closing (the server
 * handles the closes) and of silence that means drained. The orchestrator shortens it for --smoke.
 */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS || 300);

const eventsFor = (tracker: Tracker): ClientEvents => ({
  message: (client, k, t) => tracker.delivery(client, k, t),
  ack: (_client, k) => tracker.ack(k),
  closed: () => {
    tracker.closedByServer++;
  },
  error: (_client, code) => tracker.error(code),
});

const latencyOf = (samples: Tracker['deliveryLatency']): Latency => {
  const [p50, p99] = samples.percentiles([0.5, 0.99]);
  return { p50Ms: p50 ?? null, p99Ms: p99 ?? null, samples: samples.n };
};

/**
 * Waits until everything sent so far has arrived (at most 10 s: a backlog at saturation, or a
 * message lost with a closed connection), then for a moment of silence.
 */
const drain = async (tracker: Tracker) => {
  await until(() => tracker.settled(), 10_000);
  await quiet(() => tracker.arrivals + tracker.ackArrivals, PAUSE_MS, 5000);
};

const closeAll = async (clients: BenchClient[]) => {
  for (const c of clients) c.close();
  // Let the server finish its close handling before the next measurement.
  await sleep(PAUSE_MS);
};

/**
 * One room of `plan.subscribers`, one of them sending. `targets` is one server, or the processes
 * of a cluster (fanout2): subscriber i connects to targets[i % targets.length], so the sender
 * (subscriber 0) is on the first, and a window's server CPU is the sum over all of them.
 */
export async function fanout(
  targets: readonly Target[],
  plan: FanoutPlan,
  progress: Progress,
  mark: Mark = () => {},
): Promise<FanoutResult> {
  const target = targets[0];
  if (!target) throw new Error('fan-out needs a server to connect to');
  const pids = targets.map((t) => t.pid);
  const n = plan.subscribers;
  const tracker = new Tracker(target.kind !== 'switchboard');
  const clients = await openMany(n, plan.concurrency, (i) =>
    openClient(targets[i % targets.length] as Target, 'raw', i, { kind: 'fan' }, eventsFor(tracker)),
  );
  try {
    await sleep(PAUSE_MS);
    const sender = clients[0] as BenchClient;
    const sendOne = () => {
      const t = nowMicros();
      sender.send(tracker.next(sender.index, n, t), t);
    };

    const msgPerSec = plan.deliveriesPerSec / n;
    mark('sending');
    await drive(msgPerSec, plan.warmupMs, sendOne);
    tracker.openWindow();
    const arrivals = tracker.arrivals;
    const window = startWindow(pids);
    await drive(msgPerSec, plan.windowMs, sendOne);
    const stats = window.end();
    const arrived = tracker.arrivals - arrivals;
    tracker.closeWindow();
    const expected = tracker.windowExpected();
    await until(() => tracker.deliveryLatency.n >= expected, FIXED_GRACE_MS);
    const fixed = {
      subscribers: n,
      msgPerSec,
      deliveriesPerSec: arrived / (stats.wallMs / 1000),
      cpuMsPerMillion: (stats.serverCpuMs / arrived) * 1e6,
      latency: latencyOf(tracker.deliveryLatency),
      window: stats,
    };
    progress(
      `fixed ${plan.deliveriesPerSec.toLocaleString('en-US')} deliveries/s: ${fixed.cpuMsPerMillion.toFixed(0)} ms CPU per 1M, p50 ${fixed.latency.p50Ms?.toFixed(2)} ms, p99 ${fixed.latency.p99Ms?.toFixed(2)} ms${windowFlags(stats)}`,
    );

    const ramp = plan.ramp
      ? await runRamp(
          plan.ramp,
          {
            unit: 'deliveries/s',
            async step(rate) {
              tracker.openWindow();
              const closed = tracker.closedByServer;
              const w = startWindow(pids);
              await drive(rate, plan.ramp?.stepMs ?? 1000, sendOne);
              const s = w.end();
              tracker.closeWindow();
              const want = tracker.windowExpected();
              await until(() => tracker.deliveryLatency.n >= want, plan.ramp?.graceMs ?? 300);
              const got = tracker.deliveryLatency.n;
              return {
                offered: rate * n,
                achieved: got / (s.wallMs / 1000),
                completed: want > 0 ? got / want : 0,
                latency: latencyOf(tracker.deliveryLatency),
                window: s,
                closedByServer: tracker.closedByServer - closed,
              };
            },
            drain: () => drain(tracker),
          },
          progress,
        )
      : null;
    mark('sent');
    await drain(tracker);
    return { subscribers: n, fixed, ramp, integrity: tracker.integrity() };
  } finally {
    await closeAll(clients);
  }
}

export async function rooms(
  target: Target,
  plan: RoomsPlan,
  progress: Progress,
  mark: Mark = () => {},
): Promise<RoomsResult> {
  const members = plan.rooms * plan.members;
  if (plan.members !== MEMBERS_PER_ROOM) throw new Error(`rooms have ${MEMBERS_PER_ROOM} members`);
  const tracker = new Tracker(target.kind !== 'switchboard');
  const clients = await openMany(members, plan.concurrency, (i) =>
    openClient(
      target,
      'raw',
      i,
      { kind: 'room', r: Math.floor(i / plan.members), m: i % plan.members },
      eventsFor(tracker),
    ),
  );
  try {
    await sleep(PAUSE_MS);
    // Members take turns, room after room, so every member sends at the same rate.
    let turn = 0;
    const sendOne = () => {
      const c = clients[turn] as BenchClient;
      turn = (turn + 1) % members;
      const t = nowMicros();
      c.send(tracker.next(c.index, plan.members, t), t);
    };
    const allIn = (messages: number, deliveries: number) => () =>
      tracker.windowAcked() >= messages && tracker.deliveryLatency.n >= deliveries;

    const rate = plan.perMemberRate * members;
    mark('sending');
    await drive(rate, plan.warmupMs, sendOne);
    tracker.openWindow();
    const acks = tracker.ackArrivals;
    const window = startWindow(target.pid);
    await drive(rate, plan.windowMs, sendOne);
    const stats = window.end();
    const acked = tracker.ackArrivals - acks;
    const messages = tracker.closeWindow();
    await until(allIn(messages, tracker.windowExpected()), FIXED_GRACE_MS);
    const fixed = {
      offeredMsgsPerSec: rate,
      ackedPerSec: acked / (stats.wallMs / 1000),
      deliveryLatency: latencyOf(tracker.deliveryLatency),
      ackLatency: latencyOf(tracker.ackLatency),
      cpuMsPerThousandMsgs: (stats.serverCpuMs / acked) * 1000,
      window: stats,
    };
    progress(
      `fixed ${Math.round(rate).toLocaleString('en-US')} msgs/s: ${Math.round(fixed.ackedPerSec).toLocaleString('en-US')} ${target.kind === 'switchboard' ? 'acked' : 'relayed'}/s, delivery p99 ${fixed.deliveryLatency.p99Ms?.toFixed(2)} ms, ${fixed.cpuMsPerThousandMsgs.toFixed(1)} ms CPU per 1k msgs${windowFlags(stats)}`,
    );

    const ramp = plan.ramp
      ? await runRamp(
          plan.ramp,
          {
            unit: 'msgs/s',
            async step(stepRate) {
              tracker.openWindow();
              const closed = tracker.closedByServer;
              const w = startWindow(target.pid);
              await drive(stepRate, plan.ramp?.stepMs ?? 1000, sendOne);
              const s = w.end();
              const sent = tracker.closeWindow();
              await until(allIn(sent, tracker.windowExpected()), plan.ramp?.graceMs ?? 300);
              const got = tracker.windowAcked();
              return {
                offered: stepRate,
                achieved: got / (s.wallMs / 1000),
                completed: sent > 0 ? got / sent : 0,
                latency: latencyOf(tracker.deliveryLatency),
                window: s,
                closedByServer: tracker.closedByServer - closed,
              };
            },
            drain: () => drain(tracker),
          },
          progress,
        )
      : null;
    mark('sent');
    await drain(tracker);
    return { rooms: plan.rooms, members: plan.members, fixed, ramp, integrity: tracker.integrity() };
  } finally {
    await closeAll(clients);
  }
}

export async function setup(target: Target, plan: SetupPlan): Promise<SetupResult> {
  const style = target.kind === 'switchboard' ? 'sdk' : 'raw';
  const window = startWindow(target.pid);
  const clients = await openMany(plan.connections, plan.concurrency, (i) =>
    openClient(target, style, i, { kind: 'none' }, noEvents),
  );
  const stats = window.end();
  await closeAll(clients);
  return {
    connections: plan.connections,
    wallMs: stats.wallMs,
    connsPerSec: plan.connections / (stats.wallMs / 1000),
    cpuMsPerConn: stats.serverCpuMs / plan.connections,
    window: stats,
  };
}

let idleClients: BenchClient[] = [];

/** Opens idle connections, each a member of one of the rooms scenario's rooms, and keeps them. */
export async function idleOpen(
  target: Target,
  plan: IdlePlan,
  count: number,
): Promise<{ opened: number; ms: number }> {
  const started = performance.now();
  const style = target.kind === 'switchboard' ? 'sdk' : 'raw';
  const opened = await openMany(count, plan.concurrency, (i) =>
    openClient(
      target,
      style,
      i,
      { kind: 'room', r: i % plan.rooms, m: Math.floor(i / plan.rooms) % MEMBERS_PER_ROOM },
      noEvents,
    ),
  );
  idleClients.push(...opened);
  return { opened: opened.length, ms: performance.now() - started };
}

export async function idleClose(): Promise<{ closed: number }> {
  const closing = idleClients;
  idleClients = [];
  await closeAll(closing);
  return { closed: closing.length };
}

export async function lab(target: Target, plan: LabPlan, progress: Progress): Promise<LabRow[]> {
  const user = currentFixtures().users[0];
  if (!user) throw new Error('no Switchboard user to run the lab as');
  let lastPhase = '';
  const results = await runLab({
    baseUrl: target.url,
    wsUrl: `${target.url.replace(/^http/, 'ws')}/ws`,
    userId: user.id,
    token: user.token,
    headers: { cookie: `sb_session=${user.token}` },
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    messages: plan.messages,
    ratePerSec: plan.ratePerSec,
    idleMs: plan.idleMs,
    onProgress(transport, phase) {
      const line = `${transport}: ${phase}`;
      if (phase !== 'messages' && line !== lastPhase) {
        lastPhase = line;
        progress(`lab ${line}`);
      }
    },
  });
  return results.map((r) => ({
    transport: r.transport,
    bytesPerMessage: r.bytesPerMessage,
    idleBytesPerMinute: r.idleBytesPerMinute,
    requests: r.requests,
    latencyP50: r.latencyP50,
    latencyP95: r.latencyP95,
  }));
}
