// The plan file: owner-only, written atomically, refused when it would reveal a secret; and the
// --parallelism option's bounds.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parallelismOption } from '../../src/cli/plan.js';
import { UsageError } from '../../src/cli/io.js';
import { diff, SecretInPlanError } from '../../src/plan/index.js';
import { renderSavedPlan, savedPlan } from '../../src/plan/saved-plan.js';
import { writePlanFile } from '../../src/site/plan-file.js';
import { Secret } from '../../src/secrets.js';
import { bareSite, desired } from '../plan/fixtures.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'saved-plan-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const d = desired({ n: 3 });
const plan = diff(d, bareSite(3), { preseedDigest: 'sha256:abc' });

test('the document: the plan, its summary, the tool and the preseed it was made from', () => {
  const doc = savedPlan(plan, { version: '1.2.3', preseedFile: '/etc/microcloud/site.yaml' });
  expect(doc).toMatchObject({ kind: 'microcloud-apply/plan', format_version: 1, preseedDigest: 'sha256:abc', tool: { name: 'microcloud-apply', version: '1.2.3' }, preseedFile: '/etc/microcloud/site.yaml' });
  expect(JSON.parse(renderSavedPlan(doc, [d.sessionPassphrase!]))).toEqual(JSON.parse(JSON.stringify(doc)));
});

test('a document that would reveal a secret is refused before anything is written', () => {
  const doc = savedPlan(plan, { version: '1.2.3', preseedFile: '/srv/s3cret-Passphrase-42/site.yaml' });
  expect(() => renderSavedPlan(doc, [d.sessionPassphrase!])).toThrow(SecretInPlanError);
  expect(() => renderSavedPlan({ ...doc, preseedFile: '/x' }, [new Secret('sha256:abc')])).toThrow('the plan reveals a secret at $.preseedDigest');
});

test('written 0600 (even over a file that was world-readable), atomically, leaving no temporary file', async () => {
  const path = join(dir, 'site.plan');
  writeFileSync(path, 'old', { mode: 0o644 });
  await writePlanFile(path, '{"plan":1}\n');
  expect(readFileSync(path, 'utf8')).toBe('{"plan":1}\n');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(['site.plan']);
  await expect(writePlanFile(join(dir, 'missing', 'x.plan'), '{}')).rejects.toThrow(/ENOENT/);
  expect(readdirSync(dir)).toEqual(['site.plan']);
});

test('--parallelism: 1 to 1000; unset, each stage keeps its own default', () => {
  expect(parallelismOption(undefined)).toBeUndefined();
  expect(parallelismOption('1')).toBe(1);
  expect(parallelismOption('250')).toBe(250);
  for (const bad of ['0', '-3', '1.5', 'ten', '', '1001', true]) expect(() => parallelismOption(bad)).toThrow(UsageError);
  expect(() => parallelismOption('0')).toThrow('--parallelism must be a whole number from 1 to 1000, not "0"');
});
