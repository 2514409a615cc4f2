// docs/gitops.md cannot rot: the pipeline script its two examples call (examples/ci/) runs here,
// stage by stage, against the lab, with the exit codes the guide promises; and the guide and the
// examples call exactly those stages.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'examples/ci/microcloud-pipeline.sh');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

let lab: PlanLab;
beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
});
afterAll(async () => {
  await lab?.stop();
});

// Asynchronous: the lab answers from this very process, so its event loop must keep running.
const stage = (name: string): Promise<{ code: number | null; stdout: string; stderr: string }> => new Promise((resolve, reject) => {
  const child = spawn('bash', [SCRIPT, name, 'site.yaml'], {
    cwd: lab.dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'], HOME: '/nonexistent-home', MICROCLOUD: `${process.execPath} ${BIN}`, PLAN_DIR: 'plan' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('error', reject);
  child.once('close', (code) => resolve({ code, stdout, stderr }));
});

test('check (exit 2: changes to review), apply the saved plan, verify, check again (exit 0)', async () => {
  const check = await stage('check');
  expect([check.code, check.stderr]).toEqual([2, expect.any(String)]);
  expect(check.stdout).toContain('site.yaml is valid.');
  expect(check.stdout).toMatch(/Plan: 42 to add, 0 to change, 0 to destroy\./);
  expect(readFileSync(join(lab.dir, 'plan/plan.txt'), 'utf8')).toMatch(/Plan: 42 to add/);
  expect(lab.site.mutations()).toBe(0);

  const apply = await stage('apply');
  expect(apply.code).toBe(0);
  const result = JSON.parse(apply.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(result).toEqual({ type: 'result', ok: true, added: 42, changed: 0, failed: [], not_started: [] });

  const verify = await stage('verify');
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ in_sync: true, healthy: true });

  // The next merge request with nothing to change: plan exit 0, and its saved plan applies as a no-op.
  const mutations = lab.site.mutations();
  expect((await stage('check')).code).toBe(0);
  const noop = await stage('apply');
  expect([noop.code, JSON.parse(noop.stdout.trim().split('\n').at(-1)!)]).toEqual([0, { type: 'result', ok: true, added: 0, changed: 0, failed: [], not_started: [] }]);
  expect(lab.site.mutations()).toBe(mutations);
}, 180_000);

test('the guide and both pipeline examples call the script\'s stages', () => {
  for (const file of ['docs/gitops.md', 'examples/ci/github-actions.yml', 'examples/ci/gitlab-ci.yml']) {
    const text = read(file);
    for (const s of ['check', 'apply', 'verify']) expect(text).toContain(`examples/ci/microcloud-pipeline.sh ${s}`);
  }
});
