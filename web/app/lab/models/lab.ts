/**
 * The Transport lab page's state: the run's settings (from the address, or the full script), one
 * lane per transport with its live progress, then each lane's result or why it failed.
 *
 * Each transport runs as its own `runLab` call, so one that cannot run here (no WebSocket in this
 * browser) fails on its own lane, in words, while the others finish.
 */
import { batch, computed, type ReadonlySignal, signal } from '@preact/signals';
import {
  LAB_TRANSPORTS,
  type LabOptions,
  type LabPhase,
  type LabResult,
  type LabTransport,
  runLab,
} from '../../../lab/run-lab.js';

export interface LabSettings {
  messages: number;
  ratePerSec: number;
  idleMs: number;
}

/** The article's script: 100 messages at 5 per second, then a minute of silence. */
export const FULL_SCRIPT: LabSettings = { messages: 100, ratePerSec: 5, idleMs: 60_000 };

/** What `?messages=&rate=&idle=` may ask for (idle in seconds). */
export const LAB_LIMITS = {
  messages: { min: 1, max: 1000 },
  rate: { min: 0.1, max: 50 },
  idle: { min: 0, max: 600 },
} as const;

export type LabParam = keyof typeof LAB_LIMITS;

/**
 * The run the address asks for: `?messages=10&rate=10&idle=3` (idle in seconds); a missing value
 * keeps the full script's, and a value out of range or not a number is ignored and named.
 */
export function parseLabSettings(query: URLSearchParams): { settings: LabSettings; ignored: LabParam[] } {
  const ignored: LabParam[] = [];
  const read = (name: LabParam, integer: boolean): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const value = Number(raw);
    const { min, max } = LAB_LIMITS[name];
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      ignored.push(name);
      return undefined;
    }
    return value;
  };
  const messages = read('messages', true);
  const rate = read('rate', false);
  const idle = read('idle', false);
  return {
    settings: {
      messages: messages ?? FULL_SCRIPT.messages,
      ratePerSec: rate ?? FULL_SCRIPT.ratePerSec,
      idleMs: idle === undefined ? FULL_SCRIPT.idleMs : Math.round(idle * 1000),
    },
    ignored,
  };
}

/** About how long a run takes, in seconds: the messages at their rate, then the idle time. */
export const labSeconds = (s: LabSettings): number => Math.ceil(s.messages / s.ratePerSec + s.idleMs / 1000);

export type LanePhase = 'waiting' | LabPhase | 'failed';

export interface LabLane {
  readonly transport: LabTransport;
  readonly phase: LanePhase;
  readonly delivered: number;
  /** While idle: when the idle phase ends (ms since the epoch). */
  readonly idleEndsAt: number | null;
  readonly result: LabResult | null;
  /** Why the lane failed: this browser cannot run the transport, or the run's error in words. */
  readonly error: LaneError | null;
  /** Nothing has moved for STALL_MS: the transport may be blocked here, or the server throttling. */
  readonly stalled: boolean;
}

export type LaneError = { code: 'unavailable' } | { code: 'failed'; reason: string };

export type LabStatus = 'idle' | 'running' | 'done';

export interface Lab {
  readonly status: ReadonlySignal<LabStatus>;
  /** The settings of the run under way or last finished. */
  readonly settings: ReadonlySignal<LabSettings | null>;
  /**
   * The run has taken far longer than its script (half as long again, plus 10 s): sends are being
   * refused by the server's rate limit, most likely, and the refusals count in the results.
   */
  readonly overdue: ReadonlySignal<boolean>;
  readonly lanes: ReadonlySignal<readonly LabLane[]>;
  /** A clock for countdowns; it ticks only while a run is under way. */
  readonly now: ReadonlySignal<number>;
  /** Starts a run; ignored while one is under way. */
  run(settings: LabSettings): void;
  dispose(): void;
}

/** How long a lane may show no progress before the page says it looks stuck. */
export const STALL_MS = 15_000;

