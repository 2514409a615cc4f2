// The tables a person reads at the end of a run. Times in seconds, ratios with two decimals; the
// last table is issue 16's (what | ratio now | target), in Markdown, to quote as it is.
import type { StartupFigures, Timing } from './startup.js';
import { LIMITS, peakRssMb, type TargetResult, type SizeResult } from './targets.js';

const s = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(2));
const x = (r: number | undefined, digits = 2): string => (r === undefined || Number.isNaN(r) ? '-' : `${r.toFixed(digits)}x`);
const n = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface IssueRow {
  what: string;
  now: string;
  target: string;
}

const times = (r: number | undefined): string => (r === undefined || Number.isNaN(r) ? '—' : `${r.toFixed(2)}×`);
/** 2.0, not 2: a limit reads as the ratio it bounds. */
const limitText = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** Issue 16's table: one row per figure it sets a target for, with this run's value. */
export function issueRows(sizes: readonly SizeResult[], startup: StartupFigures | undefined, latencyMs: number): IssueRow[] {
  const started = (t: Timing | undefined, r: number | undefined): string => (t ? `${times(r)} (${s(t.fastestMs)} s)` : '—');
  const rows: IssueRow[] = [
    { what: '`microcloud --version` / `node -e 0`', now: started(startup?.version, startup?.versionRatio), target: `≤ ${limitText(LIMITS.versionRatio)}×` },
    { what: `\`microcloud validate ${startup?.example ?? 'examples/…'}\` / \`node -e 0\``, now: started(startup?.validate, startup?.validateRatio), target: `≤ ${limitText(LIMITS.validateRatio)}×` },
  ];
  for (const z of sizes) {
    const p = z.noopPlan;
    const limit = LIMITS.opensshRatio[z.machines];
    rows.push({
      what: `no-op \`plan\`, ${z.machines} lab machines, ${latencyMs} ms per round trip / OpenSSH floor`,
      now: p ? `${times(p.opensshRatio)} (${s(p.wallMs)} s vs ${s(p.opensshMs)} s)` : '—',
      target: limit === undefined ? '—' : `≤ ${limitText(limit)}×`,
    });
  }
  for (const z of sizes) {
    rows.push({
      what: `bootstrap wall / critical path, ${z.machines} machines`,
      now: z.bootstrap ? z.bootstrap.wallRatio.toFixed(2) : '—',
      target: `≤ ${LIMITS.bootstrapRatio}`,
    });
  }
  const rssSizes = Object.keys(LIMITS.maxRssMb).map(Number);
  rows.push({
    what: `peak RSS, ${rssSizes.join(' / ')} machines`,
    now: `${rssSizes.map((m) => { const v = peakRssMb(sizes.find((z) => z.machines === m)); return v === undefined ? '—' : v.toFixed(0); }).join(' / ')} MB`,
    target: rssSizes.map((m) => `≤ ${LIMITS.maxRssMb[m]}`).join(' / ') + ' MB',
  });
  return rows;
}

export function renderIssueTable(rows: readonly IssueRow[]): string {
  return ['| what | ratio now | target |', '|---|---|---|', ...rows.map((r) => `| ${r.what} | ${r.now} | ${r.target} |`)].join('\n');
}

function renderStartup(st: StartupFigures | undefined): string[] {
  if (!st) return ['Start-up: not measured (see the error above)'];
  const row = (label: string, t: Timing, r?: number): string[] => [label, `${s(t.fastestMs)} s`, `${s(t.medianMs)} s`, r === undefined ? '' : x(r)];
  return [
    `Start-up of the installed package (npm pack, npm install -g into a scratch prefix), ${st.node.runs} runs interleaved;`,
    'ratio = fastest / fastest `node -e 0`.',
    table(['command', 'fastest', 'median', 'ratio'], [
      row('node -e 0', st.node),
      row('microcloud --version', st.version, st.versionRatio),
      row(`microcloud validate ${st.example}`, st.validate, st.validateRatio),
    ]),
  ];
}

export function renderReport(sizes: readonly SizeResult[], targets: readonly TargetResult[], latencyMs: number, startup: StartupFigures | undefined): string {
  const floor = sizes.find((z) => z.noopPlan)?.noopPlan;
  const noop = table(
    ['machines', 'plan s', 'OpenSSH s', 'plan/OpenSSH', 'validate s', 'net s', 'RT floor s', 'net/RT floor', 'serial net s', 'speed-up',
      'net CPU s', 'lab CPU s', 'RSS MB', 'RT/machine'],
    sizes.map(({ machines, noopPlan: p }) => [String(machines), s(p?.wallMs), s(p?.opensshMs), x(p?.opensshRatio), s(p?.localMs), s(p?.networkMs),
      s(p?.floorMs), x(p?.floorRatio), s(p?.serialNetworkMs), x(p?.speedup, 1), s(p && p.cpuMs - p.localCpuMs), s(p?.labCpuMs),
      n(p?.maxRssMb), n(p?.roundTripsPerMachine, 1)]),
  );
  const boot = table(
    ['machines', 'steps', 'wall s', 'walk s', 'fixed s', 'crit. path s', 'wall/cp', 'walk/cp', 'CPU s', 'lab CPU s', 'RSS MB', 'RT/machine'],
    sizes.map(({ machines, bootstrap: b }) => [String(machines), n(b?.steps), s(b?.wallMs), s(b?.walkMs), s(b && b.wallMs - b.walkMs), s(b?.criticalPathMs),
      x(b?.wallRatio), x(b?.walkRatio), s(b?.cpuMs), s(b?.labCpuMs), n(b?.maxRssMb), n(b?.roundTripsPerMachine, 1)]),
  );
  const errors = sizes.filter((z) => z.error).map((z) => `  ${z.machines} machines: ${z.error}`);
  const marks = targets.map((t) => `  ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.description}${t.value === null ? '' : ` (${n(t.value, 2)})`}`);
  return [
    ...renderStartup(startup),
    '',
    `No-op plan on a converged site, ${latencyMs} ms per round trip; the fastest of the repeats of each, interleaved`,
    'plan = `microcloud plan --detailed-exitcode`, start to exit; OpenSSH = `ssh … true` to every machine at once, first start to last exit;',
    'validate = `validate` of the same file (start-up, modules, the file); net = plan - validate;' +
      (floor ? ` RT floor = ${floor.floorRoundTrips} dependent round trips;` : ''),
    'net CPU = the tool\'s CPU time beyond that of `validate`; lab CPU = the simulated site\'s, on the same cores.',
    noop,
    '',
    'Full bootstrap from bare machines, lab step durations on; fixed = wall - walk (start-up, the reads, the lock, the final check, unlock)',
    boot,
    ...(errors.length ? ['', 'Failed:', ...errors] : []),
    '',
    'Targets:',
    ...marks,
    '',
    'Issue 16:',
    renderIssueTable(issueRows(sizes, startup, latencyMs)),
    '',
  ].join('\n');
}
