// Machines that cannot be read: one that is down, one whose host key is not the pinned one, one
// that is unknown. Each is an error naming the machine and the reason, planning stops with exit 1,
// and no machine receives a single mutating call. Trust on first use only with the flag.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanFinding } from '../../src/plan/index.js';
import { lastLine, runPlan, startLab, systemsOf, type PlanLab } from './lab.js';

let lab: PlanLab;
let original: Record<string, unknown>;

beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
  original = structuredClone(lab.preseed);
});

afterAll(async () => {
  await lab?.stop();
});

afterEach(async () => {
  for (const n of ['node1', 'node2', 'node3']) if (!lab.site.isUp(n)) await lab.site.up(n);
  for (const k of Object.keys(lab.preseed)) delete lab.preseed[k];
  Object.assign(lab.preseed, structuredClone(original));
  lab.write();
  expect(lab.site.mutations()).toBe(0);
});

const errors = (stdout: string): PlanFinding[] =>
  (JSON.parse(stdout) as { findings: PlanFinding[] }).findings.filter((f) => f.severity === 'error');

test('a machine that is down: an error naming it and why, exit 1, no steps, no mutating call anywhere', async () => {
  await lab.site.down('node2');
  lab.site.resetCounters();
  const r = await runPlan(lab, { json: true });
  expect(r.code).toBe(1);
  const port = lab.site.endpoint('node2').port;
  expect(errors(r.stdout)).toEqual([expect.objectContaining({
    code: 'unreachable', machine: 'node2',
    message: `node2 is unreachable: cannot reach 127.0.0.1:${port} over SSH: connection refused: nothing listens there (sshd not running, or wrong port?)`,
  })]);
  expect(JSON.parse(r.stdout).steps).toEqual([]);
  expect(r.stderr).toContain('error: node2 is unreachable: ');
  expect(lab.site.requests({ mutating: true })).toEqual([]);
  const text = await runPlan(lab);
  expect(text.code).toBe(1);
  expect(text.stdout).toMatch(/^ {2}error {3}node2: node2 is unreachable: cannot reach /m);
  expect(lastLine(text.stdout)).toBe('Planning failed: 1 error. Nothing will be changed.');
  // The machines that were up were read all the same (one connection each per run).
  expect(lab.site.connections('node1')).toBe(2);
  expect(lab.site.connections('node2')).toBe(0);
});

test('a changed host key is refused, naming the machine and both fingerprints', async () => {
  const pinned = lab.site.endpoint('node1').hostKeyFingerprint;
  const presented = lab.site.endpoint('node3').hostKeyFingerprint;
  systemsOf(lab)[2]!.ssh.host_key = pinned;
  lab.write();
  lab.site.resetCounters();
  const r = await runPlan(lab, { json: true });
  expect(r.code).toBe(1);
  const [e] = errors(r.stdout);
  expect(e).toMatchObject({ code: 'unreachable', machine: 'node3' });
  expect(e!.message).toContain('node3 is unreachable: host key mismatch for 127.0.0.1:');
  expect(e!.message).toContain(`expected ${pinned} (pinned host_key)`);
  expect(e!.message).toContain(`presented ${presented}`);
  expect(errors(r.stdout)).toHaveLength(1);
  // Refused before logging in: node3 saw no login, no command, no request.
  expect(lab.site.log.filter((x) => x.machine === 'node3')).toEqual([]);
});

test('an unknown host is refused; --trust-on-first-use records its key, and later runs check it', async () => {
  delete (systemsOf(lab)[1]!.ssh as Partial<{ host_key: string }>).host_key;
  lab.write();
  const knownHosts = join(lab.dir, '.ssh', 'known_hosts');
  const refused = await runPlan(lab, { json: true });
  expect(refused.code).toBe(1);
  const [e] = errors(refused.stdout);
  expect(e).toMatchObject({ code: 'unreachable', machine: 'node2' });
  expect(e!.message).toContain(`node2 is unreachable: unknown host 127.0.0.1:${lab.site.endpoint('node2').port}`);
  expect(e!.message).toContain(`presented ${lab.site.endpoint('node2').hostKeyFingerprint}`);
  expect(existsSync(knownHosts)).toBe(false);

  const trusted = await runPlan(lab, { trustOnFirstUse: true });
  expect(trusted.code).toBe(0);
  expect(lastLine(trusted.stdout)).toBe('Plan: 42 to add, 0 to change, 0 to destroy.');
  expect(trusted.stderr).toContain('trusted host key on first use');
  expect(readFileSync(knownHosts, 'utf8')).toContain(lab.site.endpoint('node2').hostPublicKey.split(' ').slice(0, 2).join(' '));

  const checked = await runPlan(lab);
  expect(checked.code).toBe(0);
  expect(checked.stderr).not.toContain('trusted host key on first use');
});

test('a daemon that fails a read: the machine is named with the daemon\'s own message, and planning stops', async () => {
  lab.site.failNth({ pattern: { machine: 'node3', service: 'lxd', path: '/1.0/resources' }, n: 1, error: { status: 500, message: 'Failed to load storage resources: boom' } });
  try {
    const r = await runPlan(lab, { json: true });
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([expect.objectContaining({
      code: 'unreachable', machine: 'node3',
      message: 'node3 is unreachable: connected, but reading it failed: lxd GET /1.0/resources failed with 500: Failed to load storage resources: boom',
    })]);
  } finally {
    lab.site.clearFaults();
  }
});
