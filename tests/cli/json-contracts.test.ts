// The contracts pipelines rely on (issue 15 §1–3): `apply --json` ends with the one documented
// result line on every path; `plan --json` and `status --json` keep their own shape on an invalid
// file; a saved plan is applied only if it is exactly the plan; the lock is taken before the read
// the applied plan comes from. Every document is checked against schemas/output.schema.json.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { LOCK_CONFIG_KEY } from '../../src/apply/index.js';
import { connect, type Host } from '../../src/remote/index.js';
import { BIN, runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

const Ajv2020 = _Ajv2020.default;
const addFormats = _addFormats.default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv, ['date-time']);
ajv.addSchema(JSON.parse(readFileSync(new URL('../../schemas/output.schema.json', import.meta.url), 'utf8')) as object);
const valid = (def: string, doc: unknown): string[] => {
  const check = ajv.getSchema(`https://github.com/microcloud-apply/microcloud-apply/schemas/output.schema.json#/$defs/${def}`)!;
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

let lab: PlanLab;
beforeEach(async () => {
  lab = await startLab({ nodes: 3 });
});
afterEach(async () => {
  await lab?.stop();
});

const cli = (...args: string[]) => runCli(args, { cwd: lab.dir });

/** Every stdout line is JSON; the last is the result, valid against the schema; the others are events. */
function resultOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const result = lines.at(-1)!;
  expect(valid('applyResult', result)).toEqual([]);
  for (const e of lines.slice(0, -1)) expect(valid('applyEvent', e)).toEqual([]);
  expect(lines.filter((l) => l['type'] === 'result')).toHaveLength(1);
  return result;
}

/** The writes since `from`, as `METHOD path@machine`. */
const writesSince = (from: number): string[] => lab.site.requests({ mutating: true }).slice(from).map((e) => `${e.method} ${e.path}@${e.machine}`);

async function node1(): Promise<Host> {
  const ep = lab.site.endpoint('node1');
  return connect({ name: 'node1', host: ep.host, port: ep.port, user: 'root', identityFile: join(lab.dir, 'id_ed25519'), hostKey: ep.hostKeyFingerprint }, { agent: false });
}

describe('apply --json ends with one result on every path', () => {
  test('success, then nothing to do: the same shape both times', async () => {
    const first = await cli('apply', 'site.yaml', '--auto-approve', '--json');
    expect([first.code, resultOf(first.stdout)]).toEqual([0, { type: 'result', ok: true, added: 42, changed: 0, failed: [], not_started: [] }]);
    const second = await cli('apply', 'site.yaml', '--auto-approve', '--json');
    expect([second.code, resultOf(second.stdout)]).toEqual([0, { type: 'result', ok: true, added: 0, changed: 0, failed: [], not_started: [] }]);
  });

  test('an invalid file: the diagnostics inside the result, nothing contacted', async () => {
    writeFileSync(join(lab.dir, 'bad.yaml'), 'systems: []\nlookup_timout: 5\n');
    const r = await cli('apply', 'bad.yaml', '--auto-approve', '--json');
    const result = resultOf(r.stdout);
    expect(r.code).toBe(1);
    expect(result).toMatchObject({ ok: false, error: 'bad.yaml is invalid; nothing was applied' });
    expect(result['diagnostics']).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', path: 'lookup_timout', line: 2, column: 1 })]));
    expect(lab.site.connections()).toBe(0);
  });

  test('an unreachable machine: the findings inside the result, nothing changed', async () => {
    await lab.site.down('node2');
    const r = await cli('apply', 'site.yaml', '--auto-approve', '--json');
    const result = resultOf(r.stdout);
    expect(r.code).toBe(1);
    expect(result['error']).toMatch(/^the plan has errors, so nothing was applied: .*node2/);
    expect(result['findings']).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', machine: 'node2' })]));
    expect(lab.site.mutations()).toBe(0);
  });

  test('a preflight error (a hostname that is not the system name)', async () => {
    systemsOf(lab)[2]!.name = 'node9';
    lab.write();
    const r = await cli('apply', 'site.yaml', '--auto-approve', '--json');
    expect(r.code).toBe(1);
    expect(resultOf(r.stdout)).toMatchObject({ ok: false, findings: expect.arrayContaining([expect.objectContaining({ severity: 'error', code: 'hostname' })]) });
    expect(lab.site.mutations()).toBe(0);
  });

  test('a stale saved plan, and one whose preseed moved', async () => {
    await cli('plan', 'site.yaml', '--out', 'site.plan');
    // The site moves: another apply converges it.
    expect((await cli('apply', 'site.yaml', '--auto-approve')).code).toBe(0);
    const writes = lab.site.requests({ mutating: true }).length;
    const stale = await cli('apply', 'site.plan', '--auto-approve', '--json');
    expect(stale.code).toBe(1);
    expect(resultOf(stale.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/the saved plan site\.plan is stale: the site changed since it was planned/) });
    expect(writesSince(writes)).toEqual([]);

    await cli('plan', 'site.yaml', '--out', 'now.plan');
    lab.preseed['lookup_timeout'] = 120;
    lab.write();
    const edited = await cli('apply', 'now.plan', '--auto-approve', '--json');
    expect(resultOf(edited.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/now\.plan is stale: .*site\.yaml changed since it was planned/) });
  });

  test('a lock held by another machine: named in the error, the lock left as it was', async () => {
    const h = await node1();
    const held = JSON.stringify({ id: 'x', owner: 'alice@ci9', pid: 1, host: 'ci9', operation: 'apply other.yaml', time: '2026-01-01T00:00:00Z' });
    try {
      await h.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: held } });
      const mutations = lab.site.mutations();
      const r = await cli('apply', 'site.yaml', '--auto-approve', '--json');
      expect(r.code).toBe(1);
      expect(resultOf(r.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/^the site is locked by alice@ci9 \(pid 1 on ci9\) running "apply other\.yaml"/) });
      expect(lab.site.mutations()).toBe(mutations);
      const config = (await h.request<{ config: Record<string, string> }>('lxd', 'GET', '/1.0')).metadata.config;
      expect(config[LOCK_CONFIG_KEY]).toBe(held);
    } finally {
      await h.close();
    }
  });

  test('a failed step: named in failed, the rest not started', async () => {
    lab.site.failNth({ pattern: { machine: 'node2', service: 'lxd', method: 'PUT', path: '/1.0/cluster' }, n: 1, times: Infinity, error: { status: 500, message: 'Failed to join cluster: certificate mismatch' } });
    const r = await cli('apply', 'site.yaml', '--auto-approve', '--json');
    expect(r.code).toBe(1);
    const result = resultOf(r.stdout);
    expect(result).toMatchObject({ ok: false, failed: ['lxd/member/node2'] });
    expect((result['not_started'] as string[]).length).toBeGreaterThan(0);
  }, 60_000);

  test('an interrupt (SIGINT to the real binary): no new steps, and the result says why', async () => {
    const child = spawn(process.execPath, [BIN, 'apply', 'site.yaml', '--auto-approve', '--json'], { cwd: lab.dir, env: { HOME: '/nonexistent-home', PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && out.includes('"type":"step-done"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(1);
    const result = resultOf(out);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/interrupted: no new steps were started/) });
    expect((result['not_started'] as string[]).length).toBeGreaterThan(0);
  }, 60_000);
});

