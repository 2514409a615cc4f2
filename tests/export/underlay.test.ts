// `ovn_underlay_ip` in the export: MicroOVN keeps a chassis' encapsulation address only in OVS's
// external_ids:ovn-encap-ip (canonical/microovn microovn/ovn/bootstrap.go, 7943959a), so export
// reads it with the snap's ovs-vsctl, and the lab answers that command as openvswitch/ovs prints it
// (lib/db-ctl-base.c cmd_get, lib/ovsdb-data.c ovsdb_atom_to_string, d6a632a9; the expected outputs
// are what Debian's ovs-vsctl 3.1.0 printed against a scratch ovsdb-server). A site built with
// a separate underlay exports it on every system and plans to "No changes"; a site on its own
// addresses exports none, so a copy follows its new addresses.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LiveState } from '../../src/live/state.js';
import { defaultMachineSpecs, DEFAULT_SNAPS } from '../../src/lab/machines.js';
import type { MicroOvnWorld } from '../../src/lab/micro/index.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { parseOvsdbString, readEncapIp } from '../../src/services/microovn-encap.js';
import { exportPreseed, type ExportEndpoint, type ExportInput } from '../../src/export/preseed.js';
import type { EncapRead } from '../../src/export/underlay.js';
import { gatherOver } from '../../src/site/gather.js';
import { desiredOf, planAndApply, preseed, startLab as startApplyLab, type Lab } from '../apply/helpers.js';
import { runCli } from '../helpers/cli.js';
import { formCluster } from '../lab/micro-client.js';
import { snapSite, type SnapSite } from '../lab/snaps-site.js';
import { startLab as startPlanLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

const underlayOf = (i: number) => `10.2.0.${10 + i}`;

/** Default lab machines with a second network on eth2, 10.2.0.(10+i)/24: the Geneve underlay. */
function underlayMachines(n: number): MachineSpec[] {
  return defaultMachineSpecs(n).map((m, k) => ({
    ...m,
    interfaces: [...m.interfaces, { name: 'eth2', kind: 'physical', state: 'up', mac: `52:54:00:03:00:${(k + 1).toString(16).padStart(2, '0')}`, mtu: 1500, addresses: [`${underlayOf(k + 1)}/24`] }],
  }));
}

describe('the lab: microovn.ovs-vsctl get open_vswitch . external_ids:KEY', () => {
  let s: SnapSite | undefined;
  afterEach(async () => { await s?.stop(); s = undefined; });
  const vsctl = (machine: string, args: string, user = 'root') => s!.site.exec(machine, `microovn.ovs-vsctl ${args}`, user);
  const GET = 'get open_vswitch . external_ids:ovn-encap-ip';
  const NO_DB = 'ovs-vsctl: unix:/var/snap/microovn/common/run/switch//db.sock: database connection failed (No such file or directory)\n';

  test('the address MicroOVN was given, quoted as OVSDB quotes strings; a bare word unquoted; a missing key', async () => {
    s = await snapSite({ users: ['root', 'ubuntu'] });
    const world = s.site.world('microovn') as MicroOvnWorld;
    // Before the daemon bootstraps, no switch service runs: no database socket.
    expect(await vsctl('node1', GET)).toEqual({ stdout: '', stderr: NO_DB, exitCode: 1 });
    await formCluster(world, 'node1', ['node2', 'node3'], {
      bootstrapConfig: { 'ovn-encap-ip': '10.2.0.11' },
      joinConfig: (m): Record<string, string> => (m === 'node2' ? { 'ovn-encap-ip': 'fd00:2::12' } : {}),
    });
    expect(await vsctl('node1', GET)).toEqual({ stdout: '"10.2.0.11"\n', stderr: '', exitCode: 0 });
    expect(await vsctl('node2', `--timeout=10 ${GET}`)).toEqual({ stdout: '"fd00:2::12"\n', stderr: '', exitCode: 0 });
    // Without ovn-encap-ip, MicroOVN gives the chassis its own address.
    expect(await vsctl('node3', GET)).toEqual({ stdout: '"10.1.0.13"\n', stderr: '', exitCode: 0 });
    // A string that is a plain word is printed without quotes (string_needs_quotes).
    expect(await vsctl('node1', 'get Open_vSwitch . external_ids:system-id external_ids:ovn-encap-type')).toEqual({ stdout: 'node1\ngeneve\n', stderr: '', exitCode: 0 });
    expect(await vsctl('node1', 'get open_vswitch . external_ids:nope')).toEqual({
      stdout: '', stderr: 'ovs-vsctl: no key "nope" in Open_vSwitch record "." column external_ids\n', exitCode: 1,
    });
    expect(await vsctl('node1', '--if-exists get open_vswitch . external_ids:nope')).toEqual({ stdout: '\n', stderr: '', exitCode: 0 });
    expect(await vsctl('node1', 'get open_vswitch .')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await vsctl('node1', 'get open_vswitch')).toEqual({ stdout: '', stderr: "ovs-vsctl: 'get' command requires at least 2 arguments\n", exitCode: 1 });
    expect(await vsctl('node1', '')).toEqual({ stdout: '', stderr: 'ovs-vsctl: missing command name (use --help for help)\n', exitCode: 1 });
    // The database socket is root's.
    expect(await vsctl('node1', GET, 'ubuntu')).toEqual({
      stdout: '', stderr: 'ovs-vsctl: unix:/var/snap/microovn/common/run/switch//db.sock: database connection failed (Permission denied)\n', exitCode: 1,
    });
    expect(await s.site.exec('node1', `sudo -n -- microovn.ovs-vsctl ${GET}`, 'ubuntu')).toEqual({ stdout: '"10.2.0.11"\n', stderr: '', exitCode: 0 });
  });

  test('without the microovn snap there is no such command', async () => {
    s = await snapSite({ machines: defaultMachineSpecs(1, { snaps: DEFAULT_SNAPS.filter((x) => x.name === 'lxd') }) });
    expect(await vsctl('node1', 'get open_vswitch . external_ids:ovn-encap-ip')).toEqual({
      stdout: '', stderr: 'bash: line 1: microovn.ovs-vsctl: command not found\n', exitCode: 127,
    });
  });
});

describe('parseOvsdbString', () => {
  test('a JSON-quoted string, a bare word, the empty line of --if-exists; anything else is refused', () => {
    expect(parseOvsdbString('"10.2.0.11"\n')).toBe('10.2.0.11');
    expect(parseOvsdbString('"fd00:2::12"\n')).toBe('fd00:2::12');
    expect(parseOvsdbString('"a\\"b"\n')).toBe('a"b');
    expect(parseOvsdbString('node1\n')).toBe('node1');
    expect(parseOvsdbString('\n')).toBeNull();
    expect(() => parseOvsdbString('"10.2.0.11\n')).toThrow(/not an OVSDB string/);
    expect(() => parseOvsdbString('"a"\n"b"\n')).toThrow(/more than one line/);
  });
});

describe('the export core on a site built with a separate underlay', () => {
  let lab: Lab;
  let live: LiveState;
  let endpoints: Map<string, ExportEndpoint>;
  let read: Map<string, EncapRead>;
  const systems = ['node1', 'node2', 'node3'];

  beforeAll(async () => {
    lab = await startApplyLab({ machines: underlayMachines(3) });
    const text = preseed({ nodes: [1, 2, 3] }).replace(/( {4}address: 10\.1\.0\.1(\d)\n)/g, (_m, line: string, i: string) => `${line}    ovn_underlay_ip: ${underlayOf(Number(i))}\n`);
    const { report } = await planAndApply(lab, desiredOf(text));
    if (!report.ok) throw new Error('bootstrap failed');
    live = await gatherOver(lab.hosts, systems);
    endpoints = new Map(systems.map((n) => {
      const ep = lab.site.endpoint(n);
      return [n, { host: ep.host, port: ep.port, user: 'root', identityFile: '/keys/id', hostKey: ep.hostKeyFingerprint, jump: null }];
    }));
    read = new Map(await Promise.all(systems.map(async (n) => [n, { ip: await readEncapIp(lab.hosts.get(n)!) }] as const)));
  }, 90_000);
  afterAll(async () => {
    await lab?.stop();
  });

  const run = (encapIps: ReadonlyMap<string, EncapRead> | undefined, over: Partial<ExportInput> = {}) => {
    const r = exportPreseed({ live, systems, endpoints, source: 'test', version: '0.0.0-test', passphrase: 'fresh-passphrase-for-test', ...(encapIps ? { encapIps } : {}), ...over });
    const doc = parse(r.text) as { systems: Record<string, unknown>[] };
    return { ...r, underlays: doc.systems.map((s) => s['ovn_underlay_ip'] ?? null) };
  };
  const withRead = (name: string, value: EncapRead) => new Map([...read, [name, value]]);

  test('the reader gives what the file that built the site said', () => {
    expect([...read]).toEqual(systems.map((n, i) => [n, { ip: underlayOf(i + 1) }]));
  });

  test('every system gets its ovn_underlay_ip, and the file plans to no steps', () => {
    const r = run(read);
    expect(r.warnings).toEqual([]);
    expect(r.underlays).toEqual(['10.2.0.11', '10.2.0.12', '10.2.0.13']);
    expect(r.plan?.steps).toEqual([]);
    expect(r.plan?.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.text).toMatch(/^# Underlays: MicroOVN's ovn-encap-ip/m);
  });

  test('chassis on their own addresses: no ovn_underlay_ip at all', () => {
    const own = new Map(systems.map((n, i) => [n, { ip: `10.1.0.${11 + i}` }]));
    const r = run(own);
    expect(r.warnings).toEqual([]);
    expect(r.underlays).toEqual([null, null, null]);
  });

  test('one separate underlay: all systems or none, so the others get their own addresses', () => {
    const r = run(new Map([['node1', { ip: '10.1.0.11' }], ['node2', { ip: '10.2.0.12' }], ['node3', { ip: '10.1.0.13' }]]));
    expect(r.warnings).toEqual([]);
    expect(r.underlays).toEqual(['10.1.0.11', '10.2.0.12', '10.1.0.13']);
    expect(r.plan?.steps).toEqual([]);
  });

  test('what would not plan is left out with a warning naming it', () => {
    const noChassis = run(withRead('node2', { ip: null }));
    expect(noChassis.underlays).toEqual([null, null, null]);
    expect(noChassis.warnings).toEqual([{ object: 'ovn_underlay_ip', message: expect.stringMatching(/on node1 \(10\.2\.0\.11\), node3 \(10\.2\.0\.13\) but node2 has no encapsulation address .*all systems or none/) }]);

    const failed = run(withRead('node3', { error: 'node3: command `microovn.ovs-vsctl …` exited with status 1: ovs-vsctl: database connection failed' }));
    expect(failed.underlays).toEqual([null, null, null]);
    expect(failed.warnings).toEqual([{ object: 'node3', message: expect.stringMatching(/^MicroOVN's encapsulation address on node3 could not be read \(node3: command .*\): ovn_underlay_ip is left out$/) }]);

    const elsewhere = run(withRead('node2', { ip: '10.9.9.9' }));
    expect(elsewhere.underlays).toEqual([null, null, null]);
    expect(elsewhere.warnings).toEqual([{ object: 'node2', message: "MicroOVN's encapsulation address on node2, 10.9.9.9, is on none of its interfaces: ovn_underlay_ip is left out (plan would refuse it)" }]);

    const word = run(withRead('node1', { ip: 'node1' }));
    expect(word.underlays).toEqual([null, null, null]);
    expect(word.warnings).toEqual([{ object: 'node1', message: expect.stringMatching(/"node1", not an IP address/) }]);
  });
});

describe('microcloud export --connect on a site with a separate underlay', () => {
  let lab: PlanLab | undefined;
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  test('ovn_underlay_ip per system as built; plan says No changes; apply makes no mutating call; a failed read is a warning, --strict an error', async () => {
    lab = await startPlanLab({ machines: underlayMachines(3) });
    const l = lab;
    systemsOf(l).forEach((s, k) => { s['ovn_underlay_ip'] = underlayOf(k + 1); });
    l.write();
    const cli = (...args: string[]) => runCli(args, { cwd: l.dir });
    const built = await cli('apply', 'site.yaml', '--auto-approve');
    expect(built.code).toBe(0);
    writeFileSync(join(l.dir, 'connect.yaml'), stringify({ ssh: { identity_file: 'id_ed25519' }, systems: systemsOf(l).map((s) => ({ name: s.name, ssh: s.ssh })) }));
    l.site.resetCounters();

    const exported = await cli('export', '--connect', 'connect.yaml', '--out', 'export.yaml');
    expect(exported.stderr).toBe('Exported 3 systems to export.yaml.\n');
    expect(exported.code).toBe(0);
    const out = parse(readFileSync(join(l.dir, 'export.yaml'), 'utf8')) as { systems: Record<string, unknown>[] };
    expect(out.systems.map((s) => s['ovn_underlay_ip'])).toEqual(systemsOf(l).map((s) => s['ovn_underlay_ip']));
    // Read over SSH with the snap's ovs-vsctl, once per machine.
    expect(l.site.commands().filter((e) => /microovn\.ovs-vsctl/.test(e.command)).map((e) => e.machine).sort()).toEqual(['node1', 'node2', 'node3']);

    expect((await cli('validate', 'export.yaml')).code).toBe(0);
    const planned = await cli('plan', 'export.yaml', '--detailed-exitcode');
    expect(planned.stdout).toMatch(/No changes\./);
    expect(planned.code).toBe(0);
    const applied = await cli('apply', 'export.yaml', '--auto-approve');
    expect(applied.code).toBe(0);
    expect(l.site.mutations()).toBe(0);

    l.site.failNth({ pattern: { machine: 'node2', command: /^microovn\.ovs-vsctl / }, n: 1, times: Infinity, error: { exitCode: 1, stderr: 'ovs-vsctl: unix:/var/snap/microovn/common/run/switch//db.sock: database connection failed (Connection refused)\n' } });
    const warned = await cli('export', '--connect', 'connect.yaml', '--out', 'warned.yaml');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^warning: MicroOVN's encapsulation address on node2 could not be read \(node2: command `microovn\.ovs-vsctl [^`]*` exited with status 1: ovs-vsctl: .*\(Connection refused\)\): ovn_underlay_ip is left out\nExported 3 systems to warned\.yaml with 1 warning\.\n$/);
    const left = parse(readFileSync(join(l.dir, 'warned.yaml'), 'utf8')) as { systems: Record<string, unknown>[] };
    expect(left.systems.map((s) => s['ovn_underlay_ip'] ?? null)).toEqual([null, null, null]);
    const strict = await cli('export', '--connect', 'connect.yaml', '--out', 'strict.yaml', '--strict');
    expect(strict.code).toBe(1);
  }, 180_000);
});
