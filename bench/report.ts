// The tables a person reads at the end of a run. Times in seconds, ratios with two decimals.
import type { TargetResult, SizeResult } from './targets.js';

const s = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(2));
const x = (r: number | undefined, digits = 2): string => (r === undefined || Number.isNaN(r) ? '-' : `${r.toFixed(digits)}x`);
const n = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderReport(sizes: readonly SizeResult[], targets: readonly TargetResult[], latencyMs: number): string {
  const floor = sizes.find((z) => z.noopPlan)?.noopPlan;
  const noop = table(
    ['machines', 'wall s', 'local s', 'net s', 'floor s', 'net/floor', 'serial net s', 'speed-up', 'net CPU s', 'lab CPU s', 'RSS MB', 'RT/machine'],
    sizes.map(({ machines, noopPlan: p }) => [String(machines), s(p?.wallMs), s(p?.localMs), s(p?.networkMs), s(p?.floorMs),
      x(p?.floorRatio), s(p?.serialNetworkMs), x(p?.speedup, 1), s(p && p.cpuMs - p.localCpuMs), s(p?.labCpuMs),
      n(p?.maxRssMb), n(p?.roundTripsPerMachine, 1)]),
  );
  const boot = table(
    ['machines', 'steps', 'wall s', 'walk s', 'crit. path s', 'wall/cp', 'walk/cp', 'CPU s', 'lab CPU s', 'RSS MB', 'RT/machine'],
    sizes.map(({ machines, bootstrap: b }) => [String(machines), n(b?.steps), s(b?.wallMs), s(b?.walkMs), s(b?.criticalPathMs),
      x(b?.wallRatio), x(b?.walkRatio), s(b?.cpuMs), s(b?.labCpuMs), n(b?.maxRssMb), n(b?.roundTripsPerMachine, 1)]),
  );
  const errors = sizes.filter((z) => z.error).map((z) => `  ${z.machines} machines: ${z.error}`);
  const marks = targets.map((t) => `  ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.description}${t.value === null ? '' : ` (${n(t.value, 2)})`}`);
  return [
    `No-op plan on a converged site, ${latencyMs} ms per round trip` +
      (floor ? ` (floor: ${floor.floorRoundTrips} dependent round trips = ${s(floor.floorMs)} s)` : ''),
    'local = `validate` of the same file (process start, modules, schema); net = wall - local;',
    'net CPU = the tool\'s CPU time beyond that of `validate`; lab CPU = the simulated site\'s, on the same cores.',
    noop,
    '',
    'Full bootstrap from bare machines, lab step durations on',
    boot,
    ...(errors.length ? ['', 'Failed:', ...errors] : []),
    '',
    'Targets:',
    ...marks,
    '',
  ].join('\n');
}
