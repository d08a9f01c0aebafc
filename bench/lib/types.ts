/**
 * What the orchestrator (bench/run.ts) and the load generator (bench/load/main.ts) say to each
 * other over IPC, and the shape of every result. Plain data only: it crosses a process boundary.
 */

export type ServerKind = 'switchboard' | 'socketio' | 'ws-naive' | 'ws-coalesced';
export const SERVER_KINDS: readonly ServerKind[] = ['switchboard', 'socketio', 'ws-naive', 'ws-coalesced'];
export const SERVER_LABELS: Record<ServerKind, string> = {
  switchboard: 'Switchboard',
  socketio: 'Socket.IO',
  'ws-naive': 'ws naive',
  'ws-coalesced': 'ws coalesced',
};

export type ScenarioName = 'fanout' | 'fanout2' | 'rooms' | 'idle' | 'setup' | 'lab' | 'retry';
export const SCENARIOS: readonly ScenarioName[] = [
  'fanout',
  'fanout2',
  'rooms',
  'idle',
  'setup',
  'lab',
  'retry',
];

/** A server under test, as the load generator needs it. */
export interface Target {
  kind: ServerKind;
  /** http://127.0.0.1:port */
  url: string;
  pid: number;
  /**
   * Switchboard: whose users and rooms its clients use (see bench/load/fixtures.ts): the run's
   * SQLite directory (absent) or the two-process scenario's PostgreSQL schema ('cluster').
   */
  store?: FixtureStore;
}

export type FixtureStore = 'sqlite' | 'cluster';

/** CPU and placement figures of one measurement window. */
export interface WindowStats {
  wallMs: number;
  /** Server process CPU (utime + stime from /proc/<pid>/stat), all threads (of every server process). */
  serverCpuMs: number;
  /** With several server processes (fanout2): each one's share of serverCpuMs, in their order. */
  serverCpuMsEach?: number[];
  /** The load generator's own CPU (process.cpuUsage), as % of one core. */
  loadGenCpuPct: number;
  /** Busy % of the load generator's core, all processes (from /proc/stat); null if unpinned. */
  loadGenCorePct: number | null;
  /** Busy % of the server's core not spent by the server: other processes (noise). */
  serverCoreOtherPct: number | null;
  /** Busy % of the load generator's core not spent by the load generator. */
  loadGenCoreOtherPct: number | null;
  /** The load generator's core was near 100 %: the figure may be the load generator's limit. */
  loadGenBound: boolean;
  /** Other processes took a large share of either core: the figure is noisy. */
  noisy: boolean;
}

export interface Latency {
  p50Ms: number | null;
  p99Ms: number | null;
  samples: number;
}

export interface RampStep {
  /** Offered rate (fan-out: deliveries/s; rooms: messages/s). */
  offered: number;
  /** Achieved in the step (deliveries or acked/relayed messages, per second). */
  achieved: number;
  /** Share of the step's expected deliveries (or acks) that arrived in time. */
  completed: number;
  latency: Latency;
  pass: boolean;
  /** Why a step failed, in words. */
  why?: string;
  window: WindowStats;
}

export interface RampResult {
  steps: RampStep[];
  /** The highest achieved rate of a passing step (null when even the first step failed). */
  saturation: number | null;
  saturationLoadGenBound: boolean;
  saturationNoisy: boolean;
  /** Index on the ladder of the first step run (later repetitions start near the last result). */
  startIndex: number;
  /** Index on the ladder of the best passing step, -1 if none. */
  bestIndex: number;
}

/** What a run found about delivery guarantees (checked for Switchboard; counted for all). */
export interface Integrity {
  sent: number;
  /** Switchboard: acks; baselines: messages whose echo reached their sender. */
  acked: number;
  /** Acked messages that did not reach every member by the end of the scenario. */
  ackedNotDelivered: number;
  closedByServer: number;
  /** Error frames (Switchboard), by code. */
  errors: Record<string, number>;
}

export interface FanoutFixed {
  subscribers: number;
  msgPerSec: number;
  /** Deliveries that arrived during the window, per second. */
  deliveriesPerSec: number;
  cpuMsPerMillion: number;
  latency: Latency;
  window: WindowStats;
}

export interface FanoutResult {
  subscribers: number;
  fixed: FanoutFixed;
  ramp: RampResult | null;
  integrity: Integrity;
}

export interface RoomsFixed {
  offeredMsgsPerSec: number;
  /** Switchboard: acknowledged; baselines: relayed (echo back at the sender). */
  ackedPerSec: number;
  deliveryLatency: Latency;
  ackLatency: Latency;
  cpuMsPerThousandMsgs: number;
  window: WindowStats;
}

