/**
 * A measurement window: the server's CPU time from /proc, the load generator's own CPU, and how
 * busy each of the two cores was (the other engineers' work on this machine shows up there).
 */
import { busyPct, coreTimes, jiffiesToMs, processCpuMs } from '../lib/proc.js';
import type { WindowStats } from '../lib/types.js';

const coreOf = (name: string): number | null => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? null : Number(raw);
};
/** Set by the orchestrator when it pinned the processes with taskset. */
const SERVER_CORE = coreOf('BENCH_SERVER_CORE');
const LOADGEN_CORE = coreOf('BENCH_LOADGEN_CORE');

/** The load generator is taken as the bottleneck above these. */
const LOADGEN_PROCESS_BOUND_PCT = 85;
const LOADGEN_CORE_BOUND_PCT = 95;
/** A window is noisy when other processes took this much of the server's or the load generator's core. */
const NOISY_SERVER_CORE_PCT = 25;
const NOISY_LOADGEN_CORE_PCT = 50;

export interface OpenWindow {
  end(): WindowStats;
}

/** CPU of each server process, null when one of them is gone. */
function serversCpuMs(pids: readonly number[]): number[] | null {
  const each: number[] = [];
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    each.push(ms);
  }
  return each;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Opens a window on one server process, or on several (pinned to the same core) summed. */
export function startWindow(serverPids: number | readonly number[]): OpenWindow {
  const pids = typeof serverPids === 'number' ? [serverPids] : serverPids;
  const startedAt = performance.now();
  const serverCpu = serversCpuMs(pids);
  const ownCpu = process.cpuUsage();
  const serverCore = SERVER_CORE === null ? null : coreTimes(SERVER_CORE);
  const loadGenCore = LOADGEN_CORE === null ? null : coreTimes(LOADGEN_CORE);
  return {
    end() {
      const wallMs = performance.now() - startedAt;
      const serverCpuEnd = serversCpuMs(pids);
      const own = process.cpuUsage(ownCpu);
      const serverCoreEnd = SERVER_CORE === null ? null : coreTimes(SERVER_CORE);
      const loadGenCoreEnd = LOADGEN_CORE === null ? null : coreTimes(LOADGEN_CORE);
      const each =
        serverCpu === null || serverCpuEnd === null
          ? pids.map(() => Number.NaN)
          : serverCpuEnd.map((ms, i) => ms - (serverCpu[i] as number));
      const serverCpuMs = sum(each);
      const loadGenCpuPct = ((own.user + own.system) / 1000 / wallMs) * 100;
      const loadGenCorePct = busyPct(loadGenCore, loadGenCoreEnd);
      let serverCoreOtherPct: number | null = null;
      if (serverCore && serverCoreEnd && serverCoreEnd.total > serverCore.total) {
        const busyMs = jiffiesToMs(serverCoreEnd.busy - serverCore.busy);
        const totalMs = jiffiesToMs(serverCoreEnd.total - serverCore.total);
        serverCoreOtherPct = Math.max(0, (100 * (busyMs - serverCpuMs)) / totalMs);
      }
      const loadGenCoreOtherPct =
        loadGenCorePct === null ? null : Math.max(0, loadGenCorePct - loadGenCpuPct);
      return {
        wallMs,
        serverCpuMs,
        ...(pids.length > 1 ? { serverCpuMsEach: each } : {}),
        loadGenCpuPct,
        loadGenCorePct,
        serverCoreOtherPct,
        loadGenCoreOtherPct,
        loadGenBound:
          loadGenCpuPct >= LOADGEN_PROCESS_BOUND_PCT ||
          (loadGenCorePct !== null && loadGenCorePct >= LOADGEN_CORE_BOUND_PCT),
        noisy:
          (serverCoreOtherPct ?? 0) >= NOISY_SERVER_CORE_PCT ||
          (loadGenCoreOtherPct ?? 0) >= NOISY_LOADGEN_CORE_PCT,
      };
    },
  };
}
