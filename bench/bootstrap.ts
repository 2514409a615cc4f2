// The full bootstrap of bare machines with the lab's step durations: the plan saved with
// `plan --out`, then `apply PLANFILE`, so that the critical path is computed from exactly the
// steps and dependencies that were applied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../src/plan/plan.js';
import { expectExit, runCli } from './cli-run.js';
import { criticalPath } from './critical-path.js';
import { parseEvents, walkMs } from './events.js';
import type { BenchLab } from './lab.js';
import { ratio } from './stats.js';
import { stepCostMs, type CostModel } from './step-cost.js';

export interface BootstrapFigures {
  steps: number;
  /** `apply PLANFILE`, process start to exit: gather, lock, the walk, the final gather. */
  wallMs: number;
  /** First step started to last step finished. */
  walkMs: number;
  criticalPathMs: number;
  /** Steps on the critical path, and its first and last. */
  criticalPathSteps: number;
  criticalPathEnds: [string, string];
  /** wallMs / criticalPathMs: the headline. */
  wallRatio: number;
  /** walkMs / criticalPathMs: how well the walk alone overlaps. */
  walkRatio: number;
  cpuMs: number;
  labCpuMs: number;
  maxRssMb: number;
  /** Requests + commands per machine during the apply. */
  roundTripsPerMachine: number;
  warnings: string[];
}

export async function measureBootstrap(lab: BenchLab, model: CostModel): Promise<BootstrapFigures> {
  const n = lab.site.machines().length;
  const planFile = join(lab.dir, 'bootstrap.plan.json');
  expectExit(await runCli(['plan', lab.file, '--out', planFile], lab.dir), [0]);
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
  const cp = criticalPath(plan.steps, (s) => stepCostMs(s.kind, model));
  lab.site.resetCounters();
  const run = expectExit(await runCli(['apply', planFile, '--auto-approve', '--json'], lab.dir), [0]);
  const walk = walkMs(parseEvents(run.stdout)) ?? Number.NaN;
  return {
    steps: plan.steps.length,
    wallMs: run.wallMs,
    walkMs: walk,
    criticalPathMs: cp.ms,
    criticalPathSteps: cp.path.length,
    criticalPathEnds: [cp.path[0] ?? '', cp.path[cp.path.length - 1] ?? ''],
    wallRatio: ratio(run.wallMs, cp.ms),
    walkRatio: ratio(walk, cp.ms),
    cpuMs: run.cpuMs,
    labCpuMs: run.labCpuMs,
    maxRssMb: run.maxRssMb,
    roundTripsPerMachine: lab.roundTrips() / n,
    warnings: run.warnings,
  };
}
