import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return name;
};

const VALID = 'initiator_address: 10.0.0.11\nsession_passphrase: Zebra-Quartz-Lantern-77\nsystems:\n  - {name: n1, address: 10.0.0.11, storage: {ceph: [{path: /dev/sdb}]}}\n  - {name: n2, address: 10.0.0.12}\n';

describe('microcloud validate', () => {
  test('a valid file: exit 0, warnings shown', async () => {
    const r = await runCli(['validate', write('ok.yaml', VALID)], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\.yaml:4:3: warning: Disk configuration does not meet recommendations/m);
    expect(r.stdout).toMatch(/ok\.yaml is valid \(1 warning\)\.\n$/);
  });

  test('a typo: exit 1 with file:line:col, path and suggestion', async () => {
    const r = await runCli(['validate', write('typo.yaml', `lookup_timout: 30\n${VALID}`)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('typo.yaml:1:1: error: unknown key "lookup_timout" (at lookup_timout)\n  hint: did you mean "lookup_timeout"?');
    expect(r.stdout).toMatch(/typo\.yaml is invalid: 1 error, 1 warning\./);
  });

  test('--json prints the documented array', async () => {
    const r = await runCli(['validate', '--json', write('typo2.yaml', `${VALID}ceph:\n  cephs: true\n`)], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(out).toEqual([
      { severity: 'warning', path: 'systems', line: 4, column: 3, message: expect.stringMatching(/fault tolerance/), hint: null },
      { severity: 'error', path: 'ceph.cephs', line: 7, column: 3, message: 'unknown key "cephs"', hint: 'did you mean "cephfs"?' },
    ]);
    for (const d of out) expect(Object.keys(d)).toEqual(['severity', 'path', 'line', 'column', 'message', 'hint']);
  });

  test('--json on a valid file prints [] with warnings only', async () => {
    const r = await runCli(['validate', write('ok2.yaml', VALID), '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { severity: string }[]).map((d) => d.severity)).toEqual(['warning']);
  });

  test('the passphrase never shows, even in debug JSON logs', async () => {
    const r = await runCli(['--log-level', 'debug', '--log-format', 'json', 'validate', write('s.yaml', VALID)], { cwd: dir });
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stderr.trim().split('\n')[0] as string) as Record<string, unknown>;
    expect(log).toMatchObject({ level: 'debug', message: 'validated preseed', systems: 2 });
    expect(r.stdout + r.stderr).not.toContain('Zebra-Quartz-Lantern-77');
  });
});

describe('garbage in: one clear error line, exit 1, no stack trace (the real binary)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a binary file', () => write('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe])), /bin\.yaml:1:7: error: the file is binary, not YAML text/],
    ['invalid UTF-8', () => write('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1')), /latin1\.yaml:1:1: error: the file is not valid UTF-8 text/],
    ['an empty file', () => write('empty.yaml', ''), /empty\.yaml:1:1: error: the file is empty/],
    ['a YAML list', () => write('list.yaml', '- a\n- b\n'), /list\.yaml:1:1: error: the top level must be a mapping of keys, not a list/],
    ['a 10 MB file', () => write('big.yaml', `a: "${'x'.repeat(10 * 1024 * 1024)}"\n`), /big\.yaml: error: the file is too large \(10\.5 MB\)/],
    ['a missing file', () => 'does-not-exist.yaml', /does-not-exist\.yaml: error: cannot read the file: no such file/],
    ['a directory', () => '.', /\.: error: is a directory/],
  ];
  test.each(cases)('%s', (_what, make, message) => {
    const file = make();
    const r = runBin(['validate', file], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(message);
    expect(lines).toHaveLength(3); // the error, its hint, the summary
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });
});
