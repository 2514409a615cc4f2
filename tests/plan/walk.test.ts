// DONE-WHEN of issue 4: from every state an apply passes through, the plan holds exactly the steps
// still to run, in an order that respects their dependencies, down to the empty plan.
import { diff } from '../../src/plan/diff.js';
import { bareSite, byId, desired, EXT_6_8, machine, nvmeId, OPTS, ssdId } from './fixtures.js';
import { firstReady, lastReady, seededPicker, walk, type Picker } from './walk.js';

const ORDERS: [string, Picker][] = [
  ['first ready step', firstReady],
  ['last ready step', lastReady],
  ...[1, 2, 3, 42, 1234].map((seed): [string, Picker] => [`seeded random order ${seed}`, seededPicker(seed)]),
];

describe('full 3-machine bootstrap with Ceph, CephFS, OVN and local storage', () => {
  const d = desired({ n: 3, cephfs: true });

  test('the fresh plan holds every step of the bootstrap', () => {
    const p = diff(d, bareSite(3), OPTS);
    expect(p.findings.filter((f) => f.severity !== 'notice')).toEqual([]);
    expect(p.steps.map((s) => s.address).sort()).toEqual([
      'lxd/cluster@node1',
      'lxd/member/node2', 'lxd/member/node3',
      'lxd/network/UPLINK', 'lxd/network/UPLINK@node1', 'lxd/network/UPLINK@node2', 'lxd/network/UPLINK@node3',
      'lxd/network/default',
      'lxd/profile/default',
      'lxd/server-config/bootstrap@node1',
      'lxd/server-config/listen@node2', 'lxd/server-config/listen@node3',
      'lxd/server-config/network.ovn.northbound_connection',
      'lxd/server-config/storage@node1', 'lxd/server-config/storage@node2', 'lxd/server-config/storage@node3',
      'lxd/storage-pool/local', 'lxd/storage-pool/local@node1', 'lxd/storage-pool/local@node2', 'lxd/storage-pool/local@node3',
      'lxd/storage-pool/remote', 'lxd/storage-pool/remote-fs',
      'lxd/storage-pool/remote-fs@node1', 'lxd/storage-pool/remote-fs@node2', 'lxd/storage-pool/remote-fs@node3',
      'lxd/storage-pool/remote@node1', 'lxd/storage-pool/remote@node2', 'lxd/storage-pool/remote@node3',
      'lxd/volume/local/backups@node1', 'lxd/volume/local/backups@node2', 'lxd/volume/local/backups@node3',
      'lxd/volume/local/images@node1', 'lxd/volume/local/images@node2', 'lxd/volume/local/images@node3',
      `microceph/disk/node1/${ssdId(1, 1)}`, `microceph/disk/node2/${ssdId(2, 1)}`, `microceph/disk/node3/${ssdId(3, 1)}`,
      'microceph/cluster@node1', 'microceph/member/node2', 'microceph/member/node3',
      'microovn/cluster@node1', 'microovn/member/node2', 'microovn/member/node3',
    ].sort());
    expect(p.steps.every((s) => s.action === 'create')).toBe(true);
  });

  test.each(ORDERS)('walking in %s reaches the empty plan, one step at a time', (_name, pick) => {
    const { applied, live } = walk(d, bareSite(3), pick);
    expect(applied).toHaveLength(43);
    const n1 = machine(live, 'node1');
    expect(n1.lxd!.members.map((m) => m.name)).toEqual(['node1', 'node2', 'node3']);
    expect(n1.lxd!.pools.map((p) => [p.name, p.status, p.locations.length])).toEqual(expect.arrayContaining([
      ['local', 'Created', 3], ['remote', 'Created', 3], ['remote-fs', 'Created', 3],
    ]));
    expect(n1.lxd!.defaultProfile.devices).toEqual({
      root: { type: 'disk', path: '/', pool: 'remote' },
      eth0: { type: 'nic', name: 'eth0', network: 'default' },
    });
    expect(n1.microceph!.disks.map((x) => x.path).sort()).toEqual([byId(ssdId(1, 1)), byId(ssdId(2, 1)), byId(ssdId(3, 1))]);
    expect(machine(live, 'node3').lxd!.config).toMatchObject({ 'storage.images_volume': 'local/images', 'storage.backups_volume': 'local/backups' });
    // ZFS took the local disk over, and the resolution still pins it (the site resolves as before).
    expect(machine(live, 'node2').lxd!.disks.find((x) => x.device_id === nvmeId(2))!.partitions).toHaveLength(2);
    const again = diff(d, live, OPTS);
    expect(again.disks.disks.filter((x) => x.use === 'local').every((x) => x.inUse)).toBe(true);
  });

  test('with a newer LXD (6.8 extensions) there is no northbound step and no remote source', () => {
    const p = diff(d, bareSite(3, { extensions: EXT_6_8 }), OPTS);
    expect(p.steps.map((s) => s.address)).not.toContain('lxd/server-config/network.ovn.northbound_connection');
    const pending = p.steps.find((s) => s.address === 'lxd/storage-pool/remote@node2')!;
    expect(pending.inputs).toEqual({ pool: 'remote', target: 'node2', driver: 'ceph', config: {} });
    walk(d, bareSite(3, { extensions: EXT_6_8 }), seededPicker(7));
  });
});

describe('other shapes walk to the empty plan in several orders', () => {
  const cases: [string, Parameters<typeof desired>[0], number, Parameters<typeof bareSite>[1]?][] = [
    ['1 machine, Ceph + OVN + local', { n: 1 }, 1],
    ['5 machines, Ceph + CephFS + OVN + local', { n: 5, cephfs: true }, 5],
    ['3 machines, local storage only, no OVN (Fan)', { n: 3, ceph: 'none', ovn: false }, 3],
    ['3 machines, filters for local and Ceph', { n: 3, ceph: 'filter', local: 'filter' }, 3],
    ['3 machines, LXD only (no MicroCeph, no MicroOVN, no disks)', { n: 3, ceph: 'none', local: 'none', ovn: false }, 3, { services: [] }],
    ['2 machines, Ceph without local storage', { n: 2, local: 'none' }, 2],
  ];
  for (const [name, options, n, site] of cases) {
    test.each(ORDERS.slice(0, 4))(`${name}: %s`, (_order, pick) => {
      const { live } = walk(desired(options), bareSite(n, site), pick);
      expect(diff(desired(options), live, OPTS).steps).toEqual([]);
    });
  }
});