export interface LabDeps {
  userId: string;
  baseUrl: string;
  wsUrl: string;
  /** Replaces the runner (tests). */
  run?: (options: LabOptions) => Promise<LabResult[]>;
  /** Whether this browser can run a transport at all (WebSocket may be missing). */
  available?: (transport: LabTransport) => boolean;
}

const idleLane = (transport: LabTransport): LabLane => ({
  transport,
  phase: 'waiting',
  delivered: 0,
  idleEndsAt: null,
  result: null,
  error: null,
  stalled: false,
});

export function createLab(deps: LabDeps): Lab {
  const run = deps.run ?? runLab;
  const settings = signal<LabSettings | null>(null);
  const lanes = signal<readonly LabLane[]>(LAB_TRANSPORTS.map(idleLane));
  const now = signal(Date.now());
  const running = signal(false);
  const overdue = signal(false);
  let startedAt = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let disposed = false;
  const lastMoved = new Map<LabTransport, number>();

  const update = (transport: LabTransport, change: Partial<LabLane>) => {
    if (disposed) return;
    lanes.value = lanes.peek().map((lane) => (lane.transport === transport ? { ...lane, ...change } : lane));
  };

  const tick = () => {
    const at = Date.now();
    const s = settings.peek();
    batch(() => {
      now.value = at;
      if (s && at - startedAt > labSeconds(s) * 1500 + 10_000) overdue.value = true;
      for (const lane of lanes.peek()) {
        const moving = lane.phase === 'waiting' || lane.phase === 'connecting' || lane.phase === 'messages';
        const stalled = moving && at - (lastMoved.get(lane.transport) ?? at) > STALL_MS;
        if (stalled !== lane.stalled) update(lane.transport, { stalled });
      }
    });
  };

  const finishIfDone = () => {
    if (lanes.peek().every((l) => l.phase === 'done' || l.phase === 'failed')) {
      running.value = false;
      clearInterval(ticker);
      ticker = undefined;
      now.value = Date.now();
    }
  };

  const runLane = async (transport: LabTransport, s: LabSettings): Promise<void> => {
    if (deps.available && !deps.available(transport)) {
      update(transport, { phase: 'failed', error: { code: 'unavailable' } });
      return;
    }
    try {
      const [result] = await run({
        baseUrl: deps.baseUrl,
        wsUrl: deps.wsUrl,
        userId: deps.userId,
        messages: s.messages,
        ratePerSec: s.ratePerSec,
        idleMs: s.idleMs,
        transports: [transport],
        onProgress: (_t, phase, delivered) => {
          lastMoved.set(transport, Date.now());
          update(transport, {
            phase,
            delivered,
            stalled: false,
            ...(phase === 'idle' ? { idleEndsAt: Date.now() + s.idleMs } : {}),
          });
        },
      });
      if (!result) throw new Error('the lab returned no result');
      update(transport, { phase: 'done', result, delivered: result.messagePhase.delivered, stalled: false });
    } catch (err) {
      update(transport, {
        phase: 'failed',
        error: { code: 'failed', reason: err instanceof Error ? err.message : String(err) },
        stalled: false,
      });
    }
  };

  return {
    status: computed(() => (running.value ? 'running' : settings.value ? 'done' : 'idle')),
    settings,
    overdue,
    lanes,
    now,
    run(s) {
      if (running.peek() || disposed) return;
      const started = Date.now();
      startedAt = started;
      batch(() => {
        settings.value = s;
        overdue.value = false;
        lanes.value = LAB_TRANSPORTS.map(idleLane);
        running.value = true;
        now.value = started;
      });
      for (const t of LAB_TRANSPORTS) lastMoved.set(t, started);
      clearInterval(ticker);
      ticker = setInterval(tick, 250);
      // NOTE: runLab has no way to stop a run; one left behind (page closed, signed out) finishes
      // on its own and its results are dropped.
      for (const t of LAB_TRANSPORTS) {
        void runLane(t, s).finally(() => {
          if (!disposed) finishIfDone();
        });
      }
    },
    dispose() {
      disposed = true;
      clearInterval(ticker);
    },
  };
}
