// What one step weighs on the critical path: the lab durations it waits for, plus its own dependent
// round trips times the latency. The round trips come from calibration runs (calibrate.ts): every
// step alone, with the same durations and latency, so that how long it took, less its durations,
// is its round trips times the latency and a few milliseconds of computing. Pure.
import type { LabDurations } from '../src/lab/types.js';
import { stepDurationMs } from './durations.js';
import type { StepSample } from './events.js';

/** Dependent round trips of one step, by step kind. */
export type RoundTrips = Record<string, number>;

/** Lab timers fire a millisecond early at worst; without slack a step of n round trips could count n - 1. */
const TIMER_SLACK_MS = 2;

/**
 * Whole round trips of each kind's fastest step, once its durations are taken off. The fastest:
 * a step slowed by a busy machine is not slower by round trips, and the critical path must not
 * come out longer than the plan can take. Rounding down: what a step computes besides waiting is
 * far below one latency. Taking the durations off a step that ran with them, rather than timing
 * it without, keeps a request that waits out a duration (an LXD operation's /wait) from counting.
 */
export function roundTripsByKind(samples: readonly StepSample[], latencyMs: number, durations: LabDurations): RoundTrips {
  if (!(latencyMs > 0)) throw new RangeError('round trips can only be counted with a latency above 0 ms');
  const fastest = new Map<string, number>();
  for (const s of samples) fastest.set(s.kind, Math.min(s.elapsedMs, fastest.get(s.kind) ?? Infinity));
  const out: RoundTrips = {};
  for (const [kind, ms] of [...fastest].sort(([a], [b]) => a.localeCompare(b))) {
    out[kind] = Math.max(0, Math.floor((ms - stepDurationMs(kind, durations) + TIMER_SLACK_MS) / latencyMs));
  }
  return out;
}

export interface CostModel {
  durations: LabDurations;
  latencyMs: number;
  roundTrips: RoundTrips;
}

export function stepCostMs(kind: string, model: CostModel): number {
  const rt = model.roundTrips[kind];
  if (rt === undefined && model.latencyMs > 0) throw new Error(`no calibrated round trips for step kind ${JSON.stringify(kind)}`);
  return stepDurationMs(kind, model.durations) + (rt ?? 0) * model.latencyMs;
}
