// The plan's destroy lines are red only where the plan itself goes to a terminal: stdout, not stderr.
// `plan > plan.txt` from a terminal (stderr a TTY, stdout a file) must write no escape codes, and
// --no-color or NO_COLOR turn them off on a terminal too.
import { runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab;

beforeAll(async () => {
  lab = await startLab({ nodes: 4 });
  const built = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir });
  expect(built.code).toBe(0);
  lab.preseed['systems'] = systemsOf(lab).filter((s) => s.name !== 'node4');
  lab.preseed['remove'] = ['node4'];
  lab.write();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

const RED_DESTROY = '\u001b[31m    - lxd/member/node4: ';
const plan = (opts: { isTTY?: boolean; stdoutIsTTY?: boolean; env?: NodeJS.ProcessEnv }, ...flags: string[]) =>
  runCli(['plan', 'site.yaml', ...flags], { cwd: lab.dir, ...opts });

test('stdout a terminal: the destroy lines are red', async () => {
  const r = await plan({ isTTY: true, stdoutIsTTY: true });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(RED_DESTROY);
  expect(r.stdout).toContain('Plan: 0 to add, 0 to change, 7 to destroy.');
});

test('stderr a terminal but stdout a file: no escape codes in the plan', async () => {
  const r = await plan({ isTTY: true, stdoutIsTTY: false });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('    - lxd/member/node4: ');
  expect(r.stdout).not.toContain('\u001b[');
});

test.each([
  ['--no-color', { isTTY: true, stdoutIsTTY: true }, ['--no-color']],
  ['NO_COLOR=1', { isTTY: true, stdoutIsTTY: true, env: { NO_COLOR: '1' } }, []],
] as const)('%s on a terminal: no escape codes', async (_what, opts, flags) => {
  const r = await plan(opts, ...flags);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('    - lxd/member/node4: ');
  expect(r.stdout).not.toContain('\u001b[');
});
