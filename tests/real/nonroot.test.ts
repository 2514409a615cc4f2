// Issue 14, "non-root SSH users", on real software: the real-host lab (real OpenSSH sshd, Debian's
// LXD 5.0.2, the lab's MicroCeph/MicroOVN on the snap socket paths) driven by a real non-root user
// with passwordless sudo. Stream-local forwards connect with that user's rights, which the root-only
// daemon sockets refuse, so every daemon is reached through `sudo -n -- nc -N -U <socket>` (real
// sudo, real netcat-openbsd). Nothing is installed here: nc comes from .ci/run's package list.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '../helpers/cli.js';
import { createSudoUser, type SudoUser } from '../helpers/sudo-user.js';
import { type RealLab, realLabMissing, sitePreseed, startRealLab } from './real-lab.js';

const missing = realLabMissing()
  ?? (spawnSync('test', ['-x', '/usr/bin/nc']).status !== 0 ? '/usr/bin/nc is missing: install netcat-openbsd (.ci/run lists it)' : null);
if (missing) throw new Error(`${missing} (npm run test:real runs on the machine .ci/run prepares)`);

let lab: RealLab | undefined;
let user: SudoUser | undefined;
let work: string | undefined;
let site: string;

beforeAll(async () => {
  lab = await startRealLab(3);
  user = await createSudoUser();
  await user.allowSudo();
  work = mkdtempSync(join(tmpdir(), 'mc-real-nonroot-'));
  site = join(work, 'site.yaml');
  // The lab's sshd reads $R/ssh/authorized_keys for every user, so the client key logs this user in.
  const text = sitePreseed(lab).replace(/^ssh:\n/m, `ssh:\n  user: ${user.name}\n`);
  expect(text).toContain(`  user: ${user.name}\n`);
  writeFileSync(site, text);
}, 240_000);

afterAll(async () => {
  try {
    await user?.remove();
  } finally {
    await lab?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }
}, 180_000);

const cli = (...args: string[]) => runBin(args, { cwd: work, timeoutMs: 300_000 });

test('the daemon sockets refuse the user, so a plain forward cannot work', () => {
  // What the relay is for: the sockets as the real lab has them (the user is in no socket group).
  const r = lab!.sh(['stat', '-L', '-c', '%U:%G %a %n', join(lab!.dir, 'node1', 'snap/microceph/common/state/control.socket'), join(lab!.dir, 'node1', 'lxd/unix.socket')]);
  const lines = r.trim().split('\n');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    // Owned by root, in a group the user is not in, and not writable by others (connect needs write).
    const [owner, mode] = line.split(' ');
    expect(owner).toMatch(/^root:/);
    expect(parseInt(mode!, 8) & 0o002).toBe(0);
  }
  expect(spawnSync('sudo', ['-n', '-u', user!.name, 'test', '-w', join(lab!.dir, 'node1', 'lxd/unix.socket')]).status).not.toBe(0);
});

test('a non-root user with passwordless sudo plans and applies the site through the relay; status is in sync', () => {
  const plan = cli('plan', site, '--detailed-exitcode');
  expect([plan.code, plan.stderr]).toEqual([2, '']);
  expect(plan.stdout).toMatch(/lxd\/member\/node3: join node3 to the LXD cluster/);

  const apply = cli('apply', site, '--auto-approve');
  expect([apply.code, apply.stderr.slice(-3000)]).toEqual([0, expect.any(String)]);
  expect(apply.stdout).toMatch(/The site matches the file\./);

  const members = JSON.parse(lab!.lxc('node1', 'cluster', 'list', '--format=json')) as { server_name: string; status: string }[];
  expect(members.map((m) => [m.server_name, m.status])).toEqual([['node1', 'Online'], ['node2', 'Online'], ['node3', 'Online']]);
  expect(lab!.lxc('node2', 'storage', 'list', '--format=csv')).toMatch(/^remote,ceph,.*,CREATED$/m);
  expect(lab!.lxc('node3', 'network', 'list', '--format=csv')).toMatch(/^default,ovn,YES,.*,CREATED$/m);

  const status = cli('status', site);
  expect([status.code, status.stdout.split('\n')[0]]).toEqual([0, expect.stringMatching(/^In sync: the site matches /)]);
  expect(cli('plan', site, '--detailed-exitcode').code).toBe(0);

  // Every login was the test user, never root.
  for (const n of lab!.nodes) {
    const log = readFileSync(join(lab!.dir, n, 'ssh', 'sshd.log'), 'utf8');
    expect(log).toContain(`Accepted publickey for ${user!.name} `);
    expect(log).not.toMatch(/Accepted publickey for root /);
  }
}, 400_000);
