// The no-op plan on a converged site, as a user runs it, next to OpenSSH logging in to every
// machine at once (the headline: plan / OpenSSH), to the round-trip floor and to the same plan
// with --parallelism 1. The tool's fixed local cost (Node, its modules, reading and validating the
// file) is measured side by side as `validate` of the same file and taken off both plans, so the
// remainder is what reading the machines costs: the part the round-trip floor and the serial run
// are about. OpenSSH is compared with the whole plan: it pays its own process start too.
import { expectExit, runCli, type CliRun } from './cli-run.js';
import { CONVERGED_GATHER, floorMs, gatherRoundTrips } from './floor.js';
import type { BenchLab } from './lab.js';
import { runOpensshFloor, type FloorRun } from './openssh.js';
import { fastest, ratio, repeat } from './stats.js';

export interface NoopPlanFigures {
  /** Fastest of the repeats, default parallelism. */
  wallMs: number;
  /** Fastest of the repeats: `ssh … true` to every machine at once, first start to last exit. */
  opensshMs: number;
  /** wallMs / opensshMs: the headline. */
  opensshRatio: number;
  /** The lab's CPU time during the fastest OpenSSH run. */
  opensshLabCpuMs: number;
  /** Fastest `validate` of the same file: process start, modules, schema, file. */
  localMs: number;
  /** wallMs - localMs: gathering, planning, rendering. */
  networkMs: number;
  floorRoundTrips: number;
  floorMs: number;
  /** networkMs / floorMs (the round-trip floor, kept for comparison with earlier runs). */
  floorRatio: number;
  serialWallMs: number;
  serialNetworkMs: number;
  /** serialNetworkMs / networkMs. */
  speedup: number;
  /** The tool's own user + system CPU time in the fastest default run. */
  cpuMs: number;
  /** The tool's CPU time in the fastest `validate`: its share of cpuMs that is not reading machines. */
  localCpuMs: number;
  /** The lab's CPU time during the fastest default run (the bench process, on the same cores). */
  labCpuMs: number;
  maxRssMb: number;
  /** Requests + commands per machine in one plan. */
  roundTripsPerMachine: number;
  warnings: string[];
}

export async function measureNoopPlan(lab: BenchLab, opts: { latencyMs: number; repeat: number }): Promise<NoopPlanFigures> {
  const n = lab.site.machines().length;
  const plan = async (...extra: string[]): Promise<CliRun> =>
    expectExit(await runCli(['plan', lab.file, '--detailed-exitcode', ...extra], lab.dir), [0]);
  // Interleaved, so that a noisy moment weighs on all three alike.
  const floors: FloorRun[] = [];
  const locals: CliRun[] = [];
  const plans: CliRun[] = [];
  let perMachine = Number.NaN;
  await repeat(opts.repeat, async () => {
    floors.push(await runOpensshFloor(lab.targets, lab.ssh));
    locals.push(expectExit(await runCli(['validate', lab.file], lab.dir), [0]));
    lab.site.resetCounters();
    plans.push(await plan());
    perMachine = lab.roundTrips() / n;
  });
  const serial = await plan('--parallelism', '1');
  const best = fastest(plans);
  const local = fastest(locals);
  const localMs = local.wallMs;
  const networkMs = best.wallMs - localMs;
  const floor = floorMs(opts.latencyMs);
  const openssh = fastest(floors);
  return {
    wallMs: best.wallMs,
    opensshMs: openssh.wallMs,
    opensshRatio: ratio(best.wallMs, openssh.wallMs),
    opensshLabCpuMs: openssh.labCpuMs,
    localMs,
    networkMs,
    floorRoundTrips: gatherRoundTrips(CONVERGED_GATHER),
    floorMs: floor,
    floorRatio: ratio(networkMs, floor),
    serialWallMs: serial.wallMs,
    serialNetworkMs: serial.wallMs - localMs,
    speedup: ratio(serial.wallMs - localMs, networkMs),
    cpuMs: best.cpuMs,
    localCpuMs: local.cpuMs,
    labCpuMs: best.labCpuMs,
    maxRssMb: Math.max(...plans.map((r) => r.maxRssMb)),
    roundTripsPerMachine: perMachine,
    warnings: [...new Set([...plans, serial].flatMap((r) => r.warnings))],
  };
}
