/** The load generator child process and the request/answer protocol with it over IPC. */
import { type ChildProcess, spawn } from 'node:child_process';
import { pinned, track } from './children.js';
import { processCpuMs } from './proc.js';
import type { Request, ResponseMessage } from './types.js';

export class LoadGen {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitReason: string | null = null;

  /** Called when a scenario passes a point the orchestrator may act on (see `mark` in types). */
  onMark: ((mark: string) => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    onProgress: (line: string) => void,
  ) {
    child.on('message', (message: ResponseMessage) => {
      if ('progress' in message) {
        onProgress(message.progress);
        return;
      }
      if ('mark' in message) {
        this.onMark?.(message.mark);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(message.error));
    });
    child.once('exit', (code, signal) => {
      this.exitReason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`the load generator ${this.exitReason}`));
      }
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  cpuMs(): number | null {
    return processCpuMs(this.pid);
  }

  static start(options: {
    core: number | null;
    serverCore: number | null;
    pauseMs: number;
    cwd: string;
    onProgress: (line: string) => void;
    onOutput: (line: string) => void;
  }): LoadGen {
    // NOTE: BENCH_LOADGEN_CPU_PROF=dir profiles the load generator itself (to see what limits it).
    const profile = process.env.BENCH_LOADGEN_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LOADGEN_CPU_PROF}`]
      : [];
    const [command, args] = pinned(options.core, process.execPath, [
      ...profile,
      '--import',
      'tsx',
      'bench/load/main.ts',
    ]);
    const child = track(
      spawn(command, args, {
        cwd: options.cwd,
        env: {
          ...process.env,
          BENCH_SERVER_CORE: options.serverCore === null ? '' : String(options.serverCore),
          BENCH_LOADGEN_CORE: options.core === null ? '' : String(options.core),
          BENCH_PAUSE_MS: String(options.pauseMs),
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
    );
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.onOutput(line);
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    return new LoadGen(child, options.onProgress);
  }

  call<T>(request: Request, timeoutMs = 300_000): Promise<T> {
    if (this.exitReason) return Promise.reject(new Error(`the load generator ${this.exitReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the load generator did not finish "${request.op}" within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    // NOTE: SIGTERM, not disconnect: on disconnect it kills the servers it knew (for when we die).
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
