// A login that is not root (issue 14, "non-root SSH users"): the lab's sshd refuses a stream-local
// forward to a root-only socket as OpenSSH does, so the daemons are reached through the sudo relay
// (`sudo -n -- nc -N -U <socket>`); LXD's root:lxd socket is forwarded directly for a user in "lxd".
// Without nc, or without passwordless sudo, the error says what is missing.
import { connect } from '../../src/remote/index.js';
import { defaultMachineSpecs } from '../../src/lab/machines.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { runCli } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';

const MICROCEPH = '/var/snap/microceph/common/state/control.socket';
const MICROOVN = '/var/snap/microovn/common/state/control.socket';

let lab: PlanLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function nonRootLab(machines: MachineSpec[], opts: { sudoWithoutPassword?: boolean } = {}): Promise<PlanLab> {
  lab = await startLab({ machines, users: ['root', 'ubuntu'], ...opts });
  (lab.preseed['ssh'] as Record<string, unknown>)['user'] = 'ubuntu';
  lab.write();
  return lab;
}

const cli = (l: PlanLab, ...args: string[]) => runCli(args, { cwd: l.dir });

test('a non-root user plans, applies and gets status in sync for a 3-node site through the sudo relay', async () => {
  const l = await nonRootLab(defaultMachineSpecs(3));
  const plan = await cli(l, 'plan', 'site.yaml');
  expect(plan.stderr).toBe('');
  expect(plan.stdout).toMatch(/Plan: [1-9]\d* to add/);
  expect(plan.code).toBe(0);

  const applied = await cli(l, 'apply', 'site.yaml', '--auto-approve');
  expect(applied.stdout).toMatch(/Apply complete! \d+ added, \d+ changed\. The site matches the file\./);
  expect(applied.code).toBe(0);

  const status = await cli(l, 'status', 'site.yaml');
  expect(status.stdout).toMatch(/^In sync: the site matches site\.yaml\./);
  expect(status.code).toBe(0);

  // Every login was the non-root user; the micro* daemons and snapd went through relays, LXD was forwarded.
  const logins = l.site.log.filter((e) => e.kind === 'connect');
  expect(logins.length).toBeGreaterThan(0);
  expect(logins.every((e) => (e as { user: string }).user === 'ubuntu')).toBe(true);
  const relays = l.site.commands().filter((e) => e.argv?.includes('nc'));
  expect(relays.length).toBeGreaterThan(0);
  for (const r of relays) expect(r.argv).toEqual(['sudo', '-n', '--', 'nc', '-N', '-U', expect.stringMatching(/^(\/var\/snap\/micro(ceph|ovn)\/common\/state\/control\.socket|\/run\/snapd\.socket)$/)]);
  expect(l.site.requests({ service: 'microceph', mutating: true }).length).toBeGreaterThan(0);
  expect(l.site.requests({ service: 'lxd', mutating: true }).length).toBeGreaterThan(0);
}, 60_000);

test('the relay keeps one kept-alive connection per socket: sequential requests reuse one relay process', async () => {
  const l = await nonRootLab(defaultMachineSpecs(1));
  const e = l.site.endpoint('node1');
  const h = await connect({ name: 'node1', host: e.host, port: e.port, user: 'ubuntu', hostKey: e.hostKeyFingerprint, identityFile: `${l.dir}/id_ed25519` },
    { agent: false, retry: false });
  try {
    for (let k = 0; k < 5; k++) expect((await h.request('microceph', 'GET', '/core/1.0')).httpStatus).toBe(200);
    expect(l.site.commands().filter((c) => c.argv?.includes('nc'))).toHaveLength(1);
    expect(l.site.requests({ service: 'microceph' })).toHaveLength(5);
  } finally {
    await h.close();
  }
});

test('parallel requests to a relayed daemon queue on its one connection: one relay per daemon, never a wait for a session slot', async () => {
  const l = await nonRootLab(defaultMachineSpecs(1));
  const e = l.site.endpoint('node1');
  // A budget whose relay share (2) is smaller than what several connections per daemon would take.
  const h = await connect({ name: 'node1', host: e.host, port: e.port, user: 'ubuntu', hostKey: e.hostKeyFingerprint, identityFile: `${l.dir}/id_ed25519` },
    { agent: false, retry: false, maxSessions: 4 });
  try {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, k) =>
      h.request(k % 2 ? 'microovn' : 'microceph', 'GET', '/core/1.0')));
    expect(answers.map((a) => a.httpStatus)).toEqual(Array(12).fill(200));
    const relays = l.site.commands().filter((c) => c.argv?.includes('nc')).map((c) => c.argv!.at(-1));
    // One relay per daemon: none of the 12 could have waited for another connection's keep-alive
    // (a minute) to free a session slot.
    expect(relays.sort()).toEqual([MICROCEPH, MICROOVN].sort());
  } finally {
    await h.close();
  }
});

test('without nc on a machine, plan names the machine, the socket, its permissions and the package', async () => {
  const specs = defaultMachineSpecs(3);
  specs[1] = { ...specs[1]!, withoutPrograms: ['nc'] };
  const l = await nonRootLab(specs);
  const plan = await cli(l, 'plan', 'site.yaml');
  expect(plan.code).not.toBe(0);
  expect(plan.stdout + plan.stderr).toMatch(/error +node2: .*user ubuntu cannot open/);
  expect(plan.stdout + plan.stderr).toContain(
    `user ubuntu cannot open ${MICROCEPH} (root:root 0660) and \`sudo -n nc\` is not available: install netcat-openbsd or log in as root`);
  expect(l.site.mutations()).toBe(0);
});

test('without passwordless sudo, the error says so', async () => {
  const l = await nonRootLab(defaultMachineSpecs(1), { sudoWithoutPassword: false });
  const plan = await cli(l, 'plan', 'site.yaml');
  expect(plan.code).not.toBe(0);
  expect(plan.stdout + plan.stderr).toMatch(/node1: .*(needs a password|passwordless sudo)/);
});
