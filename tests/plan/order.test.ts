// The order the daemons and MicroCloud require (reference rest-apis.md §7, design.md §4), checked
// on the dependencies themselves: some of it (replication before LXD's Ceph pools, LXD last on the
// initiator) changes nothing the model can see, so only the graph can show it.
import { diff } from '../../src/plan/diff.js';
import { bareSite, desired, machine, OPTS, ssdId } from './fixtures.js';
import { precedes, walk } from './walk.js';

describe('the dependency graph of a fresh 3-machine bootstrap', () => {
  const steps = diff(desired({ n: 3, cephfs: true }), bareSite(3), OPTS).steps;
  const before = (a: string, b: string) => expect({ a, b, precedes: precedes(steps, a, b) }).toEqual({ a, b, precedes: true });
  const independent = (a: string, b: string) => expect({ a, b, either: precedes(steps, a, b) || precedes(steps, b, a) }).toEqual({ a, b, either: false });

  test('bootstraps come first: MicroCeph and MicroOVN side by side, LXD after its listen addresses and last', () => {
    expect(steps.filter((s) => s.dependsOn.length === 0).map((s) => s.address)).toEqual([
      'microceph/cluster@node1', 'microovn/cluster@node1', 'lxd/server-config/bootstrap@node1',
    ]);
    independent('microceph/cluster@node1', 'microovn/cluster@node1');
    before('lxd/server-config/bootstrap@node1', 'lxd/cluster@node1');
    before('microceph/cluster@node1', 'lxd/cluster@node1');
    before('microovn/cluster@node1', 'lxd/cluster@node1');
  });

  test("each service's joins run in sequence, the services side by side, LXD after the machine's micro joins", () => {
    before('microceph/member/node2', 'microceph/member/node3');
    before('microovn/member/node2', 'microovn/member/node3');
    before('lxd/member/node2', 'lxd/member/node3');
    independent('microceph/member/node3', 'microovn/member/node3');
    before('microceph/member/node2', 'lxd/member/node2');
    before('microovn/member/node2', 'lxd/member/node2');
  });

  test('OSDs run in parallel across machines, each after its machine joined', () => {
    independent(`microceph/disk/node2/${ssdId(2, 1)}`, `microceph/disk/node3/${ssdId(3, 1)}`);
    before('microceph/member/node3', `microceph/disk/node3/${ssdId(3, 1)}`);
    independent('lxd/member/node3', `microceph/disk/node3/${ssdId(3, 1)}`);
  });

  test('pending rows need their member; finalize needs every row; ceph after the OSDs, cephfs after ceph, OVN after UPLINK', () => {
    for (const n of ['node2', 'node3']) {
      before(`lxd/member/${n}`, `lxd/storage-pool/local@${n}`);
      before(`lxd/member/${n}`, `lxd/network/UPLINK@${n}`);
    }
    for (const n of ['node1', 'node2', 'node3']) {
      before(`lxd/storage-pool/local@${n}`, 'lxd/storage-pool/local');
      before(`lxd/storage-pool/remote@${n}`, 'lxd/storage-pool/remote');
      before(`lxd/network/UPLINK@${n}`, 'lxd/network/UPLINK');
      before(`microceph/disk/${n}/${ssdId(Number(n.slice(4)), 1)}`, 'lxd/storage-pool/remote');
    }
    before('lxd/storage-pool/remote', 'lxd/storage-pool/remote-fs');
    before('lxd/network/UPLINK', 'lxd/network/default');
    before('lxd/server-config/network.ovn.northbound_connection', 'lxd/network/default');
    before('microovn/member/node3', 'lxd/server-config/network.ovn.northbound_connection');
  });

  test('the profile comes after every pool and network; volumes after local; their keys after the volumes', () => {
    for (const a of ['lxd/storage-pool/local', 'lxd/storage-pool/remote', 'lxd/storage-pool/remote-fs', 'lxd/network/UPLINK', 'lxd/network/default']) {
      before(a, 'lxd/profile/default');
    }
    before('lxd/storage-pool/local', 'lxd/volume/local/images@node2');
    before('lxd/volume/local/images@node2', 'lxd/server-config/storage@node2');
    before('lxd/volume/local/backups@node2', 'lxd/server-config/storage@node2');
  });

  // MicroCloud runs pools-op ([""] when no pool is below the size) before LXD creates its pools, so they
  // are born at min(OSDs, 3); `.mgr` keeps Ceph's 3 (canonical/microcloud main_init.go, f26e73c).
  test('with fewer than 3 OSDs, replication comes after every OSD and before the ceph pool, and leaves .mgr at 3', () => {
    const two = diff(desired({ n: 2 }), bareSite(2), OPTS).steps;
    expect(two.find((s) => s.address === 'microceph/replication')).toMatchObject({ action: 'create', changes: [], inputs: { size: 2 } });
    expect(precedes(two, `microceph/disk/node2/${ssdId(2, 1)}`, 'microceph/replication')).toBe(true);
    expect(precedes(two, 'microceph/replication', 'lxd/storage-pool/remote')).toBe(true);
    const { live } = walk(desired({ n: 2 }), bareSite(2));
    expect(machine(live, 'node1').microceph!.pools.map((p) => [p.name, p.size])).toEqual([['.mgr', 3], ['lxd_remote', 2]]);
  });

  // MicroCeph takes one disk at a time per member (microceph/api/disks.go's mutex, canonical/microceph
  // 79f99b5) and MicroCloud adds them one after another: a machine's OSDs form a chain in file order,
  // each with its own deadline; different machines' OSDs do not wait for each other.
  test("one machine's OSDs run one after another in file order; different machines' side by side", () => {
    const two = diff(desired({ n: 3, ceph: 'filter' }), bareSite(3), OPTS).steps;
    for (const i of [1, 2, 3]) {
      const disks = two.filter((s) => s.kind === 'microceph-disk' && s.machine === `node${i}`).map((s) => s.address);
      expect(disks).toEqual([`microceph/disk/node${i}/${ssdId(i, 1)}`, `microceph/disk/node${i}/${ssdId(i, 2)}`]);
      expect(two.find((s) => s.address === disks[1])!.dependsOn).toContain(disks[0]);
      expect(precedes(two, disks[1]!, disks[0]!)).toBe(false);
    }
    const osds = two.filter((s) => s.kind === 'microceph-disk');
    for (const a of osds) {
      for (const b of osds) {
        if (a.machine !== b.machine) expect({ a: a.address, b: b.address, precedes: precedes(two, a.address, b.address) }).toEqual({ a: a.address, b: b.address, precedes: false });
      }
    }
  });

  test('the plan lists steps in an order that respects them, bootstraps and joins before objects', () => {
    const index = (a: string) => steps.findIndex((s) => s.address === a);
    expect(index('lxd/member/node3')).toBeLessThan(index('lxd/storage-pool/local@node1'));
    expect(index('lxd/storage-pool/remote')).toBeLessThan(index('lxd/profile/default'));
  });
});
