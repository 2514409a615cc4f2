// `microcloud export` as the operator runs it against a lab site: a site with something the preseed
// cannot say gets the warning and still an export, --strict turns it into exit 1 with nothing
// written; DEST alone finds the other members through LXD's cluster; usage errors, a bad connect
// file and an unreachable machine each get their exit code and a clear message.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { connect, type SshTarget } from '../../src/remote/index.js';
import { exportSite } from '../../src/site/export.js';
import { silentLogger } from '../../src/remote/types.js';
import { runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab;
const cli = (...args: string[]) => runCli(args, { cwd: lab.dir });

beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
  const built = await cli('apply', 'site.yaml', '--auto-approve');
  if (built.code !== 0) throw new Error(built.stderr);
  const systems = systemsOf(lab).map((s) => ({ name: s.name, ssh: s.ssh }));
  writeFileSync(join(lab.dir, 'connect.yaml'), stringify({ ssh: { identity_file: 'id_ed25519' }, systems }));
}, 60_000);
afterAll(async () => {
  await lab?.stop();
});

test('DEST alone: the other members are reached at their LXD cluster addresses, and the export plans to nothing', async () => {
  const reached: string[] = [];
  // The lab's machines listen on loopback ports, not on their cluster addresses: the connection to
  // each address goes to that machine's endpoint, with the lab's key and pinned host key.
  const byAddress = new Map(systemsOf(lab).map((s) => [s.address, s.ssh]));
  const connectFn = (t: SshTarget, o?: Parameters<typeof connect>[1]) => {
    reached.push(`${t.name}@${t.host}:${t.port ?? 22}`);
    const ep = byAddress.get(t.host)!;
    return connect({ ...t, host: ep.host, port: ep.port, hostKey: ep.host_key, identityFile: join(lab.dir, 'id_ed25519') }, { ...o, agent: false });
  };
  const r = await exportSite({ kind: 'dest', dest: { host: '10.1.0.12', user: 'root' }, text: 'root@10.1.0.12' },
    { parallelism: undefined, trustOnFirstUse: false, logger: silentLogger, home: lab.dir, connectFn });
  if (!r.ok) throw new Error(JSON.stringify(r.unreachable));
  // DEST once (its connection is reused), then each other member once, at its cluster address.
  expect(reached.sort()).toEqual(['10.1.0.12@10.1.0.12:22', 'node1@10.1.0.11:22', 'node3@10.1.0.13:22']);
  expect(r.systems).toEqual(['node2', 'node1', 'node3']);
  expect(r.result.warnings).toEqual([]);
  expect(r.result.plan?.steps).toEqual([]);
  const doc = parse(r.result.text) as { initiator_address: string; systems: { name: string; address: string; ssh: Record<string, unknown> }[] };
  expect(doc.initiator_address).toBe('10.1.0.12');
  expect(doc.systems.map((s) => [s.name, s.address])).toEqual([['node2', '10.1.0.12'], ['node1', '10.1.0.11'], ['node3', '10.1.0.13']]);
  // Reached at its address as root: only the host key the connection accepted needs saying.
  expect(doc.systems.map((s) => s.ssh)).toEqual(['node2', 'node1', 'node3'].map((n) => ({ host_key: lab.site.endpoint(n).hostKeyFingerprint })));
});

test('export --connect asks each machine exactly what plan asks it, and MicroOVN\'s encapsulation address, and changes nothing', async () => {
  const asked = (l: PlanLab) => l.site.machines().map((m) => l.site.log.filter((e) => e.machine === m)
    .map((e) => (e.kind === 'connect' ? 'ssh login' : e.kind === 'exec' ? `exec ${(e.argv ?? [e.command]).join(' ')}` : `${e.service} ${e.method} ${e.path}?${e.query ?? ''}`)).sort());
  lab.site.resetCounters();
  expect((await cli('plan', 'site.yaml')).code).toBe(0);
  const byPlan = asked(lab);
  lab.site.resetCounters();
  expect((await cli('export', '--connect', 'connect.yaml')).code).toBe(0);
  // Plus the one read plan does not need: the chassis' ovn-encap-ip (src/services/microovn-encap.ts).
  const encap = 'exec microovn.ovs-vsctl --timeout=10 --if-exists get open_vswitch . external_ids:ovn-encap-ip';
  expect(asked(lab)).toEqual(byPlan.map((calls) => [...calls, encap].sort()));
  expect(lab.site.mutations()).toBe(0);
});

