// Preflight: every finding names the machine and the fact; any error leaves the plan without steps.
import { diff } from '../../src/plan/diff.js';
import type { LiveState } from '../../src/live/state.js';
import { preflight } from '../../src/plan/preflight.js';
import { all, bareSite, byId, desired, lxdCluster, machine, OPTS, pick, record, ssdId, type MachineOptions } from './fixtures.js';
import { converge, errorsOf } from './walk.js';

const full = desired({ n: 3 });
const codes = (live: LiveState, d = full) => preflight(d, live).filter((f) => f.severity === 'error').map((f) => [f.code, f.machine]);

function edit(change: (live: LiveState) => void, base: LiveState = bareSite(3)): LiveState {
  const live = structuredClone(base);
  change(live);
  return live;
}

test('a clean bare site has no errors and no warnings', () => {
  expect(preflight(full, bareSite(3))).toEqual([]);
});

test('an unreachable machine is an error with its reason, and nothing else is checked', () => {
  const live = edit((l) => { l.machines['node2'] = { reachable: false, reason: 'ssh: connect to host 10.1.0.12 port 22: Connection refused' }; });
  const p = diff(full, live, OPTS);
  expect(p.findings).toEqual([{
    severity: 'error', code: 'unreachable', machine: 'node2', hint: expect.any(String),
    message: 'node2 is unreachable: ssh: connect to host 10.1.0.12 port 22: Connection refused',
  }]);
  expect(p.steps).toEqual([]);
});

test('a machine that was not gathered is named', () => {
  expect(codes(edit((l) => { delete l.machines['node3']; }))).toEqual([['not-gathered', 'node3']]);
});

test('wrong hostname', () => {
  const live = edit((l) => { machine(l, 'node2').host.hostname = 'micro02'; });
  const f = preflight(full, live).find((x) => x.code === 'hostname')!;
  expect(f).toMatchObject({ machine: 'node2', message: 'the machine reached as node2 has the hostname "micro02"' });
  expect(diff(full, live, OPTS).steps).toEqual([]);
});

test('missing snaps: LXD anywhere, or a service the initiator has', () => {
  expect(codes(edit((l) => { record(l, 'node3').lxd = null; }))).toEqual([['lxd-missing', 'node3']]);
  expect(codes(edit((l) => { record(l, 'node2').microceph = null; }))).toEqual([['service-missing', 'node2']]);
  expect(codes(edit((l) => { record(l, 'node3').microovn = null; }))).toEqual([['service-missing', 'node3']]);
});

test('a service missing on the initiator is skipped with a notice; asking for it is an error', () => {
  const noCeph = bareSite(3, { services: ['microovn'] });
  const notices = preflight(desired({ n: 3, ceph: 'none' }), noCeph);
  expect(notices).toEqual([expect.objectContaining({ severity: 'notice', code: 'service-skipped', machine: 'node1', message: 'MicroCeph is not installed on the initiator node1: it is skipped' })]);
  const p = diff(desired({ n: 3, ceph: 'none' }), noCeph, OPTS);
  expect(p.steps.some((s) => s.service === 'microceph')).toBe(false);
  expect(p.steps.find((s) => s.address === 'lxd/profile/default')!.inputs).toEqual({
    profile: 'default', devices: { root: { type: 'disk', path: '/', pool: 'local' }, eth0: { type: 'nic', name: 'eth0', network: 'default' } },
  });
  expect(codes(noCeph)).toEqual([['service-required', 'node1']]);
  expect(codes(bareSite(3, { services: ['microceph'] }))).toEqual([['service-required', 'node1']]);
  // On the initiator only: a joiner without a service the initiator lacks is fine.
  expect(codes(edit((l) => { record(l, 'node2').microovn = null; }, bareSite(3, { services: ['microceph'] })), desired({ n: 3, ovn: false }))).toEqual([]);
});

test('versions must match the initiator, per service', () => {
  const live = bareSite(3, (i): MachineOptions => (i === 2 ? { versions: { lxd: '5.21.2', microceph: '19.2.1' } } : {}));
  const found = preflight(full, live).filter((f) => f.code === 'version-mismatch');
  expect(found.map((f) => [f.machine, f.message])).toEqual([
    ['node2', 'node2 runs LXD 5.21.2, the initiator node1 runs 5.21.3'],
    ['node2', 'node2 runs MicroCeph 19.2.1, the initiator node1 runs 19.2.0'],
  ]);
});

test('the uplink: present, up, without an IP (or a bridge)', () => {
  const iface = (l: LiveState, n: string) => machine(l, n).host.interfaces.find((i) => i.name === 'eth1')!;
  expect(codes(edit((l) => { iface(l, 'node2').addresses.push('10.1.1.12/24'); }))).toEqual([['uplink-has-ip', 'node2']]);
  expect(preflight(full, edit((l) => { iface(l, 'node2').addresses.push('10.1.1.12/24'); })).find((f) => f.code === 'uplink-has-ip')!.message)
    .toBe('the OVN uplink eth1 on node2 has an IP address (10.1.1.12/24)');
  expect(codes(edit((l) => { iface(l, 'node3').state = 'down'; }))).toEqual([['uplink-down', 'node3']]);
  expect(codes(edit((l) => { iface(l, 'node1').name = 'enp2s0'; }))).toEqual([['uplink-missing', 'node1']]);
  expect(codes(edit((l) => { Object.assign(iface(l, 'node2'), { kind: 'bridge', addresses: ['10.1.1.12/24'] }); }))).toEqual([]);
});