test('plan --json and status --json on an invalid file print their own document with the diagnostics inside', async () => {
  writeFileSync(join(lab.dir, 'bad.yaml'), 'systems: []\nlookup_timout: 5\n');
  const plan = await cli('plan', 'bad.yaml', '--json');
  expect(plan.code).toBe(1);
  const planDoc = JSON.parse(plan.stdout) as Record<string, unknown>;
  expect(valid('planInvalid', planDoc)).toEqual([]);
  expect(planDoc['diagnostics']).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'lookup_timout' })]));

  const status = await cli('status', 'bad.yaml', '--json');
  expect(status.code).toBe(1);
  const statusDoc = JSON.parse(status.stdout) as Record<string, unknown>;
  expect(valid('status', statusDoc)).toEqual([]);
  expect(statusDoc).toMatchObject({ in_sync: false, healthy: false, diagnostics: expect.arrayContaining([expect.objectContaining({ path: 'lookup_timout' })]) });

  const good = await cli('status', 'site.yaml', '--json');
  expect(valid('status', JSON.parse(good.stdout))).toEqual([]);
});

describe('a saved plan must be the plan', () => {
  type Doc = { steps: { address: string; inputs: Record<string, unknown> }[]; format_version: number };
  const edit = (change: (doc: Doc) => void): void => {
    const path = join(lab.dir, 'site.plan');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
    change(doc);
    writeFileSync(path, JSON.stringify(doc));
  };

  test('a local-pool disk swapped with a Ceph disk (both wiped) is refused, naming the step, and nothing runs', async () => {
    expect((await cli('plan', 'site.yaml', '--out', 'site.plan')).code).toBe(0);
    let swapped = '';
    edit((doc) => {
      const pool = doc.steps.find((s) => s.address === 'lxd/storage-pool/local@node1')!;
      const osd = doc.steps.find((s) => s.address.startsWith('microceph/disk/node1/'))!;
      swapped = String(pool.inputs['source']);
      pool.inputs['source'] = osd.inputs['path'];
      osd.inputs['path'] = swapped;
    });
    const r = await cli('apply', 'site.plan', '--auto-approve', '--json');
    expect(r.code).toBe(1);
    const result = resultOf(r.stdout);
    expect(result['error']).toMatch(/^the saved plan site\.plan is not the plan this file and site produce \(it was edited, or made by another build\): .*Nothing was applied; run plan again\.$/);
    expect(result['error']).toContain('step lxd/storage-pool/local@node1 differs at inputs.source');
    expect(result['error']).toMatch(/step microceph\/disk\/node1\/\S+ differs at inputs\.path/);
    expect(writesSince(0)).toEqual([]);
  });

  test('a step removed, and a format this build does not read, are refused', async () => {
    await cli('plan', 'site.yaml', '--out', 'site.plan');
    edit((doc) => { doc.steps = doc.steps.filter((s) => s.address !== 'lxd/profile/default'); });
    const dropped = await cli('apply', 'site.plan', '--auto-approve');
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toContain('step lxd/profile/default is missing from the saved plan');

    edit((doc) => { doc.format_version = 99; });
    const future = await cli('apply', 'site.plan', '--auto-approve');
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('cannot apply site.plan: it has format_version 99, and this build reads format_version 1 only');
    expect(writesSince(0)).toEqual([]);
  });
});