describe('with a profile device the preseed cannot describe', () => {
  beforeAll(async () => {
    const ep = lab.site.endpoint('node1');
    const host = await connect({ name: 'node1', host: ep.host, port: ep.port, user: 'root', identityFile: join(lab.dir, 'id_ed25519'), hostKey: ep.hostKeyFingerprint }, { agent: false });
    try {
      const profile = await host.request<{ devices: Record<string, unknown> }>('lxd', 'GET', '/1.0/profiles/default');
      await host.request('lxd', 'PATCH', '/1.0/profiles/default', { devices: { ...profile.metadata.devices, data: { type: 'disk', source: '/srv/data', path: '/data' } } });
    } finally {
      await host.close();
    }
  });

  test('export warns, naming it, and still writes what it can (exit 0)', async () => {
    const r = await cli('export', '--connect', 'connect.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("warning: the default profile's device data is beyond root and eth0: the preseed cannot describe it\n");
    expect((parse(r.stdout) as { systems: unknown[] }).systems).toHaveLength(3);
  });

  test('--strict makes it an error: exit 1, nothing written', async () => {
    const r = await cli('export', '--connect', 'connect.yaml', '--strict', '--out', 'strict.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      "error: the default profile's device data is beyond root and eth0: the preseed cannot describe it",
      'Nothing exported (--strict): 1 thing the preseed cannot express.', ''].join('\n'));
    expect(r.stdout).toBe('');
    expect(existsSync(join(lab.dir, 'strict.yaml'))).toBe(false);
  });
});

test.each([
  [[], 'export takes one DEST'],
  [['root@10.1.0.11', '--connect', 'connect.yaml'], 'export takes one DEST'],
  [['root@'], 'DEST must be [user@]host[:port], not "root@"'],
  [['10.1.0.11:99999'], 'the port in DEST must be a whole number from 1 to 65535'],
  [['--connect', 'connect.yaml', '--out', 'connect.yaml'], '--out connect.yaml is the --connect file'],
])('usage error %j: exit 64', async (args, message) => {
  const r = await cli('export', ...args);
  expect(r.code).toBe(64);
  expect(r.stderr).toContain(message);
  expect(r.stderr).toContain('Usage: microcloud export DEST | --connect FILE');
});

test('a connect file whose ssh: settings are wrong: the located diagnostic, exit 1', async () => {
  writeFileSync(join(lab.dir, 'bad.yaml'), 'systems:\n  - name: node1\n    ssh: {port: seventy}\n');
  const r = await cli('export', '--connect', 'bad.yaml');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^bad\.yaml:3:17: error: .*\(at systems\[0\]\.ssh\.port\)/m);
  expect(r.stderr).toContain('bad.yaml: cannot reach the site from it (only systems[].name, systems[].ssh and ssh: are read).');
});

test('a machine that cannot be reached: exit 1, nothing exported', async () => {
  const text = readFileSync(join(lab.dir, 'connect.yaml'), 'utf8');
  const doc = parse(text) as { systems: { name: string; ssh: { port: number } }[] };
  doc.systems[2]!.ssh.port = 1;
  writeFileSync(join(lab.dir, 'down.yaml'), stringify(doc));
  const r = await cli('export', '--connect', 'down.yaml', '--out', 'down-export.yaml');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: node3 is unreachable: .*$/m);
  expect(r.stderr).toContain('Nothing exported: every machine of the site must be read.');
  expect(existsSync(join(lab.dir, 'down-export.yaml'))).toBe(false);
});

test('export --help lists every option', async () => {
  const r = await cli('export', '--help');
  expect(r.code).toBe(0);
  for (const flag of ['--connect FILE', '--out FILE', '--strict', '--parallelism N', '--trust-on-first-use']) expect(r.stdout).toContain(flag);
});
