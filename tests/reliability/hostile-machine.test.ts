// Strings from machines are untrusted (issue 15 §5): a disk model, an interface name, a hostname or
// an API error text with terminal escapes or bidi overrides must reach the operator's terminal as
// visible \uXXXX escapes — in plan, apply's progress and report, status, and error lines — never
// as control sequences. The same rule as the preseed's own text (src/preseed/text.ts visible()).
import { defaultMachineSpecs } from '../../src/lab/machines.js';
import { runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

// C0 controls except \n, DEL, C1 controls (U+009B is a one-byte CSI), bidi overrides and isolates.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const CLEAR_SCREEN = '\u001b[2J';

let lab: PlanLab;
afterEach(async () => {
  await lab?.stop();
});

function expectNoRawControl(...texts: string[]): void {
  for (const t of texts) {
    const m = RAW_CONTROL.exec(t);
    expect(m ? `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(t.slice(Math.max(0, m.index - 40), m.index + 10))}` : null).toBeNull();
  }
}

test('hostile disk models, interface names and hostnames in plan and status are escaped', async () => {
  const machines = defaultMachineSpecs(3);
  machines[0]!.disks[0]!.model = `Evil${CLEAR_SCREEN}\u001b]0;pwned\u0007\u009b31m`;
  machines[1]!.interfaces.push({ name: 'x\u001b[31m', kind: 'physical', state: 'up', mac: '02:00:00:00:99:01', mtu: 1500, addresses: [] });
  machines[2]!.hostname = `node3\u202e${CLEAR_SCREEN}`;
  lab = await startLab({ machines });
  // The file names the system as the operator knows it; the machine answers with its own hostname.
  systemsOf(lab)[2]!.name = 'node3';
  lab.write();
  const plan = await runCli(['plan', 'site.yaml'], { cwd: lab.dir });
  expect(plan.code).toBe(1); // node3's hostname is not its system name
  expect(plan.stdout).toContain('node3\\u202e\\u001b[2J');
  expectNoRawControl(plan.stdout, plan.stderr);
  const planJson = await runCli(['plan', 'site.yaml', '--json'], { cwd: lab.dir });
  expectNoRawControl(planJson.stdout, planJson.stderr);
  expect((JSON.parse(planJson.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message).join("\n")).toContain("node3\u202e");
  const status = await runCli(['status', 'site.yaml'], { cwd: lab.dir });
  expect(status.stdout).toContain('\\u001b[2J');
  expectNoRawControl(status.stdout, status.stderr);
  const apply = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir });
  expectNoRawControl(apply.stdout, apply.stderr);
}, 60_000);

test('a hostile API error text is escaped in apply\'s progress, report and result', async () => {
  lab = await startLab({ nodes: 3 });
  lab.site.failNth({
    pattern: { machine: 'node2', service: 'lxd', method: 'PUT', path: '/1.0/cluster' }, n: 1, times: Infinity,
    error: { status: 500, message: `Failed to join cluster: ${CLEAR_SCREEN}\u202egnorw\u009b2J` },
  });
  const text = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir });
  expect(text.code).toBe(1);
  expect(text.stderr + text.stdout).toContain('Failed to join cluster: \\u001b[2J\\u202egnorw\\u009b2J');
  expectNoRawControl(text.stdout, text.stderr);
  const json = await runCli(['apply', 'site.yaml', '--auto-approve', '--json'], { cwd: lab.dir });
  expect(json.code).toBe(1);
  // JSON keeps the text exactly as the machine said it (a parser gets it back), written so that
  // nothing in it acts on a terminal: C1 and bidi characters as \uXXXX, like C0.
  expectNoRawControl(json.stderr, json.stdout);
  const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; error?: string });
  expect(events.find((e) => e.type === 'step-failed')?.error).toContain(`${CLEAR_SCREEN}\u202egnorw\u009b2J`);
  expect(events.at(-1)).toMatchObject({ type: 'result', ok: false, failed: ['lxd/member/node2'] });
}, 60_000);
