/** The sizes of a run (default, --quick, --smoke) and the command line that picks them. */
import {
  type FanoutPlan,
  type FixturePlan,
  type IdlePlan,
  type LabPlan,
  type RampPlan,
  type RetryPlan,
  type RoomsPlan,
  SCENARIOS,
  type ScenarioName,
  SERVER_KINDS,
  type ServerKind,
  type SetupPlan,
} from './types.js';

export type Mode = 'default' | 'quick' | 'smoke';

export interface Plan {
  mode: Mode;
  reps: number;
  fixtures: FixturePlan;
  /** One entry per subscriber count; the ramp runs on the largest. */
  fanout: FanoutPlan[];
  /**
   * Fan-out over two Switchboard processes and Redis (Switchboard only): the largest fan-out's
   * sizes and load, compared with its one-process figure; without a ramp where time is short.
   */
  fanout2: FanoutPlan;
  rooms: RoomsPlan;
  idle: IdlePlan;
  /** How long the idle scenario waits at most for RSS to settle after a GC. */
  idleSettleMs: number;
  /** Pause after connecting and closing, and silence taken as drained. */
  pauseMs: number;
  /** How long the whole run may wait for a quiet machine before scenarios (see quiet.ts). */
  quietBudgetMs: number;
  setup: SetupPlan;
  lab: LabPlan;
  retry: RetryPlan;
}

const ramp = (over: Partial<RampPlan> & Pick<RampPlan, 'start'>): RampPlan => ({
  factor: 1.5,
  stepMs: 500,
  graceMs: 300,
  maxSteps: 14,
  passShare: 0.95,
  p99BoundMs: 250,
  startIndex: 0,
  ...over,
});

/** Fixed fan-out load: the same deliveries per second for every server and room size. */
const FIXED_DELIVERIES_PER_SEC = 20_000;

/** The two-process fan-out: the largest one-process fan-out, with or without its ramp. */
function withFanout2(plan: Omit<Plan, 'fanout2'>, ramp: boolean): Plan {
  const largest = plan.fanout.reduce((a, b) => (b.subscribers > a.subscribers ? b : a));
  return { ...plan, fanout2: { ...largest, ramp: ramp ? largest.ramp : null } };
}

export function makePlan(mode: Mode): Plan {
  switch (mode) {
    case 'default':
      return withFanout2(
        {
          mode,
          reps: 3,
          fixtures: { users: 100, rooms: 500 },
          fanout: [
            {
              subscribers: 100,
              deliveriesPerSec: FIXED_DELIVERIES_PER_SEC,
              warmupMs: 600,
              windowMs: 1200,
              ramp: null,
              concurrency: 100,
            },
            {
              subscribers: 1000,
              deliveriesPerSec: FIXED_DELIVERIES_PER_SEC,
              warmupMs: 600,
              windowMs: 1500,
              ramp: ramp({ start: 45 }),
              concurrency: 100,
            },
          ],
          rooms: {
            rooms: 500,
            members: 4,
            perMemberRate: 0.5,
            warmupMs: 600,
            windowMs: 1500,
            ramp: ramp({ start: 2250 }),
            concurrency: 100,
          },
          idle: { connections: 5000, concurrency: 200, rooms: 500 },
          idleSettleMs: 2000,
          pauseMs: 300,
          quietBudgetMs: 60_000,
          setup: { connections: 2000, concurrency: 50 },
          lab: { messages: 50, ratePerSec: 20, idleMs: 10_000 },
          retry: { sends: 5000, inFlight: 50 },
        },
        false,
      );
    case 'quick':
      return withFanout2(
        {
          mode,
          reps: 1,
          fixtures: { users: 20, rooms: 50 },
          fanout: [
            {
              subscribers: 100,
              deliveriesPerSec: FIXED_DELIVERIES_PER_SEC,
              warmupMs: 500,
              windowMs: 1000,
              ramp: ramp({ start: 200, factor: 2, stepMs: 400, graceMs: 250, maxSteps: 8 }),
              concurrency: 50,
            },
          ],
          rooms: {
            rooms: 50,
            members: 4,
            perMemberRate: 0.5,
            warmupMs: 500,
            windowMs: 1000,
            ramp: ramp({ start: 1000, factor: 2, stepMs: 400, graceMs: 250, maxSteps: 8 }),
            concurrency: 50,
          },
          idle: { connections: 500, concurrency: 100, rooms: 50 },
          idleSettleMs: 1500,
          pauseMs: 200,
          quietBudgetMs: 15_000,
          setup: { connections: 200, concurrency: 25 },
          lab: { messages: 20, ratePerSec: 20, idleMs: 5000 },
          retry: { sends: 2000, inFlight: 50 },
        },
        false,
      );
    case 'smoke':
      return withFanout2(
        {
          mode,
          reps: 1,
          fixtures: { users: 8, rooms: 5 },
          fanout: [
            {
              subscribers: 10,
              deliveriesPerSec: 200,
              warmupMs: 200,
              windowMs: 500,
              ramp: ramp({ start: 20, factor: 2, stepMs: 300, graceMs: 300, maxSteps: 2 }),
              concurrency: 10,
            },
          ],
          rooms: {
            rooms: 5,
            members: 4,
            perMemberRate: 1,
            warmupMs: 200,
            windowMs: 500,
            ramp: ramp({ start: 20, factor: 2, stepMs: 300, graceMs: 300, maxSteps: 2 }),
            concurrency: 10,
          },
          idle: { connections: 50, concurrency: 25, rooms: 5 },
          idleSettleMs: 600,
          pauseMs: 100,
          quietBudgetMs: 0,
          setup: { connections: 50, concurrency: 10 },
          lab: { messages: 2, ratePerSec: 10, idleMs: 1000 },
          retry: { sends: 50, inFlight: 10 },
        },
        true,
      );
  }
}

