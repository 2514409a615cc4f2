// The round trips of each step kind, measured rather than assumed: a 3-machine bootstrap applied
// one step at a time (--parallelism 1) with the benchmark's latency and no durations, so that each
// step's time is its own dependent round trips times the latency.
import { expectExit, runCli } from './cli-run.js';
import { parseEvents, stepSamples } from './events.js';
import { startBenchLab } from './lab.js';
import { roundTripsByKind, type RoundTrips } from './step-cost.js';

export const CALIBRATION_MACHINES = 3;

export async function calibrateRoundTrips(latencyMs: number): Promise<RoundTrips> {
  // Without latency a round trip costs nothing, and the critical path is the durations alone.
  if (latencyMs <= 0) return {};
  const lab = await startBenchLab(CALIBRATION_MACHINES, { latencyMs });
  try {
    const run = expectExit(await runCli(['apply', lab.file, '--auto-approve', '--json', '--parallelism', '1'], lab.dir), [0]);
    return roundTripsByKind(stepSamples(parseEvents(run.stdout)), latencyMs);
  } finally {
    await lab.stop();
  }
}
