// `npm run bench`: the tool on the lab at several sizes, with latency on every round trip. For each
// size, a bare site is bootstrapped with the lab's step durations (next to the plan's critical
// path), then the converged site gets no-op plans (next to the floor and to a serial plan). Every
// figure is a ratio of measurements taken side by side in this one run: the machine may be shared.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBootstrap } from './bootstrap.js';
import { CALIBRATION_MACHINES, CALIBRATION_RUNS, calibrateRoundTrips } from './calibrate.js';
import { BENCH_DURATIONS } from './durations.js';
import { CONVERGED_GATHER, LAB_CHARGES, gatherRoundTrips } from './floor.js';
import { startBenchLab, type BenchLab } from './lab.js';
import { measureNoopPlan } from './noop-plan.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { renderReport } from './report.js';
import type { RoundTrips } from './step-cost.js';
import { evaluateTargets, type SizeResult } from './targets.js';

// This file runs from dist/bench/bench/; the package root is three levels up.
const ROOT = new URL('../../../', import.meta.url);
const DEFAULT_OUT = fileURLToPath(new URL('bench/results.json', ROOT));
const toolVersion = (): string => (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version;
const note = (line: string): void => { process.stderr.write(`bench: ${line}\n`); };

async function measureSize(machines: number, opts: BenchOptions, roundTrips: RoundTrips): Promise<SizeResult> {
  const result: SizeResult = { machines };
  let lab: BenchLab | undefined;
  try {
    // Inside the try: a site too large for this machine (file descriptors, ports) is a finding too.
    lab = await startBenchLab(machines, { latencyMs: opts.latencyMs, durations: BENCH_DURATIONS });
    note(`${machines} machines: bootstrap`);
    result.bootstrap = await measureBootstrap(lab, { durations: BENCH_DURATIONS, latencyMs: opts.latencyMs, roundTrips });
    note(`${machines} machines: bootstrap ${(result.bootstrap.wallMs / 1000).toFixed(1)} s; no-op plans`);
    result.noopPlan = await measureNoopPlan(lab, opts);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    note(`${machines} machines: ${result.error}`);
  } finally {
    await lab?.stop();
  }
  return result;
}

async function main(): Promise<number> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseOptions(process.argv.slice(2), DEFAULT_OUT);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    return 64;
  }
  if (opts === 'help') { process.stdout.write(`${USAGE}\n`); return 0; }
  note(`latency ${opts.latencyMs} ms, sizes ${opts.sizes.join(', ')}` +
    (opts.latencyMs > 0 ? `; calibrating step round trips on ${CALIBRATION_MACHINES} machines` : ''));
  // Other work on the machine shows in every figure: its load before and after is part of the record.
  const loadBefore = loadavg();
  const roundTrips = await calibrateRoundTrips(opts.latencyMs, BENCH_DURATIONS);
  const sizes: SizeResult[] = [];
  for (const n of opts.sizes) sizes.push(await measureSize(n, opts, roundTrips));
  const targets = evaluateTargets(sizes);
  process.stdout.write(renderReport(sizes, targets, opts.latencyMs));
  note(`load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadavg().map((l) => l.toFixed(1)).join(' ')} after, on ${cpus().length} CPUs`);
  const results = {
    benchmark: 'microcloud-apply',
    tool: toolVersion(),
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: { before: loadBefore, after: loadavg() },
    latencyMs: opts.latencyMs,
    repeat: opts.repeat,
    durationsMs: BENCH_DURATIONS,
    floor: { roundTrips: gatherRoundTrips(CONVERGED_GATHER), charges: LAB_CHARGES, gather: CONVERGED_GATHER },
    calibration: { machines: CALIBRATION_MACHINES, runs: CALIBRATION_RUNS, roundTripsByKind: roundTrips },
    sizes,
    targets,
  };
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  note(`wrote ${opts.out}`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
