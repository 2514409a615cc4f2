// What one step weighs on the critical path: the lab durations it waits for, plus its own dependent
// round trips times the latency. The round trips come from a calibration run (calibrate.ts): each
// step alone, without durations, so that how long it took is its round trips times the latency
// and a few milliseconds of computing. Pure.
import type { LabDurations } from '../src/lab/types.js';
import { stepDurationMs } from './durations.js';
import type { StepSample } from './events.js';

/** Dependent round trips of one step, by step kind. */
export type RoundTrips = Record<string, number>;

/** Lab timers fire a millisecond early at worst; without slack a step of n round trips could count n - 1. */
const TIMER_SLACK_MS = 2;

/**
 * Each kind's median of whole round trips. Rounding down: what a step computes besides waiting is
 * far below one latency and is not a round trip; a step delayed by a busy machine is not either,
 * and the median keeps one such outlier from counting.
 */
export function roundTripsByKind(samples: readonly StepSample[], latencyMs: number): RoundTrips {
  if (!(latencyMs > 0)) throw new RangeError('round trips can only be counted with a latency above 0 ms');
  const byKind = new Map<string, number[]>();
  for (const s of samples) {
    const n = Math.floor((s.elapsedMs + TIMER_SLACK_MS) / latencyMs);
    byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), n]);
  }
  const out: RoundTrips = {};
  for (const [kind, ns] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...ns].sort((a, b) => a - b);
    out[kind] = sorted[Math.floor((sorted.length - 1) / 2)]!;
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
