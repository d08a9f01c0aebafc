/**
 * Every process the benchmark starts, and the guarantee that none outlives it: each child is
 * registered here, and normal exit, Ctrl-C, SIGTERM and failures all end in `killAll`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { InspectorSession } from './inspector.js';
import type { ServerKind } from './types.js';

const children = new Set<ChildProcess>();
/** Every pid ever started, so a test can check that none is left. */
const started: number[] = [];

/** Kills every child still running (SIGKILL: used on the way out, when nothing may wait). */
export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

export const startedPids = (): number[] => [...started];

export function childPids(): number[] {
  return [...children].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

const TASKSET = '/usr/bin/taskset';
export const canPin = existsSync(TASKSET);

let fileLimit: number | null = null;

/** Children start with this soft limit on open files (at most the hard limit). */
export function setFileLimit(n: number): void {
  fileLimit = n;
}

/**
 * `command args` pinned to `core` with taskset (all threads inherit it), or as is; under a raised
 * open-file limit when one is set. Both wrappers exec, so the pid is the program's own.
 */
export function pinned(core: number | null, command: string, args: string[]): [string, string[]] {
  const [c, a]: [string, string[]] =
    core === null ? [command, args] : [TASKSET, ['-c', String(core), command, ...args]];
  return fileLimit === null
    ? [c, a]
    : ['/bin/sh', ['-c', `ulimit -n ${fileLimit} && exec "$0" "$@"`, c, ...a]];
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  if (child.pid !== undefined) started.push(child.pid);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  pid: number;
  /** Everything it printed, for error messages. */
  output: string[];
  /** Runs a full GC through the inspector (activated with SIGUSR1); false if that failed. */
  gc(): Promise<boolean>;
  /** Starts V8's sampling profiler through the inspector; the returned function stops it. */
  profile(): Promise<() => Promise<object>>;
  stop(): Promise<void>;
}

const LISTEN_PATTERNS = [
  /listening url=(\S+)/,
  /server\.listen url=(\S+)/,
  // NOTE: at LOG_LEVEL=warn Switchboard does not log server.listen; its banner still names the port.
  /Switchboard is running: open https?:\/\/[^:\s]+:(\d+)/,
];

export async function startServer(options: {
  kind: ServerKind;
  core: number | null;
  nodeArgs: string[];
  env: Record<string, string>;
  cwd: string;
}): Promise<ServerProcess> {
  const [command, args] = pinned(options.core, process.execPath, options.nodeArgs);
  const child = track(
    spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // stdin stays open: the baselines exit when it closes (when we are gone).
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const output: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  const onLines = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      if (output.length < 200) output.push(line);
      for (const listener of lineListeners) listener(line);
    }
  };
  child.stdout?.on('data', onLines);
  child.stderr?.on('data', onLines);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${options.kind} did not print its URL within 30 s:\n  ${output.join('\n  ')}`));
    }, 30_000);
    const listener = (line: string) => {
      for (const pattern of LISTEN_PATTERNS) {
        const match = pattern.exec(line);
        if (!match?.[1]) continue;
        clearTimeout(timer);
        lineListeners.delete(listener);
        resolve(/^\d+$/.test(match[1]) ? `http://127.0.0.1:${match[1]}` : match[1]);
        return;
      }
    };
    lineListeners.add(listener);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${options.kind} exited (${how}) before listening:\n  ${output.join('\n  ')}`));
    });
  });

  let inspectorUrl: string | null = null;
  const activateInspector = () =>
    new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        lineListeners.delete(listener);
        resolve(null);
      }, 5000);
      const listener = (line: string) => {
        const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
        if (!match?.[1]) return;
        clearTimeout(timer);
        lineListeners.delete(listener);
        resolve(match[1]);
      };
      lineListeners.add(listener);
      child.kill('SIGUSR1');
    });

  return {
    kind: options.kind,
    url,
    pid: child.pid as number,
    output,
    async gc() {
      inspectorUrl ??= await activateInspector();
      if (!inspectorUrl) return false;
      try {
        const session = await InspectorSession.open(inspectorUrl);
        try {
          await session.call('HeapProfiler.collectGarbage');
          await session.call('HeapProfiler.collectGarbage');
          return true;
        } finally {
          session.close();
        }
      } catch {
        return false;
      }
    },
    async profile() {
      inspectorUrl ??= await activateInspector();
      if (!inspectorUrl) throw new Error('the inspector did not open (SIGUSR1)');
      const session = await InspectorSession.open(inspectorUrl);
      await session.call('Profiler.enable');
      await session.call('Profiler.setSamplingInterval', { interval: 200 });
      await session.call('Profiler.start');
      return async () => {
        try {
          return (await session.call<{ profile: object }>('Profiler.stop')).profile;
        } finally {
          session.close();
        }
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
