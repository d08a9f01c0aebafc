/**
 * The ramp: offered load rises by a factor per step until a step fails (too little arrived in
 * time, p99 over the bound, or the server closed a connection). A failed step whose window was
 * noisy or load generator bound runs once more after the backlog drains (on a shared machine one
 * burst of someone else's work can sink a step). A repetition that starts high (near the previous
 * result) and fails at once steps two rungs down. Saturation is the highest rate a passing step
 * achieved.
 */

import { windowFlags } from '../lib/flags.js';
import type { Latency, RampPlan, RampResult, RampStep, WindowStats } from '../lib/types.js';

export interface StepFigures {
  offered: number;
  achieved: number;
  completed: number;
  latency: Latency;
  window: WindowStats;
  closedByServer: number;
}

export interface RampHooks {
  /** Runs one step at ladder rate `rate` (and its grace); returns what arrived. */
  step(rate: number): Promise<StepFigures>;
  /** Lets the backlog of a failed step drain before anything else runs. */
  drain(): Promise<void>;
  unit: string;
}

export const ladder = (plan: RampPlan, index: number): number => plan.start * plan.factor ** index;

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

function judge(plan: RampPlan, s: StepFigures): { pass: boolean; why?: string } {
  if (s.closedByServer > 0)
    return { pass: false, why: `the server closed ${s.closedByServer} connection(s)` };
  if (s.completed < plan.passShare) {
    return {
      pass: false,
      why: `${(s.completed * 100).toFixed(1)} % arrived in time (needs ${plan.passShare * 100} %)`,
    };
  }
  if (s.latency.p99Ms === null || s.latency.p99Ms > plan.p99BoundMs) {
    return { pass: false, why: `p99 ${s.latency.p99Ms?.toFixed(0)} ms (bound ${plan.p99BoundMs} ms)` };
  }
  return { pass: true };
}

export async function runRamp(
  plan: RampPlan,
  hooks: RampHooks,
  progress: (line: string) => void,
): Promise<RampResult> {
  const steps: RampStep[] = [];
  let startIndex = plan.startIndex;
  let index = startIndex;
  let bestIndex = -1;
  let best: RampStep | null = null;
  let retried = -1;
  while (steps.length < plan.maxSteps) {
    const figures = await hooks.step(ladder(plan, index));
    const verdict = judge(plan, figures);
    const step: RampStep = {
      offered: figures.offered,
      achieved: figures.achieved,
      completed: figures.completed,
      latency: figures.latency,
      pass: verdict.pass,
      window: figures.window,
      ...(verdict.why ? { why: verdict.why } : {}),
    };
    steps.push(step);
    // Worth a second try only when someone else's work may have sunk it.
    const retry = !verdict.pass && retried !== index && (step.window.noisy || step.window.loadGenBound);
    const stepDown = !verdict.pass && !retry && bestIndex === -1 && index > 0;
    const outcome = verdict.pass
      ? 'ok'
      : retry
        ? 'failed, once more'
        : stepDown
          ? 'failed, two rungs lower'
          : 'stop';
    progress(
      `ramp ${fmt(step.offered)} ${hooks.unit} offered: ${fmt(step.achieved)} achieved, p99 ${
        step.latency.p99Ms?.toFixed(1) ?? '-'
      } ms, ${outcome}${verdict.why ? ` (${verdict.why})` : ''}${windowFlags(step.window)}`,
    );
    if (verdict.pass) {
      // A step the load generator could not fully offer may achieve less than the one before it.
      if (!best || step.achieved > best.achieved) best = step;
      bestIndex = index;
      index++;
      continue;
    }
    await hooks.drain();
    if (retry) {
      retried = index;
      continue;
    }
    // A later repetition starts near the last result; if even its first rung fails, go lower.
    if (stepDown) {
      index = Math.max(0, index - 2);
      startIndex = index;
      continue;
    }
    break;
  }
  return {
    steps,
    saturation: best ? best.achieved : null,
    saturationLoadGenBound: best ? best.window.loadGenBound : false,
    saturationNoisy: best ? best.window.noisy : false,
    startIndex,
    bestIndex,
  };
}
