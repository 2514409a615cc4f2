// `npm run bench`: the packed and installed package, on the lab at several sizes, with latency on
// every round trip. First its start-up against a bare `node`; then for each size, a bare site is
// bootstrapped with the lab's step durations (next to the plan's critical path), and the converged
// site gets no-op plans (next to OpenSSH logging in to every machine, to the round-trip floor and
// to a serial plan). Every figure is a ratio of measurements taken side by side in this one run:
// the machine may be shared.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBootstrap } from './bootstrap.js';
import { CALIBRATION_MACHINES, CALIBRATION_RUNS, calibrateRoundTrips } from './calibrate.js';
import { useCli } from './cli-run.js';
import { BENCH_DURATIONS } from './durations.js';
import { CONVERGED_GATHER, LAB_CHARGES, gatherRoundTrips } from './floor.js';
import { startBenchLab, type BenchLab } from './lab.js';
import { measureNoopPlan } from './noop-plan.js';
import { FLOOR_COMMAND, opensshArgs, opensshVersion, SSH_CLIENT } from './openssh.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { installPackedPackage, type InstalledPackage } from './package.js';
import { issueRows, renderReport } from './report.js';
import { measureStartup, type StartupFigures } from './startup.js';
import type { RoundTrips } from './step-cost.js';
import { evaluateTargets, type SizeResult } from './targets.js';

// This file runs from build/bench/bench/; the package root is three levels up.
const ROOT = new URL('../../../', import.meta.url);
const DEFAULT_OUT = fileURLToPath(new URL('bench/results.json', ROOT));
/** What `validate` reads for the start-up figure: the example with every kind of key. */
const STARTUP_EXAMPLE = 'examples/three-machines-ceph-ovn.yaml';
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
  let pkg: InstalledPackage | undefined;
  let packageError: string | undefined;
  let startup: StartupFigures | undefined;
  let startupError: string | undefined;
  try {
    note('npm pack, npm install -g into a scratch prefix');
    pkg = await installPackedPackage();
    useCli(pkg.cliPath);
  } catch (err) {
    packageError = err instanceof Error ? err.message : String(err);
    note(`could not install the packed package, measuring the working tree's dist/ instead: ${packageError}`);
  }
  try {
    if (pkg) {
      note(`start-up: ${opts.startupRepeat} runs each of node -e 0, microcloud --version, microcloud validate ${STARTUP_EXAMPLE}`);
      startup = await measureStartup(pkg.bin, STARTUP_EXAMPLE, opts.startupRepeat, fileURLToPath(ROOT));
    }
  } catch (err) {
    startupError = err instanceof Error ? err.message : String(err);
    note(`start-up: ${startupError}`);
  }
  const sizes: SizeResult[] = [];
  let roundTrips: RoundTrips = {};
  try {
    roundTrips = await calibrateRoundTrips(opts.latencyMs, BENCH_DURATIONS);
    for (const n of opts.sizes) sizes.push(await measureSize(n, opts, roundTrips));
  } finally {
    pkg?.remove();
  }
  const targets = evaluateTargets(sizes, startup);
  process.stdout.write(renderReport(sizes, targets, opts.latencyMs, startup));
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
    package: pkg ? { tarball: pkg.tarball, installedCli: pkg.cliPath } : { error: packageError },
    startup: startup ?? { error: startupError ?? packageError },
    openssh: {
      client: SSH_CLIENT,
      version: await opensshVersion(),
      command: FLOOR_COMMAND,
      // One machine's arguments, with placeholders for what each size's lab decides.
      argsExample: opensshArgs({ host: 'HOST', port: 22, user: 'root' }, { identityFile: 'DIR/id_ed25519', knownHostsFile: 'DIR/known_hosts' }),
    },
    floor: { roundTrips: gatherRoundTrips(CONVERGED_GATHER), charges: LAB_CHARGES, gather: CONVERGED_GATHER },
    calibration: { machines: CALIBRATION_MACHINES, runs: CALIBRATION_RUNS, roundTripsByKind: roundTrips },
    sizes,
    targets,
    issueTable: issueRows(sizes, startup, opts.latencyMs),
  };
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  note(`wrote ${opts.out}`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
