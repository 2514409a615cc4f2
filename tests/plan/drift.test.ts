// Drift in what the tool owns becomes `~ update` with before → after; what cannot change is an
// error; members the file does not list are reported and left alone. Nothing is ever removed.
import { diff } from '../../src/plan/diff.js';
import type { LiveState } from '../../src/live/state.js';
import { all, bareSite, desired, desiredFrom, lxdCluster, machine, OPTS, pick, preseedLines } from './fixtures.js';
import { converge, errorsOf, walk } from './walk.js';

const three = desired({ n: 3, cephfs: true });
const built = converge(three, bareSite(3));

/** The built site with a change made through every member's view (to objects the view shares with the store). */
function everywhere(live: LiveState, change: (m: ReturnType<typeof machine>, name: string) => void): LiveState {
  const next = structuredClone(live);
  for (const name of Object.keys(next.machines)) change(machine(next, name), name);
  return next;
}

const only = (p: ReturnType<typeof diff>) => p.steps.map((s) => ({ address: s.address, action: s.action, changes: s.changes }));

describe('drift becomes ~ update', () => {
  test('UPLINK gateway, range and DNS edited in the file', () => {
    const lines = preseedLines({ n: 3, cephfs: true }).map((l) => l
      .replace('ipv4_range: 10.1.1.100-10.1.1.254', 'ipv4_range: 10.1.1.150-10.1.1.200')
      .replace('dns_servers: 10.1.1.1', 'dns_servers: 10.1.1.1,1.1.1.1\n  ipv6_gateway: 2001:db8::1/64'));
    const edited = desiredFrom(lines);
    const p = diff(edited, built, OPTS);
    expect(only(p)).toEqual([{
      address: 'lxd/network/UPLINK', action: 'update', changes: [
        { key: 'ipv4.ovn.ranges', before: '10.1.1.100-10.1.1.254', after: '10.1.1.150-10.1.1.200' },
        { key: 'ipv6.gateway', before: null, after: '2001:db8::1/64' },
        { key: 'dns.nameservers', before: '10.1.1.1', after: '10.1.1.1,1.1.1.1' },
      ],
    }]);
    walk(edited, built);
  });

  test('UPLINK changed on the site is put back', () => {
    const live = everywhere(built, (m) => { m.lxd!.networks.find((n) => n.name === 'UPLINK')!.config['ipv4.gateway'] = '10.1.1.254/24'; });
    expect(only(diff(three, live, OPTS))).toEqual([{
      address: 'lxd/network/UPLINK', action: 'update', changes: [{ key: 'ipv4.gateway', before: '10.1.1.254/24', after: '10.1.1.1/24' }],
    }]);
    walk(three, live);
  });

  test("Ceph's cluster network", () => {
    const live = everywhere(built, (m) => { m.microceph!.config['cluster_network'] = '10.9.0.0/16'; });
    expect(only(diff(three, live, OPTS))).toEqual([{
      address: 'microceph/config/cluster_network', action: 'update', changes: [{ key: 'cluster_network', before: '10.9.0.0/16', after: '10.1.0.0/24' }],
    }]);
    walk(three, live);
  });

  test('pool replication size', () => {
    const live = everywhere(built, (m) => { for (const p of m.microceph!.pools) p.size = 2; });
    const p = diff(three, live, OPTS);
    expect(only(p)).toEqual([{
      address: 'microceph/replication', action: 'update', changes: [
        { key: '.mgr size', before: '2', after: '3' }, { key: 'lxd_remote size', before: '2', after: '3' },
        { key: 'lxd_cephfs_meta size', before: '2', after: '3' }, { key: 'lxd_cephfs_data size', before: '2', after: '3' },
      ],
    }]);
    walk(three, live);
  });

  // MicroCloud raises only (canonical/microcloud cmd/microcloud/main_init.go `pool.Size < defaultPoolSize`, f26e73c).
  test('pools with more replicas than min(OSDs, 3) are left alone: lxd_remote at 4, .mgr at 5', () => {
    const live = everywhere(built, (m) => {
      for (const p of m.microceph!.pools) if (p.name === 'lxd_remote') p.size = 4;
      for (const p of m.microceph!.pools) if (p.name === '.mgr') p.size = 5;
    });
    expect(only(diff(three, live, OPTS))).toEqual([]);
  });

  test("the default profile's root and eth0 devices, leaving other devices alone", () => {
    const live = everywhere(built, (m) => {
      const d = m.lxd!.defaultProfile.devices;
      d['root'] = { type: 'disk', path: '/', pool: 'local' };
      delete d['eth0'];
      d['gpu'] = { type: 'gpu' };
    });
    expect(only(diff(three, live, OPTS))).toEqual([{
      address: 'lxd/profile/default', action: 'update', changes: [
        { key: 'devices.root.pool', before: 'local', after: 'remote' },
        { key: 'devices.eth0', before: null, after: 'type=nic name=eth0 network=default' },
      ],
    }]);
    const { live: after } = walk(three, live);
    expect(machine(after, 'node1').lxd!.defaultProfile.devices['gpu']).toEqual({ type: 'gpu' });
  });

  test("a member's images/backups volume keys", () => {
    const live = structuredClone(built);
    delete machine(live, 'node2').lxd!.config['storage.images_volume'];
    expect(only(diff(three, live, OPTS))).toEqual([{
      address: 'lxd/server-config/storage@node2', action: 'update', changes: [{ key: 'storage.images_volume', before: null, after: 'local/images' }],
    }]);
    walk(three, live);
  });
});

