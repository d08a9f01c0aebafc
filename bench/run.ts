/**
 * `npm run bench`: Switchboard against Socket.IO and raw `ws`, each server in its own process on
 * core 0, driven by one load generator process on core 1 (bench/load/main.ts, over IPC). See
 * `npm run bench -- --help` and bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateTargets, fmt } from './lib/aggregate.js';
import { compileBaselines, runBuild, staleness } from './lib/build.js';
import { bundleReport } from './lib/bundle.js';
import { canPin, childPids, killAll, setFileLimit, startedPids, startServer } from './lib/children.js';
import { openClusterServices, ServicesUnavailable } from './lib/cluster.js';
import { LoadGen } from './lib/loadgen.js';
import { elapsedSeconds, errorText, log, setContext } from './lib/log.js';
import { loadAverage, machineInfo } from './lib/machine.js';
import { profileScenario, type Runner, runServer, targetOf } from './lib/orchestrate.js';
import { HELP, makePlan, type Options, type Plan, parseArgs, UsageError } from './lib/plan.js';
import { openFileLimits } from './lib/proc.js';
import type { ProfileSummary } from './lib/profile.js';
import { QuietGate } from './lib/quiet.js';
import { renderMarkdown } from './lib/report.js';
import type { Fanout2Status, RunResults, ServerRep } from './lib/results.js';
import { describeTwoProcess, type TwoProcessRun, twoProcessFanout } from './lib/two-process.js';
import { twoProcessJson } from './lib/two-process-compare.js';
import { type LabRow, type RetryResult, SCENARIOS, SERVER_KINDS, SERVER_LABELS } from './lib/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);
const startedAt = new Date();

// ---- everything stops by itself --------------------------------------------------------------

const tempDirs: string[] = [];
/** Removes what the run made outside this machine's processes (the PostgreSQL schema, Redis keys). */
let cleanupServices: (() => Promise<string | null>) | null = null;
process.on('exit', () => {
  killAll();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
let exiting = false;
/** Kills every child, then gives the services' cleanup up to 3 s (a second signal exits at once). */
function exitNow(code: number): void {
  if (exiting) process.exit(code);
  exiting = true;
  killAll();
  const cleanup = cleanupServices;
  cleanupServices = null;
  if (!cleanup) process.exit(code);
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('did not finish within 3 s'), 3000),
  );
  void Promise.race([cleanup().catch(errorText), timeout]).then((problem) => {
    if (problem) process.stderr.write(`bench: cleaning up PostgreSQL and Redis: ${problem}\n`);
    process.exit(code);
  });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}: stopping every process it started (${childPids().length})\n`);
    exitNow(130);
  });
}
process.on('uncaughtException', (err) => {
  process.stderr.write(`\nbench: failed: ${errorText(err)}\n`);
  exitNow(1);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`\nbench: failed: ${errorText(err)}\n`);
  exitNow(1);
});

// ---- the run -----------------------------------------------------------------------------------

const SWITCHBOARD_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  SQLITE_SYNCHRONOUS: 'FULL',
  // The per-user limit (20, then 1 per s) would cap every scenario at a few messages a second.
  RATE_BURST: '1000000',
  RATE_REFILL_MS: '1',
  // Every benchmark user signs up from 127.0.0.1; the per-address sign-up throttle would stop at 5.
  SIGNUP_RATE_BURST: '1000000',
  LOGIN_RATE_BURST: '1000000',
  // Every load client connects from 127.0.0.1 with a small pool of accounts: the connection caps
  // (100 per address, 20 per account) would refuse nearly every connection of the benchmark.
  MAX_CONNECTIONS_PER_IP: '0',
  MAX_CONNECTIONS_PER_USER: '0',
};

function commandLine(argv: string[]): string {
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
    : `node --import tsx bench/run.ts ${argv.join(' ')}`.trim();
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const options = parsed;
  const plan: Plan = { ...makePlan(options.mode), reps: options.reps };
  const wants = (s: string) => options.scenarios.includes(s as Options['scenarios'][number]);
  const machine = machineInfo();
  const loadAvgStart = loadAverage();
  const notes: string[] = [];
  log(
    `Switchboard benchmark, ${options.mode} run: ${plan.reps} repetition(s) of ${options.servers.map((k) => SERVER_LABELS[k]).join(', ')}`,
  );
  log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB, ${machine.kernel}, Node ${machine.node}; load average ${loadAvgStart.map((x) => x.toFixed(2)).join(' ')}`,
  );

  const pin = canPin && machine.cores >= 2;
  const serverCore = pin ? 0 : null;
  const loadGenCore = pin ? 1 : null;
  const placement = pin
    ? 'each server in its own process pinned to core 0, the load generator (one process) pinned to core 1, with taskset'
    : `not pinned (${canPin ? 'fewer than 2 cores' : 'taskset not found'}): servers and load generator share the cores`;
  if (!pin) notes.push(`Processes were not pinned: ${placement}.`);

  // Each connection is a file descriptor, in the load generator and in the server.
  const needFiles =
    Math.max(
      wants('idle') ? plan.idle.connections : 0,
      wants('rooms') ? plan.rooms.rooms * plan.rooms.members : 0,
      wants('setup') ? plan.setup.connections : 0,
      ...plan.fanout.map((f) => f.subscribers),
    ) + 256;
  const limits = openFileLimits();
  if (limits && limits.soft < needFiles) {
    if (limits.hard < needFiles) {
      throw new Error(
        `the scenarios need ${needFiles} open files per process, but the hard limit (ulimit -Hn) is ${limits.hard}: raise it (as root: ulimit -Hn ${needFiles}, or nofile in /etc/security/limits.conf), or run --quick`,
      );
    }
    setFileLimit(needFiles);
    notes.push(`The open-file limit was ${limits.soft}; the children run with ulimit -n ${needFiles}.`);
  }

  let switchboardArgs: string[];
  let switchboardHow: string;
  if (options.fromSource) {
    switchboardArgs = ['--import', 'tsx', 'server/main.ts'];
    switchboardHow = '`node --import tsx server/main.ts` (from source, not the production build)';
    notes.push('Switchboard ran from its TypeScript sources through tsx, not from the production build.');
  } else {
    const stale = staleness();
    if (stale && options.build) {
      log(`building (npm run build): ${stale}`);
      const outcome = runBuild(log);
      if (outcome.warning) notes.push(outcome.warning);
      log('build done');
    } else if (stale) {
      notes.push(`dist/ is older than the sources (${stale}) and --no-build was given: measured as it is.`);
    }
    switchboardArgs = ['dist/server/main.js'];
    switchboardHow = '`node dist/server/main.js` (the production build)';
  }
  const switchboard = `${switchboardHow} with a fresh temporary DATA_DIR: SQLite persistence with SQLITE_SYNCHRONOUS=FULL (every message committed and fsynced before its ack), LOG_LEVEL=warn, HOST=127.0.0.1, PORT=0, and RATE_BURST=${SWITCHBOARD_ENV.RATE_BURST}, RATE_REFILL_MS=${SWITCHBOARD_ENV.RATE_REFILL_MS}: the per-user rate limit is raised so it does not cap the benchmark, and MAX_CONNECTIONS_PER_IP=0, MAX_CONNECTIONS_PER_USER=0: every load client connects from one address. Users come from a pool of ${plan.fixtures.users} accounts (registering costs a scrypt hash each); a user in several rooms holds one connection per room.`;

  const buildDir = join('bench/results', `.servers-${process.pid}`);
  tempDirs.push(buildDir);
  compileBaselines(buildDir);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  tempDirs.push(dataDir);

  const lg = LoadGen.start({
    core: loadGenCore,
    serverCore,
    pauseMs: plan.pauseMs,
    cwd: ROOT,
    onProgress: (line) => log(line),
    onOutput: (line) => log(`load generator: ${line}`),
  });
  const quiet = new QuietGate(pin ? [0, 1] : [], plan.quietBudgetMs);
  const run: Runner = {
    plan,
    options,
    lg,
    quiet,
    start(kind, extraNodeArgs = [], env = {}) {
      const script = kind === 'switchboard' ? switchboardArgs : [join(buildDir, `${kind}.js`)];
      return startServer({
        kind,
        core: serverCore,
        // The inspector is activated (SIGUSR1) only by the idle scenario, to run a full GC.
        nodeArgs: ['--inspect-port=127.0.0.1:0', ...extraNodeArgs, ...script],
        env:
          kind === 'switchboard'
            ? { ...SWITCHBOARD_ENV, DATA_DIR: dataDir, ...env }
            : { HOST: '127.0.0.1', PORT: '0' },
        cwd: ROOT,
      });
    },
  };

  if (options.servers.includes('switchboard')) {
    setContext('Switchboard · setup');
    const server = await run.start('switchboard');
    try {
      const made = await lg.call<{ users: number; rooms: number; ms: number }>(
        { op: 'prepare', target: targetOf(server), fixtures: plan.fixtures },
        600_000,
      );
      log(`${made.users} users and ${made.rooms} rooms ready in ${fmt(made.ms / 1000)} s`);
    } finally {
      await server.stop();
    }
  }

  // The two-process fan-out needs PostgreSQL and Redis: without them it is skipped, not failed.
  let cluster: TwoProcessRun | null = null;
  let fanout2: Fanout2Status = { status: 'not run', how: 'not among --scenarios.' };
  if (wants('fanout2') && !options.servers.includes('switchboard')) {
    fanout2 = { status: 'not run', how: 'it runs only for Switchboard, which was not among --servers.' };
  } else if (wants('fanout2')) {
    setContext('Switchboard · two processes');
    try {
      const services = await openClusterServices();
      cleanupServices = services.cleanup;
      cluster = { services, prepared: false };
      fanout2 = { status: 'measured', how: describeTwoProcess(plan, services, pin) };
    } catch (err) {
      if (!(err instanceof ServicesUnavailable)) throw err;
      fanout2 = { status: 'skipped', how: err.message };
      notes.push(`The fan-out over two processes was skipped: ${err.message}.`);
      log(`fan-out over two processes skipped: ${err.message}`);
    }
  }

  const reps: ServerRep[] = [];
  const best = new Map<string, number>();
  for (let rep = 1; rep <= plan.reps; rep++) {
    const shift = (rep - 1) % options.servers.length;
    const order = [...options.servers.slice(shift), ...options.servers.slice(0, shift)];
    for (const kind of order) {
      const result: ServerRep = {
        kind,
        rep,
        fanout: [],
        fanout2: null,
        rooms: null,
        setup: null,
        idle: null,
        errors: [],
      };
      await runServer(run, kind, result, best);
      if (kind === 'switchboard' && cluster) await twoProcessFanout(run, cluster, result, best);
      reps.push(result);
    }
  }
  if (cleanupServices) {
    const cleanup = cleanupServices;
    cleanupServices = null;
    const problem = await cleanup();
    if (problem) {
      notes.push(`Cleaning up after the two-process fan-out: ${problem}.`);
      log(`cleaning up PostgreSQL and Redis: ${problem}`);
    }
  }

  let lab: LabRow[] | null = null;
  let labError: string | null = null;
  if (wants('lab') && options.servers.includes('switchboard')) {
    setContext('Switchboard · bytes on the wire');
    try {
      const server = await run.start('switchboard');
      try {
        lab = await lg.call<LabRow[]>({ op: 'lab', target: targetOf(server), plan: plan.lab });
        for (const row of lab) {
          log(
            `${row.transport}: ${fmt(row.bytesPerMessage)} B per message, ${fmt(row.idleBytesPerMinute)} B per idle minute`,
          );
        }
      } finally {
        await server.stop();
      }
    } catch (err) {
      labError = errorText(err);
      log(`lab failed: ${labError}`);
    }
  }

  let retry: RetryResult | null = null;
  let retryError: string | null = null;
  if (wants('retry') && options.servers.includes('switchboard')) {
    setContext('Switchboard · retried sends');
    try {
      const server = await run.start('switchboard');
      try {
        retry = await lg.call<RetryResult>({ op: 'retry', target: targetOf(server), plan: plan.retry });
        log(
          `retry: ${fmt(retry.retryCpuUsPerSend)} µs per retried send against ${fmt(retry.newCpuUsPerSend)} µs per new one (${fmt(retry.ratio)}×); ${retry.sameSeq} of ${retry.sends} with their original seq`,
        );
      } finally {
        await server.stop();
      }
    } catch (err) {
      retryError = errorText(err);
      log(`retry failed: ${retryError}`);
    }
  }

  const profiles: ProfileSummary[] = [];
  if (options.profile && options.servers.includes('switchboard')) {
    for (const op of ['fanout', 'rooms'] as const) {
      if (!wants(op)) continue;
      try {
        const profile = await profileScenario(run, op, join(options.outDir, 'profiles'));
        profiles.push(profile);
        log(`profile: ${profile.file}`);
      } catch (err) {
        notes.push(`The CPU profile of ${op} failed: ${errorText(err)}`);
      }
    }
  }

  setContext('');
  const waited = quiet.summary();
  if (waited) notes.push(waited);
  const bundle = bundleReport();
  await lg.stop();

  const results: RunResults = {
    meta: {
      command: commandLine(argv),
      startedAt: startedAt.toISOString(),
      durationS: elapsedSeconds(),
      machine,
      loadAvgStart,
      loadAvgEnd: loadAverage(),
      placement,
      switchboard: options.servers.includes('switchboard') ? switchboard : 'not run',
      notes,
      pids: startedPids(),
    },
    plan,
    servers: options.servers,
    reps,
    fanout2,
    lab,
    labError,
    retry,
    retryError,
    bundle,
    profiles,
  };
  const markdown = renderMarkdown(results);
  mkdirSync(options.outDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  // A run of fewer servers, scenarios or repetitions than its mode has is not "the" latest one.
  const partial =
    options.servers.length < SERVER_KINDS.length ||
    options.scenarios.length < SCENARIOS.length ||
    options.reps !== makePlan(options.mode).reps ||
    options.profile;
  const label = partial ? `${options.mode}-partial` : options.mode;
  const base = join(options.outDir, `bench-${stamp}-${label}`);
  const json = `${JSON.stringify(
    { ...results, targets: evaluateTargets(results), twoProcess: twoProcessJson(results) },
    null,
    2,
  )}\n`;
  writeFileSync(`${base}.md`, `${markdown}\n`);
  writeFileSync(`${base}.json`, json);
  writeFileSync(join(options.outDir, `latest-${label}.md`), `${markdown}\n`);
  writeFileSync(join(options.outDir, `latest-${label}.json`), json);
  process.stdout.write(`\n${markdown}\n`);
  log(`results: ${base}.md and .json (also latest-${label}.md/.json)`);
  const failed = reps.filter((r) => r.errors.length > 0).length;
  if (failed > 0) {
    process.stderr.write(`bench: ${failed} server run(s) had failing scenarios; see "Failures" above\n`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(),
  (err) => {
    process.stderr.write(`\nbench: failed: ${errorText(err)}\n`);
    exitNow(1);
  },
);
