// The pure core of export on a site's LiveState as gather reads it (a 3-machine lab site, Ceph +
// CephFS + OVN + local, bootstrapped by apply), changed here the way a hand-built site differs: what
// the preseed cannot say is a warning naming the object; keys the tool or MicroCloud set are never
// exported; secrets LXD hides are not guessed; values from machines are quoted safely.
import { parse } from 'yaml';
import type { LiveState, MachineRecord } from '../../src/live/state.js';
import { exportPreseed, type ExportEndpoint, type ExportInput } from '../../src/export/preseed.js';
import { gatherOver } from '../../src/site/gather.js';
import { desiredOf, planAndApply, preseed, startLab, type Lab } from '../apply/helpers.js';

let lab: Lab;
let live: LiveState;
let endpoints: Map<string, ExportEndpoint>;
const systems = ['node1', 'node2', 'node3'];

beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
  const { report } = await planAndApply(lab, desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true })));
  if (!report.ok) throw new Error('bootstrap failed');
  live = await gatherOver(lab.hosts, systems);
  endpoints = new Map(systems.map((n) => {
    const ep = lab.site.endpoint(n);
    return [n, { host: ep.host, port: ep.port, user: 'root', identityFile: '/keys/id', hostKey: ep.hostKeyFingerprint, jump: null }];
  }));
}, 60_000);
afterAll(async () => {
  await lab?.stop();
});

const run = (change: (l: LiveState) => void = () => undefined, over: Partial<ExportInput> = {}) => {
  const l = structuredClone(live);
  change(l);
  return exportPreseed({ live: l, systems, endpoints, source: 'test', version: '0.0.0-test', passphrase: 'fresh-passphrase-for-test', ...over });
};
const record = (l: LiveState, name: string) => l.machines[name] as MachineRecord;
const lxdCluster = (l: LiveState) => l.clusters.lxd['node1']!;

