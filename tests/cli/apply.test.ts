// `microcloud apply` as a user runs it, in this process, against an in-process lab: the prompt rule,
// convergence, a second run that changes nothing, saved plans and their staleness, JSON events,
// and the journal — with the passphrase nowhere.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LxdWorld } from '../../src/lab/lxd/world.js';
import { runCli } from '../helpers/cli.js';
import { PASSPHRASE, startLab, type PlanLab } from '../plan-lab/lab.js';



let lab: PlanLab;
beforeEach(async () => {
  lab = await startLab({ nodes: 3 });
});
afterEach(async () => {
  await lab?.stop();
});


const apply = (...args: string[]) => runCli(['apply', ...args], { cwd: lab.dir });

test('without a terminal it refuses to apply unless --auto-approve, and changes nothing', async () => {
  const r = await apply('site.yaml');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/Plan: 42 to add, 0 to change, 0 to destroy\./);
  expect(r.stderr).toMatch(/refusing to apply: stdin is not a terminal.*--auto-approve/);
  expect(lab.site.mutations()).toBe(0);
});

test('apply converges, a second apply makes zero mutating calls, and the passphrase appears nowhere', async () => {
  const first = await apply('site.yaml', '--auto-approve');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/Apply complete! 42 added, 0 changed\. The site matches the file\.\n$/);
  const afterFirst = lab.site.mutations();
  expect(afterFirst).toBeGreaterThan(40);

  const second = await apply('site.yaml', '--auto-approve');
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/No changes\. The site matches the file\./);
  expect(lab.site.mutations()).toBe(afterFirst);

  const journal = readFileSync(join(lab.dir, '.microcloud', 'journal.jsonl'), 'utf8');
  const records = journal.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records.length).toBeGreaterThanOrEqual(40);
  for (const text of [journal, first.stdout, first.stderr, second.stdout, second.stderr]) expect(text).not.toContain(PASSPHRASE);
});

test('--json streams events and ends with a result line', async () => {
  const r = await apply('site.yaml', '--auto-approve', '--json', '--parallelism', '4');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; ok?: boolean });
  expect(lines.length).toBeGreaterThan(40);
  expect(lines.at(-1)).toEqual({ type: 'result', ok: true, added: 42, changed: 0, failed: [], not_started: [] });
  expect(r.stdout).not.toContain(PASSPHRASE);
});

test('a saved plan is applied as planned, and refused once the site has moved', async () => {
  const planned = await runCli(['plan', 'site.yaml', '--out', 'site.plan'], { cwd: lab.dir });
  expect(planned.code).toBe(0);
  expect(existsSync(join(lab.dir, 'site.plan'))).toBe(true);
  await runCli(['plan', 'site.yaml', '--out', 'old.plan'], { cwd: lab.dir });

  const applied = await apply('site.plan', '--auto-approve');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toMatch(/Apply complete! 42 added/);

  const mutations = lab.site.mutations();
  const stale = await apply('old.plan', '--auto-approve');
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/the saved plan old\.plan is stale: the site changed since it was planned/);
  expect(lab.site.mutations()).toBe(mutations);
});

test('a saved plan whose preseed was edited is refused', async () => {
  await runCli(['plan', 'site.yaml', '--out', 'site.plan'], { cwd: lab.dir });
  lab.preseed['lookup_timeout'] = 120;
  lab.write();
  const r = await apply('site.plan', '--auto-approve');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/is stale: .*site\.yaml changed since it was planned/);
  expect(lab.site.mutations()).toBe(0);
});

test('lxd.config: a saved plan names a secret value, applying it sends the value, and no output shows it', async () => {
  const KEY = 'maas-api-key-from-the-file-77';
  lab.preseed['lxd'] = { config: { 'images.auto_update_interval': 0, 'maas.api.key': KEY } };
  lab.write();
  const debug = ['--log-level', 'debug', '--log-format', 'json'];
  const planned = await runCli(['plan', 'site.yaml', '--out', 'site.plan', ...debug], { cwd: lab.dir });
  expect(planned.code).toBe(0);
  expect(planned.stdout).toContain('+ lxd/server-config/maas.api.key: set maas.api.key to (sensitive) (lxd.config)');
  const applied = await apply('site.plan', '--auto-approve', ...debug);
  expect(applied.code).toBe(0);
  const db = Object.values((lab.site.world('lxd') as LxdWorld).snapshot().databases)[0]!;
  expect(db.config).toMatchObject({ 'images.auto_update_interval': '0', 'maas.api.key': KEY });
  const journal = readFileSync(join(lab.dir, '.microcloud', 'journal.jsonl'), 'utf8');
  const saved = readFileSync(join(lab.dir, 'site.plan'), 'utf8');
  for (const text of [planned.stdout, planned.stderr, saved, applied.stdout, applied.stderr, journal]) expect(text).not.toContain(KEY);
});

test('usage errors for apply options', async () => {
  expect(await apply('site.yaml', '--lock-timeout', 'soon')).toMatchObject({ code: 64, stderr: expect.stringMatching(/--lock-timeout must be a duration/) });
  expect(await runCli(['apply'], { cwd: lab.dir })).toMatchObject({ code: 64, stderr: expect.stringMatching(/apply takes exactly one FILE or PLANFILE/) });
});

test('status: out of sync before apply, in sync and healthy after, read-only, and an error naming a machine that is down', async () => {
  const before = await runCli(['status', 'site.yaml'], { cwd: lab.dir });
  expect(before.code).toBe(2);
  expect(before.stdout).toMatch(/^Out of sync: 42 differences from site\.yaml/);

  expect((await apply('site.yaml', '--auto-approve')).code).toBe(0);
  const after = await runCli(['status', 'site.yaml'], { cwd: lab.dir });
  expect(after.code).toBe(0);
  expect(after.stdout).toMatch(/^In sync: the site matches site\.yaml\./);
  expect(after.stdout).toMatch(/LXD +ok +3\/3 members online/);
  expect(after.stdout).toMatch(/MicroCeph +ok +3\/3 members online/);
  expect(after.stdout).toMatch(/MicroOVN +ok +3\/3 members online/);
  expect(after.stdout).toMatch(/Ceph +ok +HEALTH_OK/);

  const json = await runCli(['status', 'site.yaml', '--json'], { cwd: lab.dir });
  expect(JSON.parse(json.stdout)).toMatchObject({ format_version: 1, in_sync: true, healthy: true, differences: [] });
  expect(lab.site.mutations()).toBeGreaterThan(0);
  const mutations = lab.site.mutations();
  await runCli(['status', 'site.yaml'], { cwd: lab.dir });
  expect(lab.site.mutations()).toBe(mutations); // status only reads

  lab.site.down('node3');
  const down = await runCli(['status', 'site.yaml'], { cwd: lab.dir });
  expect(down.code).toBe(1);
  expect(down.stdout).toMatch(/error: node3 is unreachable/);
  expect(down.stdout).toMatch(/MicroCeph +FAIL +2\/3 members online\n +node3: UNREACHABLE/);
});
