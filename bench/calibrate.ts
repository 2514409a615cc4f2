// The round trips of each step kind, measured rather than assumed: 3-machine bootstraps applied one
// step at a time (--parallelism 1) with the benchmark's latency and durations, so that each step's
// time is its durations plus its own dependent round trips times the latency.
import type { LabDurations } from '../src/lab/types.js';
import { expectExit, runCli } from './cli-run.js';
import { parseEvents, stepSamples, type StepSample } from './events.js';
import { startBenchLab } from './lab.js';
import { roundTripsByKind, type RoundTrips } from './step-cost.js';

export const CALIBRATION_MACHINES = 3;
/** Kinds with one step per bootstrap (the bootstraps, the profile) get one sample per run. */
export const CALIBRATION_RUNS = 2;

async function serialBootstrap(latencyMs: number, durations: LabDurations): Promise<StepSample[]> {
  const lab = await startBenchLab(CALIBRATION_MACHINES, { latencyMs, durations });
  try {
    const run = expectExit(await runCli(['apply', lab.file, '--auto-approve', '--json', '--parallelism', '1'], lab.dir), [0]);
    return stepSamples(parseEvents(run.stdout));
  } finally {
    await lab.stop();
  }
}

export async function calibrateRoundTrips(latencyMs: number, durations: LabDurations): Promise<RoundTrips> {
  // Without latency a round trip costs nothing, and the critical path is the durations alone.
  if (latencyMs <= 0) return {};
  const samples: StepSample[] = [];
  for (let k = 0; k < CALIBRATION_RUNS; k++) samples.push(...await serialBootstrap(latencyMs, durations));
  return roundTripsByKind(samples, latencyMs, durations);
}