test('with gateways only, the alphabetically first eligible interface is the uplink', () => {
  const d = desired({ n: 3, ovn: false, tail: ['ovn:', '  ipv4_gateway: 10.1.1.1/24', '  ipv4_range: 10.1.1.100-10.1.1.254'] });
  const p = diff(d, bareSite(3), OPTS);
  expect(p.steps.find((s) => s.address === 'lxd/network/UPLINK@node2')!.inputs).toMatchObject({ config: { parent: 'eth1' } });
  const none = edit((l) => { machine(l, 'node2').host.interfaces.find((i) => i.name === 'eth1')!.addresses.push('10.9.9.9/24'); });
  expect(codes(none, d)).toEqual([['uplink-none', 'node2']]);
});

test('underlay and Ceph network addresses must exist on each machine', () => {
  const d = desired({ n: 3, perSystem: (i) => [`    ovn_underlay_ip: 10.1.2.${10 + i}`], tail: ['ceph:', '  internal_network: 10.1.3.0/24'] });
  const live = edit((l) => {
    for (const n of ['node1', 'node2', 'node3']) {
      const i = Number(n.slice(4));
      machine(l, n).host.interfaces.push({ name: 'eth2', kind: 'physical', state: 'up', addresses: [`10.1.2.${10 + i}/24`, `10.1.3.${10 + i}/24`] });
    }
    const eth2 = machine(l, 'node3').host.interfaces.find((i) => i.name === 'eth2')!;
    eth2.addresses = ['10.1.2.99/24'];
  });
  expect(codes(live, d)).toEqual([['underlay-missing', 'node3'], ['ceph-network-missing', 'node3']]);
});

test('named disks exist, have no partitions and are not mounted', () => {
  const d = (l: LiveState, n: string, id: string) => machine(l, n).lxd!.disks.find((x) => x.id === id)!;
  expect(codes(edit((l) => { d(l, 'node2', 'sda').partitions = [{}]; }))).toEqual([['disk-partitioned', 'node2']]);
  expect(preflight(full, edit((l) => { d(l, 'node2', 'sda').partitions = [{}]; })).find((f) => f.code === 'disk-partitioned')!.message)
    .toBe('disk /dev/sda on node2 has partitions');
  expect(codes(edit((l) => { d(l, 'node3', 'nvme0n1').mounted = true; }))).toEqual([['disk-mounted', 'node3']]);
  expect(codes(edit((l) => { record(l, 'node1').lxd!.disks = record(l, 'node1').lxd!.disks.filter((x) => x.id !== 'sda'); })))
    .toEqual([['disk-missing', 'node1']]);
});

test('a disk that is already an OSD of this cluster is fine even if it now looks used', () => {
  const built = converge(full, bareSite(3));
  const live = edit((l) => { machine(l, 'node2').lxd!.disks.find((x) => x.id === 'sda')!.partitions = [{}]; }, built);
  expect(codes(live)).toEqual([]);
  expect(diff(full, live, OPTS).disks.disks.find((x) => x.machine === 'node2' && x.use === 'ceph')).toMatchObject({ path: byId(ssdId(2, 1)), inUse: true });
});

describe('conflicts are named precisely', () => {
  test('an LXD that already has storage pools', () => {
    const live = edit((l) => { lxdCluster(l, 'node2').pools.push({ name: 'default', driver: 'dir', status: 'Created', config: {}, locations: [] }); });
    const f = preflight(full, live).find((x) => x.code === 'lxd-initialized')!;
    expect(f).toMatchObject({ machine: 'node2', message: 'LXD on node2 is already initialized: it has storage pool(s) default but is not part of this cluster' });
  });

  test('LXD, MicroCeph or MicroOVN in a different cluster', () => {
    // node3 bootstrapped a cluster of its own.
    const other = converge(desired({ n: 3, listed: [3], initiator: 3 }), pick({ node3: [bareSite(3), 'node3'] }));
    const built = converge(desired({ n: 2 }), bareSite(2));
    const live: LiveState = pick({ ...all(built), node3: [other, 'node3'] });
    const found = preflight(full, live).filter((f) => f.severity === 'error');
    expect(found.map((f) => [f.code, f.machine, f.message])).toEqual(expect.arrayContaining([
      ['lxd-other-cluster', 'node3', 'LXD on node3 is already part of another cluster (members: node3)'],
      ['microceph-other-cluster', 'node3', 'MicroCeph on node3 is already part of another cluster (members: node3)'],
      ['microovn-other-cluster', 'node3', 'MicroOVN on node3 is already part of another cluster (members: node3)'],
    ]));
    expect(diff(full, live, OPTS).steps).toEqual([]);
  });

  test('a pool or network of the wrong kind under a name MicroCloud uses', () => {
    const built = converge(desired({ n: 3, ovn: false, ceph: 'none' }), bareSite(3));
    const live = edit((l) => {
      lxdCluster(l, 'node1').networks.push({ name: 'default', type: 'bridge', status: 'Created', config: {}, locations: ['node1', 'node2', 'node3'] });
      lxdCluster(l, 'node1').networks.push({ name: 'UPLINK', type: 'physical', status: 'Created', config: {}, locations: ['node1', 'node2', 'node3'] });
    }, built);
    expect(codes(live, desired({ n: 3, ceph: 'none' }))).toEqual(expect.arrayContaining([['network-conflict', 'node1']]));
  });
});

test('every error leaves the plan without steps', () => {
  const p = diff(full, edit((l) => { machine(l, 'node2').host.hostname = 'x'; }), OPTS);
  expect(errorsOf(p)).toHaveLength(1);
  expect(p.steps).toEqual([]);
});
