// Issue 16's targets over a run's figures, and its table: which sizes each target applies to, what
// a missing figure counts as, and which of two measurements a target reads.
import type { BootstrapFigures } from '../../bench/bootstrap.js';
import type { NoopPlanFigures } from '../../bench/noop-plan.js';
import { issueRows, renderIssueTable } from '../../bench/report.js';
import { startupFigures, type StartupFigures } from '../../bench/startup.js';
import { evaluateTargets, type SizeResult, type TargetResult } from '../../bench/targets.js';

const plan = (f: Partial<NoopPlanFigures>): NoopPlanFigures => f as NoopPlanFigures;
const boot = (f: Partial<BootstrapFigures>): BootstrapFigures => f as BootstrapFigures;
const byId = (ts: TargetResult[]): Record<string, Pick<TargetResult, 'value' | 'pass'>> =>
  Object.fromEntries(ts.map((t) => [t.id, { value: t.value, pass: t.pass }]));

// node 100 ms; --version 140 ms (1.4x); validate 260 ms (2.6x).
const STARTUP: StartupFigures = startupFigures({ node: [120, 100, 110], version: [150, 140, 160], validate: [260, 270, 300] }, 'examples/x.yaml');

const SIZES: SizeResult[] = [
  { machines: 3, noopPlan: plan({ opensshRatio: 1.9, wallMs: 285, opensshMs: 150, maxRssMb: 90 }), bootstrap: boot({ wallRatio: 1.2, maxRssMb: 95 }) },
  { machines: 10, noopPlan: plan({ opensshRatio: 3, wallMs: 600, opensshMs: 200, maxRssMb: 100 }), bootstrap: boot({ wallRatio: 1.1, maxRssMb: 100 }) },
  { machines: 50, noopPlan: plan({ opensshRatio: 1.5, wallMs: 1500, opensshMs: 1000, maxRssMb: 120 }), bootstrap: boot({ wallRatio: 1.15, maxRssMb: 160 }) },
];

test('start-up: each command over the fastest bare node, fastest against fastest', () => {
  expect(STARTUP.versionRatio).toBeCloseTo(1.4);
  expect(STARTUP.validateRatio).toBeCloseTo(2.6);
  expect(STARTUP.validate).toEqual({ fastestMs: 260, medianMs: 270, runs: 3 });
  const t = byId(evaluateTargets([], STARTUP));
  expect(t['startup-version']).toEqual({ value: STARTUP.versionRatio, pass: true });
  expect(t['startup-validate']).toEqual({ value: STARTUP.validateRatio, pass: false });
});

test('start-up that could not be measured is a miss, not n/a', () => {
  const t = byId(evaluateTargets([], undefined));
  expect(t['startup-version']).toEqual({ value: null, pass: false });
  expect(t['startup-validate']).toEqual({ value: null, pass: false });
});

test('the OpenSSH ratio: 2x at 3 machines, 1.5x at 50 and 200; none at other sizes; n/a when not run', () => {
  const t = byId(evaluateTargets(SIZES, STARTUP));
  expect(t['noop-openssh@3']).toEqual({ value: 1.9, pass: true });
  expect(t['noop-openssh@50']).toEqual({ value: 1.5, pass: true });
  expect(t['noop-openssh@200']).toEqual({ value: null, pass: null });
  expect(Object.keys(t).filter((id) => id.startsWith('noop-openssh@'))).toEqual(['noop-openssh@3', 'noop-openssh@50', 'noop-openssh@200']);
});

test('the bootstrap within 1.15x of its critical path at every size run', () => {
  const t = byId(evaluateTargets(SIZES, STARTUP));
  expect(t['bootstrap-cp@3']).toEqual({ value: 1.2, pass: false });
  expect(t['bootstrap-cp@10']).toEqual({ value: 1.1, pass: true });
  expect(t['bootstrap-cp@50']).toEqual({ value: 1.15, pass: true });
  expect(t['bootstrap-cp@200']).toBeUndefined();
});

test('peak RSS is the higher of the plan and the bootstrap: 150 MB at 50, 250 MB at 200', () => {
  const t = byId(evaluateTargets(SIZES, STARTUP));
  expect(t['rss@50']).toEqual({ value: 160, pass: false });
  expect(t['rss@200']).toEqual({ value: null, pass: null });
});

test('a size that failed before its figures misses its targets', () => {
  const t = byId(evaluateTargets([{ machines: 200, error: 'EMFILE' }], STARTUP));
  expect(t['noop-openssh@200']).toEqual({ value: null, pass: false });
  expect(t['bootstrap-cp@200']).toEqual({ value: null, pass: false });
  expect(t['rss@200']).toEqual({ value: null, pass: false });
  expect(t['works@200']).toEqual({ value: null, pass: false });
});

test("issue 16's table: the start-up rows, a plan row and a bootstrap row per size, the RSS row", () => {
  const rows = issueRows(SIZES, STARTUP, 20);
  expect(rows.map((r) => [r.what, r.now, r.target])).toEqual([
    ['`microcloud --version` / `node -e 0`', '1.40× (0.14 s)', '≤ 1.5×'],
    ['`microcloud validate examples/x.yaml` / `node -e 0`', '2.60× (0.26 s)', '≤ 2.5×'],
    ['no-op `plan`, 3 lab machines, 20 ms per round trip / OpenSSH floor', '1.90× (0.28 s vs 0.15 s)', '≤ 2.0×'],
    ['no-op `plan`, 10 lab machines, 20 ms per round trip / OpenSSH floor', '3.00× (0.60 s vs 0.20 s)', '—'],
    ['no-op `plan`, 50 lab machines, 20 ms per round trip / OpenSSH floor', '1.50× (1.50 s vs 1.00 s)', '≤ 1.5×'],
    ['bootstrap wall / critical path, 3 machines', '1.20', '≤ 1.15'],
    ['bootstrap wall / critical path, 10 machines', '1.10', '≤ 1.15'],
    ['bootstrap wall / critical path, 50 machines', '1.15', '≤ 1.15'],
    ['peak RSS, 50 / 200 machines', '160 / — MB', '≤ 150 / ≤ 250 MB'],
  ]);
  const md = renderIssueTable(rows).split('\n');
  expect(md.slice(0, 2)).toEqual(['| what | ratio now | target |', '|---|---|---|']);
  expect(md).toHaveLength(rows.length + 2);
});
