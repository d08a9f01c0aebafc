/** What one run produced, as written to the JSON file and rendered to Markdown. */
import type { BundleRow } from './bundle.js';
import type { MachineInfo } from './machine.js';
import type { Plan } from './plan.js';
import type { ProfileSummary } from './profile.js';
import type {
  FanoutResult,
  IdleResult,
  LabRow,
  RetryResult,
  RoomsResult,
  ServerKind,
  SetupResult,
} from './types.js';

export interface ServerRep {
  kind: ServerKind;
  rep: number;
  fanout: FanoutResult[];
  /** Fan-out over two processes and Redis (fanout2; Switchboard only). */
  fanout2: FanoutResult | null;
  rooms: RoomsResult | null;
  setup: SetupResult | null;
  idle: IdleResult | null;
  /** Scenarios that failed, in words. */
  errors: string[];
}

export interface RunMeta {
  command: string;
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  loadAvgStart: number[];
  loadAvgEnd: number[];
  placement: string;
  switchboard: string;
  notes: string[];
  /** Every process the run started (all ended by the time the results are written). */
  pids: number[];
}

/** Whether the two-process fan-out ran, and how (or why not), in words. */
export interface Fanout2Status {
  status: 'measured' | 'skipped' | 'not run';
  how: string;
}

export interface RunResults {
  meta: RunMeta;
  plan: Plan;
  servers: ServerKind[];
  reps: ServerRep[];
  fanout2: Fanout2Status;
  lab: LabRow[] | null;
  labError: string | null;
  retry: RetryResult | null;
  retryError: string | null;
  bundle: BundleRow[];
  profiles: ProfileSummary[];
}