export interface Options {
  mode: Mode;
  reps: number;
  servers: ServerKind[];
  scenarios: ScenarioName[];
  /** Build dist/ when it is older than the sources (default), or use it as it is. */
  build: boolean;
  /** Run Switchboard from its TypeScript sources through tsx instead of dist/ (the smoke test). */
  fromSource: boolean;
  outDir: string;
  /** Write a CPU profile of the Switchboard process in the fan-out scenario. */
  profile: boolean;
}

export const HELP = `Usage: npm run bench [-- options]

Compares Switchboard (the production build) with Socket.IO 4.8 and two raw \`ws\` servers (naive
and write-coalescing), each in its own process pinned to core 0, driven by a load generator
pinned to core 1. Scenarios: fan-out (fixed load, then a ramp to saturation), many small rooms,
idle memory per connection, connection setup, bytes on the wire (the Transport lab, Switchboard
only), retried sends against new ones (Switchboard only), fan-out over two Switchboard processes on PostgreSQL and Redis (fanout2, skipped when they
do not answer; BENCH_DATABASE_URL, BENCH_REDIS_URL), plus a bundle-size report. Results go to bench/results/ as Markdown and JSON.

Options:
  --quick            1 repetition, 100 subscribers, 50 rooms of 4, 500 idle connections,
                     200 connections (about 90 s on a quiet 2-core machine, plus a build)
  --smoke            a few seconds of each scenario with tiny sizes (used by the smoke test);
                     runs Switchboard from its sources
  --reps N           repetitions (default 3; --quick and --smoke 1); medians with min and max
  --servers LIST     comma-separated subset of: ${SERVER_KINDS.join(', ')}
  --scenarios LIST   comma-separated subset of: ${SCENARIOS.join(', ')}
  --no-build         use dist/ as it is, even if the sources are newer
  --from-source      run Switchboard from server/main.ts through tsx instead of dist/
  --profile          also profile Switchboard's CPU while fan-out and many rooms send (V8
                     profiler, via the inspector) and list its top functions
  --out DIR          where to write results (default bench/results)
  --help             this text

The default run (3 repetitions, 1,000 subscribers, 500 rooms of 4, 5,000 idle connections) takes
about 6 minutes on a quiet 2-core machine, plus a build when dist/ is older than the sources, and
longer when other work shares the machine (it waits up to 60 s in all for quiet moments, and marks
figures measured while other processes were busy as noisy). Everything it starts stops by itself,
also on Ctrl-C.
`;

export class UsageError extends Error {}

function list<T extends string>(raw: string | undefined, allowed: readonly T[], flag: string): T[] {
  if (!raw) throw new UsageError(`${flag} needs a value: a comma-separated list of ${allowed.join(', ')}`);
  const items = raw.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new UsageError(`${flag}: "${item}" is not one of ${allowed.join(', ')}`);
    }
  }
  return items as T[];
}

export function parseArgs(argv: readonly string[]): Options | 'help' {
  let mode: Mode = 'default';
  let reps: number | null = null;
  let servers: ServerKind[] = [...SERVER_KINDS];
  let scenarios: ScenarioName[] = [...SCENARIOS];
  let build = true;
  let fromSource = false;
  let profile = false;
  let outDir = 'bench/results';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        mode = 'quick';
        break;
      case '--smoke':
        mode = 'smoke';
        fromSource = true;
        break;
      case '--reps': {
        const raw = value();
        reps = Number(raw);
        if (!Number.isInteger(reps) || reps < 1 || reps > 20) {
          throw new UsageError(`--reps ${raw}: give a whole number from 1 to 20`);
        }
        break;
      }
      case '--servers':
        servers = list(value(), SERVER_KINDS, '--servers');
        break;
      case '--scenarios':
        scenarios = list(value(), SCENARIOS, '--scenarios');
        break;
      case '--no-build':
        build = false;
        break;
      case '--from-source':
        fromSource = true;
        break;
      case '--profile':
        profile = true;
        break;
      case '--out':
        outDir = value();
        break;
      default:
        throw new UsageError(`unknown option "${arg}"; see npm run bench -- --help`);
    }
  }
  return { mode, reps: reps ?? makePlan(mode).reps, servers, scenarios, build, fromSource, outDir, profile };
}
