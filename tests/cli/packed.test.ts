// The package as a user gets it: `npm pack` of the build, installed globally into a scratch prefix,
// run through its `bin`. The CLI ships as an esbuild bundle (scripts/bundle-cli.js) that keeps the
// lab and ssh2 outside and finds schemas/ and package.json relative to its own chunks, so only the
// installed copy shows that all of them are still found. Needs `npm run build` first, like runBin.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'three-machines-ceph-ovn.yaml');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let scratch = '';
let bin = '';

const run = (command: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> =>
  spawnSync(command, args, { cwd: opts.cwd ?? scratch, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, NO_COLOR: '1' } });

const ok = (r: SpawnSyncReturns<string>): SpawnSyncReturns<string> => {
  if (r.status !== 0) throw new Error(`exit ${String(r.status)} ${r.error?.message ?? ''}\n${r.stderr}`);
  return r;
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'microcloud-packed-'));
  try {
    ok(run('npm', ['pack', '--pack-destination', scratch, '--silent'], { cwd: ROOT, timeoutMs: 120_000 }));
    const tarball = readdirSync(scratch).find((f) => /^microcloud-apply-.*\.tgz$/.test(f));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${scratch}`);
    ok(run('npm', ['install', '-g', '--prefix', join(scratch, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', join(scratch, tarball)],
      { timeoutMs: 300_000 }));
    bin = join(scratch, 'prefix', 'bin', 'microcloud');
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}, 420_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('--version from the installed bin', () => {
  expect(run(bin, ['--version'])).toMatchObject({ status: 0, stdout: `microcloud-apply ${VERSION}\n`, stderr: '' });
});

test('validate of an example: valid, exit 0', () => {
  expect(run(bin, ['validate', EXAMPLE])).toMatchObject({ status: 0, stdout: `${EXAMPLE} is valid.\n`, stderr: '' });
});

test('validate of a file with a mistake: the located finding, exit 1', () => {
  const bad = join(scratch, 'bad.yaml');
  const text = readFileSync(EXAMPLE, 'utf8').replace(/^systems:/m, 'sytems:');
  writeFileSync(bad, text);
  const line = text.split('\n').findIndex((l) => l.startsWith('sytems:')) + 1;
  const r = run(bin, ['validate', bad]);
  expect(r.status).toBe(1);
  expect(r.stdout.split('\n')).toContain(`${bad}:${line}:1: error: unknown key "sytems" (at sytems)`);
  expect(r.stdout.split('\n')).toContain('  hint: did you mean "systems"?');
});

test('schema: the shipped schemas/preseed.schema.json', () => {
  const r = run(bin, ['schema']);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(ROOT, 'schemas', 'preseed.schema.json'), 'utf8'));
});

test('the lab (outside the bundle) and a plan (ssh2 outside, undici inside) work from the installed package', () => {
  const dir = join(scratch, 'lab');
  try {
    const up = run(bin, ['lab', 'up', '--nodes', '1', '--dir', dir, '--detach'], { timeoutMs: 60_000 });
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    const plan = run(bin, ['plan', join(dir, 'site.yaml'), '--detailed-exitcode'], { timeoutMs: 60_000 });
    // A bare machine: everything to create (exit 2 with --detailed-exitcode).
    expect(plan.stdout).toMatch(/^ *\+ lxd\/cluster@node1: /m);
    expect(plan.status).toBe(2);
  } finally {
    run(bin, ['lab', 'down', '--dir', dir]);
  }
}, 120_000);
