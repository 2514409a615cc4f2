// A site that already matches, a site grown by editing the file, and an add-style file.
import { diff } from '../../src/plan/diff.js';
import { closingLine } from '../../src/plan/render.js';
import type { LiveState } from '../../src/live/state.js';
import { all, bareSite, byId, desired, desiredFrom, machine, nvmeId, OPTS, pick, preseedLines, ssdId } from './fixtures.js';
import { converge, firstReady, lastReady, seededPicker, walk } from './walk.js';

const three = desired({ n: 3, cephfs: true });
const built = converge(three, bareSite(3));

/** The converged 3-machine site plus bare machines node4..nodeN. */
function withNewMachines(live: LiveState, to: number): LiveState {
  return grownFrom(live, 4, to);
}

/** `live` plus bare machines node<from>..node<to>. */
function grownFrom(live: LiveState, from: number, to: number): LiveState {
  const bare = bareSite(to);
  const picks = all(live);
  for (let i = from; i <= to; i++) picks[`node${i}`] = [bare, `node${i}`];
  return pick(picks);
}

describe('a site that matches the file', () => {
  test('plans nothing, and says so', () => {
    const p = diff(three, built, OPTS);
    expect(p.steps).toEqual([]);
    expect(p.findings.filter((f) => f.severity !== 'notice')).toEqual([]);
    expect(closingLine(p)).toBe('No changes. The site matches the file.');
  });

  test('naming another member as the initiator changes nothing', () => {
    const lines = preseedLines({ n: 3, cephfs: true }).map((l) => (l === 'initiator_address: 10.1.0.11' ? 'initiator_address: 10.1.0.12' : l));
    const p = diff(desiredFrom(lines), built, OPTS);
    expect(p.initiator).toBe('node2');
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(p.steps).toEqual([]);
  });
});

describe('growing 3 → 5 by adding systems to the file', () => {
  const five = desired({ n: 5, cephfs: true });
  const live = withNewMachines(built, 5);

  test('plans only the new machines\' steps, joining LXD with member_config', () => {
    const p = diff(five, live, OPTS);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(p.steps.map((s) => s.address).sort()).toEqual([
      'lxd/member/node4', 'lxd/member/node5',
      'lxd/server-config/listen@node4', 'lxd/server-config/listen@node5',
      'lxd/server-config/storage@node4', 'lxd/server-config/storage@node5',
      'lxd/volume/local/backups@node4', 'lxd/volume/local/backups@node5',
      'lxd/volume/local/images@node4', 'lxd/volume/local/images@node5',
      `microceph/disk/node4/${ssdId(4, 1)}`, `microceph/disk/node5/${ssdId(5, 1)}`,
      'microceph/member/node4', 'microceph/member/node5',
      'microovn/member/node4', 'microovn/member/node5',
    ].sort());
    const join = p.steps.find((s) => s.address === 'lxd/member/node4')!;
    expect(join.inputs).toEqual({
      serverName: 'node4', serverAddress: '10.1.0.14:8443', clusterAddress: '10.1.0.11:8443', cluster: 'node1',
      memberConfig: [
        { entity: 'storage-pool', name: 'local', key: 'source', value: byId(nvmeId(4)) },
        { entity: 'storage-pool', name: 'local', key: 'source.wipe', value: 'true' },
        { entity: 'storage-pool', name: 'remote', key: 'source', value: 'lxd_remote' },
        { entity: 'storage-pool', name: 'remote-fs', key: 'source', value: 'lxd_cephfs' },
        { entity: 'network', name: 'UPLINK', key: 'parent', value: 'eth1' },
      ],
    });
    expect(p.steps.find((s) => s.address === 'lxd/member/node5')!.dependsOn).toEqual(
      expect.arrayContaining(['lxd/member/node4', 'microceph/member/node5', 'microovn/member/node5']));
    expect(p.steps.every((s) => s.action === 'create')).toBe(true);
  });

  test.each([['first', firstReady], ['last', lastReady], ['seeded 9', seededPicker(9)]])('walks to the empty plan (%s ready step)', (_n, pick) => {
    const { live: after } = walk(five, live, pick);
    const n5 = machine(after, 'node5');
    expect(n5.lxd!.pools.find((p) => p.name === 'local')!.member!.config['volatile.initial_source']).toBe(byId(nvmeId(5)));
    expect(n5.microovn!.services.filter((s) => s.location === 'node5').map((s) => s.service).sort()).toEqual(['chassis', 'switch']);
  });

  /** A converged n-machine site whose lxd_remote MicroCloud made at `remote` replicas (`.mgr` keeps Ceph's 3). */
  function sizedSite(n: number, remote: number): LiveState {
    const live = structuredClone(converge(desired({ n }), bareSite(n)));
    for (const c of Object.values(live.clusters.microceph)) for (const p of c.pools) if (p.name === 'lxd_remote') p.size = remote;
    return live;
  }

  const grownTo = (live: LiveState, from: number, to: number): LiveState => grownFrom(live, from + 1, to);

  test('from one machine to three, replication raises lxd_remote from 1 to 3 and leaves .mgr at 3', () => {
    const grown = grownTo(sizedSite(1, 1), 1, 3);
    const p = diff(desired({ n: 3 }), grown, OPTS);
    const r = p.steps.find((s) => s.address === 'microceph/replication')!;
    expect(r).toMatchObject({ action: 'update', inputs: { size: 3 }, changes: [{ key: 'lxd_remote size', before: '1', after: '3' }] });
    expect(r.dependsOn).toEqual(expect.arrayContaining([`microceph/disk/node2/${ssdId(2, 1)}`, `microceph/disk/node3/${ssdId(3, 1)}`]));
    const { live } = walk(desired({ n: 3 }), grown, seededPicker(3));
    expect(machine(live, 'node1').microceph!.pools.map((x) => [x.name, x.size])).toEqual([['.mgr', 3], ['lxd_remote', 3]]);
  });

  // MicroCloud's add runs the same raise over every OSD (canonical/microcloud cmd/microcloud/add.go →
  // setupCluster, f26e73c): a third OSD takes lxd_remote from 2 to 3.
  test('add mode: a third OSD raises lxd_remote from 2 to 3, and nothing else', () => {
    const grown = grownTo(sizedSite(2, 2), 2, 3);
    const p = diff(desired({ n: 3 }), grown, OPTS);
    expect(p.steps.find((s) => s.address === 'microceph/replication')).toMatchObject({
      action: 'update', inputs: { size: 3 }, changes: [{ key: 'lxd_remote size', before: '2', after: '3' }],
    });
    walk(desired({ n: 3 }), grown, seededPicker(7));
  });

  test('a pool with more replicas than the OSDs call for is not lowered: .mgr at 3 and lxd_remote at 4 on a 2-OSD site', () => {
    const live = sizedSite(2, 4);
    expect(diff(desired({ n: 2 }), live, OPTS).steps).toEqual([]);
  });
});

