/** What one run produced, as written to the JSON file and rendered to Markdown. */
import type { BundleRow } from './bundle.js';
import type { MachineInfo } from './machine.js';
import type { Plan } from './plan.js';
import type { ProfileSummary } from './profile.js';
import type { FanoutResult, IdleResult, LabRow, RoomsResult, ServerKind, SetupResult } from './types.js';

export interface ServerRep {
  kind: ServerKind;
  rep: number;
  fanout: FanoutResult[];
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

export interface RunResults {
  meta: RunMeta;
  plan: Plan;
  servers: ServerKind[];
  reps: ServerRep[];
  lab: LabRow[] | null;
  labError: string | null;
  bundle: BundleRow[];
  profiles: ProfileSummary[];
}