export interface RoomsResult {
  rooms: number;
  members: number;
  fixed: RoomsFixed;
  ramp: RampResult | null;
  integrity: Integrity;
}

export interface SetupResult {
  connections: number;
  wallMs: number;
  connsPerSec: number;
  cpuMsPerConn: number;
  window: WindowStats;
}

export interface IdleResult {
  connections: number;
  rssBeforeKiB: number;
  rssAfterKiB: number;
  perConnKiB: number;
  /** A full GC ran (through the inspector) before each RSS reading. */
  gc: boolean;
  settled: boolean;
}

export interface LabRow {
  transport: string;
  bytesPerMessage: number;
  idleBytesPerMinute: number;
  requests: number;
  latencyP50: number | null;
  latencyP95: number | null;
}

export interface RampPlan {
  /** The first rung of the ladder (fan-out: messages/s from the sender; rooms: messages/s in all). */
  start: number;
  factor: number;
  stepMs: number;
  /** Quiet time after a step before it is judged (late deliveries still count). */
  graceMs: number;
  maxSteps: number;
  /** A step passes when at least this share arrived in time ... */
  passShare: number;
  /** ... and p99 latency is at most this. */
  p99BoundMs: number;
  /** Ladder index to begin at (0, or near the previous repetition's result). */
  startIndex: number;
}

export interface FanoutPlan {
  subscribers: number;
  /** Fixed offered load: deliveries per second (the sender sends this / subscribers msg/s). */
  deliveriesPerSec: number;
  warmupMs: number;
  windowMs: number;
  ramp: RampPlan | null;
  concurrency: number;
}

export interface RoomsPlan {
  rooms: number;
  members: number;
  /** Fixed load: messages per second per member. */
  perMemberRate: number;
  warmupMs: number;
  windowMs: number;
  ramp: RampPlan | null;
  concurrency: number;
}

export interface SetupPlan {
  connections: number;
  concurrency: number;
}

export interface IdlePlan {
  connections: number;
  concurrency: number;
  /** Rooms the idle connections are spread over (the rooms scenario's rooms). */
  rooms: number;
}

/** Retries against new sends (Switchboard only). */
export interface RetryPlan {
  sends: number;
  /** Sends unacknowledged at most at any time. */
  inFlight: number;
}

export interface RetryResult {
  sends: number;
  /** Server CPU per acknowledged send, new messages. */
  newCpuUsPerSend: number;
  /** The same, for the second pass: every send again with its clientMsgId and text. */
  retryCpuUsPerSend: number;
  /** retry / new: at most 1 is the goal. */
  ratio: number;
  newWallMs: number;
  retryWallMs: number;
  /** Retries answered with their original seq (all of them, or something is wrong). */
  sameSeq: number;
}

export interface LabPlan {
  messages: number;
  ratePerSec: number;
  idleMs: number;
}

/** Switchboard fixtures: users and rooms made once per data directory. */
export interface FixturePlan {
  users: number;
  rooms: number;
}

export type Request =
  | { op: 'prepare'; target: Target; fixtures: FixturePlan }
  /**
   * `peers`: the other processes of a cluster (fanout2). Subscribers are spread over target and
   * peers in turn, the sender stays on target, and server CPU is summed over all of them.
   */
  | { op: 'fanout'; target: Target; plan: FanoutPlan; peers?: Target[] }
  | { op: 'rooms'; target: Target; plan: RoomsPlan }
  | { op: 'setup'; target: Target; plan: SetupPlan }
  | { op: 'idleOpen'; target: Target; plan: IdlePlan; count: number }
  | { op: 'idleClose' }
  | { op: 'lab'; target: Target; plan: LabPlan }
  | { op: 'retry'; target: Target; plan: RetryPlan };

export type RequestMessage = Request & { id: number };

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { progress: string }
  /** `sending`: a scenario's clients are connected and sending starts; `sent`: sending is over. */
  | { mark: 'sending' | 'sent' };

/** The clients the benchmark used for each server, in words (printed with the results). */
export const CLIENT_NOTES: Record<ServerKind, string> = {
  switchboard:
    'fan-out and rooms: a raw `ws` client of the Switchboard protocol (hello with token, sub, send with clientMsgId, ack, answers pings), because the SDK validates every frame with valibot and would make the load generator the bottleneck; idle and connection setup: the SDK (`createClient` with `ws` and a session token); bytes on the wire: `runLab` (SDK)',
  socketio: '`socket.io-client` 4.8, `transports: ["websocket"]`',
  'ws-naive': 'plain `ws` client',
  'ws-coalesced': 'plain `ws` client',
};