test('the site as built: no warnings, and the export plans to no steps', () => {
  const r = run();
  expect(r.warnings).toEqual([]);
  expect(r.plan?.steps).toEqual([]);
  const doc = parse(r.text) as Record<string, unknown>;
  expect(doc['initiator_address']).toBe('10.1.0.11');
  expect(doc['ceph']).toEqual({ cephfs: true });
  expect(doc['lxd']).toBeUndefined();
  // The lab's snaps (src/lab/machines.ts DEFAULT_SNAPS): their channels and revisions, not held.
  expect(doc['snaps']).toEqual({
    microceph: { channel: 'squid/stable', revision: 1228, hold: false },
    microovn: { channel: '24.03/stable', revision: 667, hold: false },
    lxd: { channel: '5.21/stable', revision: 33110, hold: false },
  });
  expect(r.text).toMatch(/^# .*microcloud-apply never uses it/m);
});

test("lxd.config: the site's own cluster-wide keys, never the tool's, MicroCloud's or a member's", () => {
  const r = run((l) => {
    Object.assign(record(l, 'node1').lxd!.config, {
      'user.microcloud-apply.version': '1.2.3', 'user.microcloud-apply.owned': '["images.auto_update_interval"]', 'user.microcloud': '2.1.3',
      'storage.images_volume': 'local/images', 'core.https_address': '[::]:8443', 'instances.migration.stateful': 'true',
      'images.auto_update_interval': '0', 'user.site': 'berlin',
    });
  });
  expect((parse(r.text) as { lxd?: unknown }).lxd).toEqual({ config: { 'images.auto_update_interval': '0', 'user.site': 'berlin' } });
  expect(r.warnings).toEqual([]);
  expect(r.plan?.steps).toEqual([]);
});

test('a secret key LXD shows only as set is left out with a warning, not guessed', () => {
  const r = run((l) => { record(l, 'node1').lxd!.config['core.trust_password'] = 'true'; });
  expect((parse(r.text) as { lxd?: unknown }).lxd).toBeUndefined();
  expect(r.warnings).toEqual([{ object: 'lxd.config.core.trust_password', message: expect.stringMatching(/core\.trust_password is set on node1, but LXD does not show secret values/) }]);
});

test('a pool, a network and a profile device MicroCloud would not have made are warnings naming them', () => {
  const r = run((l) => {
    const c = lxdCluster(l);
    c.pools.push({ name: 'backup', driver: 'dir', status: 'Created', config: {}, locations: systems });
    c.networks.push({ name: 'lxdbr1', type: 'bridge', status: 'Created', config: {}, locations: systems });
    c.defaultProfile.devices['gpu'] = { type: 'gpu' };
  });
  expect(r.warnings.map((w) => w.object)).toEqual(['storage pool backup', 'network lxdbr1', 'profile default device gpu']);
  expect(r.warnings[0]!.message).toBe('storage pool backup (dir) is not one MicroCloud makes: the preseed cannot describe it');
  // What it can say is still written.
  expect((parse(r.text) as { systems: unknown[] }).systems).toHaveLength(3);
});

test('members of one service missing from another, and disks in a second Ceph cluster, are warnings', () => {
  const missing = run((l) => {
    const ovn = l.clusters.microovn['node1']!;
    ovn.members = ovn.members.filter((m) => m.name !== 'node3');
  });
  expect(missing.warnings).toContainEqual({ object: 'node3', message: 'node3 is an LXD member but not a microovn member: plan on this file will join it' });

  const second = run((l) => {
    const own = l.clusters.microceph['node1']!;
    l.clusters.microceph['node3'] = { ...structuredClone(own), members: own.members.filter((m) => m.name === 'node3') };
    record(l, 'node3').microceph!.cluster = 'node3';
  });
  expect(second.warnings.map((w) => w.message)).toContainEqual("node3's microceph is in another cluster than node1's (its disks are in a second Ceph cluster): the preseed cannot describe it");
});

test('a snap on different channels is left out with a warning; one held everywhere is exported held; revisions that differ are not pinned', () => {
  const r = run((l) => {
    record(l, 'node2').host.snaps.find((s) => s.name === 'lxd')!.channel = '6/stable';
    for (const n of systems) record(l, n).host.snaps.find((s) => s.name === 'microovn')!.held = true;
    for (const n of systems) record(l, n).host.snaps.find((s) => s.name === 'microceph')!.cohort = true;
    record(l, 'node3').host.snaps.find((s) => s.name === 'microceph')!.revision = '1229';
  });
  const snaps = (parse(r.text) as { snaps: Record<string, unknown> }).snaps;
  expect(snaps['lxd']).toBeUndefined();
  expect(snaps['microovn']).toEqual({ channel: '24.03/stable', revision: 667, hold: true });
  expect(snaps['microceph']).toEqual({ channel: 'squid/stable', cohort: true, hold: false });
  expect(r.warnings).toEqual([{ object: 'snap lxd', message: 'the lxd snap is not on one channel on every machine (node1: 5.21/stable, node2: 6/stable, node3: 5.21/stable): snaps.lxd is left out' }]);
});

test('a northbound connection other than the one the planner derives is kept; the derived one is not written', () => {
  // The lab's LXD 5.21 does not find MicroOVN by itself: apply set the derived value, OVN's three centrals.
  expect(record(live, 'node1').lxd!.config['network.ovn.northbound_connection']).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641');
  expect((parse(run().text) as { lxd?: unknown }).lxd).toBeUndefined();
  const pinned = run((l) => { record(l, 'node1').lxd!.config['network.ovn.northbound_connection'] = 'ssl:192.0.2.9:6641'; });
  expect((parse(pinned.text) as { lxd?: { config: Record<string, string> } }).lxd?.config).toEqual({ 'network.ovn.northbound_connection': 'ssl:192.0.2.9:6641' });
  expect(pinned.warnings).toEqual([]);
  expect(pinned.plan?.steps).toEqual([]);
});

test('values from machines are quoted so that a terminal shows escapes, and parse back unchanged', () => {
  const parent = 'eth1\u202e1cipa';
  const r = run((l) => {
    for (const n of systems) record(l, n).lxd!.rows.networks['UPLINK']!.config['parent'] = parent;
  });
  expect(r.text).not.toMatch(/\u202e/);
  expect(r.text).toContain('"eth1\\u202e1cipa"');
  expect((parse(r.text) as { systems: { ovn_uplink_interface: string }[] }).systems[0]!.ovn_uplink_interface).toBe(parent);
  // The schema refuses such a name, so the export says it does not validate.
  expect(r.warnings.some((w) => /does not validate/.test(w.message) && !/\u202e/.test(w.message))).toBe(true);
});

test("Ceph's networks are written only where they are not the initiator's subnet", () => {
  const r = run((l) => {
    for (const n of systems) record(l, n).host.interfaces.find((i) => i.name === 'eth0')!.addresses.push(`10.2.0.${10 + Number(n.slice(4))}/24`);
    Object.assign(l.clusters.microceph['node1']!.config, { public_network: '10.2.0.0/24', cluster_network: '10.2.0.0/24' });
  });
  expect((parse(r.text) as { ceph: unknown }).ceph).toEqual({ cephfs: true, public_network: '10.2.0.0/24', internal_network: '10.2.0.0/24' });
  expect(r.warnings).toEqual([]);
  expect(r.plan?.steps).toEqual([]);
  // As built, MicroCeph's networks are the initiator's subnet: left for the planner to derive.
  expect(live.clusters.microceph['node1']!.config).toMatchObject({ public_network: '10.1.0.0/24', cluster_network: '10.1.0.0/24' });
});