test('the lock is taken before the read the applied plan comes from: what another run did while we waited is not redone', async () => {
  expect((await cli('apply', 'site.yaml', '--auto-approve')).code).toBe(0);
  lab.preseed['lxd'] = { config: { 'images.auto_update_interval': 0 } };
  lab.write();
  const h = await node1();
  const held = JSON.stringify({ id: 'other', owner: 'bob@ci2', pid: 1, host: 'ci2', operation: 'apply site.yaml', time: '2026-01-01T00:00:00Z' });
  try {
    await h.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: held } });
    const lockReads = () => lab.site.requests({ machine: 'node1', service: 'lxd' }).filter((e) => e.method === 'GET' && e.path === '/1.0').length;
    const before = lockReads();
    const waiting = cli('apply', 'site.yaml', '--auto-approve', '--json', '--lock-timeout', '60s');
    // Once this apply has read the site and found the lock held (a second GET /1.0 on node1) ...
    for (let i = 0; i < 200 && lockReads() < before + 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(lockReads()).toBeGreaterThanOrEqual(before + 2);
    // ... the holder makes the change itself, and lets go.
    await h.request('lxd', 'PATCH', '/1.0', { config: { 'images.auto_update_interval': '0' } });
    await h.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: '' } });
    const r = await waiting;
    expect(r.code).toBe(0);
    // Planned again under the lock: the change is already there, so this run changed nothing.
    expect(resultOf(r.stdout)).toEqual({ type: 'result', ok: true, added: 0, changed: 0, failed: [], not_started: [] });
  } finally {
    await h.close();
  }
}, 90_000);

test('plan --out refuses to overwrite the preseed it reads, by any name, and leaves it as it was', async () => {
  const before = readFileSync(lab.file, 'utf8');
  for (const out of ['site.yaml', './site.yaml', lab.file]) {
    const r = await cli('plan', 'site.yaml', '--out', out);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--out .* is the preseed being planned; the plan would overwrite it/);
  }
  expect(readFileSync(lab.file, 'utf8')).toBe(before);
  expect(lab.site.connections()).toBe(0);
});

test('removal: plan --json carries the destroy steps and their count; apply --json says how many it destroyed', async () => {
  await lab.stop();
  lab = await startLab({ nodes: 4 });
  expect((await cli('apply', 'site.yaml', '--auto-approve', '--json')).code).toBe(0);
  // The file drops node4 from systems and names it in remove: node4 is not even connected to.
  lab.preseed['systems'] = systemsOf(lab).filter((s) => s.name !== 'node4');
  lab.preseed['remove'] = ['node4'];
  lab.write();
  lab.site.resetCounters();
  const plan = await cli('plan', 'site.yaml', '--json');
  expect(plan.code).toBe(0);
  const doc = JSON.parse(plan.stdout) as { steps: { address: string; action: string }[]; summary: Record<string, number> };
  expect(doc.summary).toEqual({ add: 0, change: 0, destroy: 7 });
  expect(doc.steps.map((s) => s.action)).toEqual(Array(7).fill('destroy'));
  expect(doc.steps.map((s) => s.address).slice(-3)).toEqual(['lxd/member/node4', 'microovn/member/node4', 'microceph/member/node4']);
  const applied = await cli('apply', 'site.yaml', '--auto-approve', '--json');
  expect([applied.code, resultOf(applied.stdout)]).toEqual([0, { type: 'result', ok: true, added: 0, changed: 0, destroyed: 7, failed: [], not_started: [] }]);
  expect(lab.site.connections('node4')).toBe(0);
  const again = await cli('apply', 'site.yaml', '--auto-approve', '--json');
  expect(resultOf(again.stdout)).toEqual({ type: 'result', ok: true, added: 0, changed: 0, failed: [], not_started: [] });
}, 120_000);