describe('an add-style file (the initiator is not listed)', () => {
  // Gather reads the initiator too, keyed by its address in a unicast add file.
  const live: LiveState = pick({ '10.1.0.11': [built, 'node1'], node4: [bareSite(4), 'node4'] });
  const add = desiredFrom(preseedLines({ n: 4, listed: [4], cephfs: true }));

  test('joins the listed systems to the existing cluster', () => {
    expect(add.mode).toBe('add');
    const p = diff(add, live, OPTS);
    expect(p.mode).toBe('add');
    expect(p.initiator).toBe('10.1.0.11');
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(p.unmanaged).toEqual([]);
    expect(p.steps.map((s) => s.address).sort()).toEqual([
      'lxd/member/node4', 'lxd/server-config/listen@node4', 'lxd/server-config/storage@node4', 'lxd/volume/local/backups@node4', 'lxd/volume/local/images@node4',
      `microceph/disk/node4/${ssdId(4, 1)}`, 'microceph/member/node4', 'microovn/member/node4',
    ]);
    const join = p.steps.find((s) => s.address === 'lxd/member/node4')!;
    expect(join.inputs).toMatchObject({ cluster: '10.1.0.11', clusterAddress: '10.1.0.11:8443' });
    expect(p.steps.find((s) => s.address === 'microceph/member/node4')!.inputs).toEqual({ name: 'node4', address: '10.1.0.14:7443', cluster: '10.1.0.11' });
  });

  test('walks to the empty plan', () => {
    walk(add, live, lastReady);
  });

  test('is an error when the initiator has no cluster', () => {
    const bare: LiveState = pick({ '10.1.0.11': [bareSite(1), 'node1'], node4: [bareSite(4), 'node4'] });
    const p = diff(add, bare, OPTS);
    expect(p.steps).toEqual([]);
    expect(p.findings.filter((f) => f.code === 'add-no-cluster').map((f) => f.machine)).toEqual(['10.1.0.11']);
  });
});