describe('what cannot change after bootstrap is an error', () => {
  test("Ceph's public network", () => {
    const built2 = converge(desired({ n: 3, top: [], tail: ['ceph:', '  public_network: 10.1.0.0/24'] }), bareSite(3));
    const p = diff(desired({ n: 3, tail: ['ceph:', '  public_network: 10.1.0.0/16'] }), built2, OPTS);
    expect(p.steps).toEqual([]);
    expect(errorsOf(p).map((f) => [f.code, f.message])).toEqual([[
      'public-network-changed', "Ceph's public network is 10.1.0.0/24; the file asks for 10.1.0.0/16, and it cannot change after bootstrap",
    ]]);
  });

  test('the initiator: a new machine cannot take over an existing cluster', () => {
    const live: LiveState = pick({ ...all(built), node4: [bareSite(4), 'node4'] });
    const lines = preseedLines({ n: 4, cephfs: true }).map((l) => (l === 'initiator_address: 10.1.0.11' ? 'initiator_address: 10.1.0.14' : l));
    const p = diff(desiredFrom(lines), live, OPTS);
    expect(p.steps).toEqual([]);
    const changed = errorsOf(p).filter((f) => f.code === 'initiator-changed');
    expect(changed.map((f) => f.machine)).toEqual(['node4', 'node4', 'node4']);
    expect(changed[0]!.message).toBe('the initiator cannot change after bootstrap: LXD on node4 is not clustered, but node1, node2, node3 already belong to an existing LXD cluster (members: node1, node2, node3)');
  });

  test("a member's local disk and uplink", () => {
    const edited = desired({
      n: 3, cephfs: true, ovn: false, tail: ['ovn:', '  ipv4_gateway: 10.1.1.1/24', '  ipv4_range: 10.1.1.100-10.1.1.254', '  dns_servers: 10.1.1.1'],
      perSystem: (i) => [`    ovn_uplink_interface: ${i === 3 ? 'eth2' : 'eth1'}`],
    });
    // node2's local disk named differently from the one its pool uses.
    edited.systems[1]!.localDisk = { path: '/dev/sdb', wipe: true, encrypt: false };
    const p = diff(edited, built, OPTS);
    expect(errorsOf(p).map((f) => [f.code, f.machine])).toEqual(expect.arrayContaining([
      ['local-disk-changed', 'node2'], ['uplink-changed', 'node3'],
    ]));
    expect(p.steps).toEqual([]);
  });
});

describe('members the file does not list', () => {
  const four = converge(desired({ n: 4, cephfs: true }), bareSite(4));
  const { node4: _gone, ...rest } = four.machines;
  const live: LiveState = { ...four, machines: rest };

  test('are reported as unmanaged and left alone', () => {
    const p = diff(three, live, OPTS);
    expect(p.unmanaged).toEqual([{ name: 'node4', services: ['lxd', 'microceph', 'microovn'] }]);
    expect(p.findings.filter((f) => f.code === 'unmanaged').map((f) => f.severity)).toEqual(['warning']);
    expect(p.steps).toEqual([]);
  });

  test('block creating a cluster-wide object they would need a definition for', () => {
    const noFs = desired({ n: 3, cephfs: true, tail: [] });
    const stripped = structuredClone(live);
    const db = lxdCluster(stripped, 'node1');
    db.pools = db.pools.filter((p) => p.name !== 'remote-fs');
    const p = diff(noFs, stripped, OPTS);
    expect(errorsOf(p).map((f) => [f.code, f.machine, f.message])).toEqual([[
      'unmanaged-blocks', 'node4', 'the storage pool remote-fs cannot be created while node4, which the file does not list, is an LXD member: every member needs its own definition',
    ]]);
  });
});
