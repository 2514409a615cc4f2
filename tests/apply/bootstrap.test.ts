// Full bootstraps against the lab (real SSH, simulated daemons): 1, 3 and 5 machines with Ceph,
// CephFS, OVN and local storage; every object ends up where it belongs, a fresh plan is empty, a
// second apply mutates nothing, and re-running the first plan finds every step already done.
import { LOCK_CONFIG_KEY } from '../../src/apply/index.js';
import { desiredOf, apply, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';
import { liveTokens, mutations, siteState } from './state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const name = (i: number) => `node${i}`;

function expectBuilt(l: Lab, n: number): void {
  const s = siteState(l.site);
  const names = range(n).map(name).sort();
  expect(Object.values(s.lxd.clustered).every(Boolean)).toBe(true);
  expect(s.lxd.members).toEqual(names);
  expect(s.lxd.config['user.microcloud-apply.version']).toBe('microcloud-apply');
  expect(s.lxd.config).not.toHaveProperty(['user.microcloud']);
  expect(s.lxd.config[LOCK_CONFIG_KEY]).toBeUndefined();
  for (const m of names) {
    expect(s.lxd.local[m]).toMatchObject({ 'cluster.https_address': expect.stringMatching(/:8443$/), 'storage.images_volume': 'local/images', 'storage.backups_volume': 'local/backups' });
    // MicroCloud's LXD Bootstrap and Join (service/lxd.go): every member listens on every address.
    expect(s.lxd.local[m]!['core.https_address']).toBe('[::]:8443');
  }
  expect(s.lxd.config['instances.migration.stateful']).toBe('true');
  expect(s.lxd.pools.map((p) => `${p.name}:${p.driver}:${p.state}`)).toEqual(['local:zfs:Created', 'remote:ceph:Created', 'remote-fs:cephfs:Created']);
  for (const p of s.lxd.pools) expect(Object.keys(p.nodes).sort()).toEqual(names);
  const local = s.lxd.pools.find((p) => p.name === 'local')!;
  for (const i of range(n)) expect(local.nodes[name(i)]!.config['volatile.initial_source']).toMatch(/^\/dev\/disk\/by-id\/nvme-/);
  expect(s.lxd.pools.find((p) => p.name === 'remote')!.config).toMatchObject({ 'ceph.osd.pool_name': 'lxd_remote', 'ceph.rbd.du': 'false' });
  expect(s.lxd.networks.map((x) => `${x.name}:${x.type}:${x.state}`)).toEqual(['default:ovn:Created', 'UPLINK:physical:Created']);
  expect(s.lxd.networks.find((x) => x.name === 'UPLINK')).toMatchObject({
    nodes: names, config: { 'ipv4.gateway': '10.1.1.1/24', 'ipv4.ovn.ranges': '10.1.1.100-10.1.1.254', 'dns.nameservers': '10.1.1.1' },
  });
  expect(s.lxd.profile).toEqual({ root: { type: 'disk', path: '/', pool: 'remote' }, eth0: { type: 'nic', name: 'eth0', network: 'default' } });
  expect(s.lxd.volumes).toEqual(names.flatMap((m) => [`local/backups@${m}`, `local/images@${m}`]).sort());
  expect(s.ceph.members).toEqual(names);
  expect(s.ceph.osds).toHaveLength(2 * n);
  expect(new Set(s.ceph.osds).size).toBe(2 * n);
  // Raised only (MicroCloud's main_init.go): Ceph's 3 from bootstrap is no less than min(OSDs, 3).
  expect(s.ceph.pools['.mgr']).toBe(3);
  expect(s.ovn.members).toEqual(names);
  expect(s.ovn.services.filter((x) => x.startsWith('central@'))).toHaveLength(Math.min(n, 3));
  // The northbound connection (LXD 5.21 has no ovn_dynamic_northbound_connection) names every central.
  expect(s.lxd.config['network.ovn.northbound_connection']?.split(',')).toHaveLength(Math.min(n, 3));
}

describe.each([1, 3, 5])('%i machine(s), Ceph + CephFS + OVN + local', (n) => {
  test('apply converges; a second apply makes no mutating call; the old plan is all "already done"', async () => {
    lab = await startLab({ nodes: n });
    const desired = desiredOf(preseed({ nodes: range(n), cephfs: true }));
    const { plan, report } = await planAndApply(lab, desired, { parallelism: 10 });
    expect(report.error).toBeUndefined();
    expect(report.failed).toEqual([]);
    expect(report).toMatchObject({ ok: true, exitCode: 0, remaining: [], notStarted: [] });
    expect(report.done.sort()).toEqual(plan.steps.map((s) => s.address).sort());
    expectBuilt(lab, n);
    expect(await liveTokens(lab.site, lab.hosts.get('node1')!)).toEqual([]);

    // Second run: the plan is empty and the apply touches nothing (no lock either: nothing to protect).
    lab.site.resetCounters();
    const again = await planAndApply(lab, desired);
    expect(again.plan.steps).toEqual([]);
    expect(again.report).toMatchObject({ ok: true, done: [], skipped: [] });
    expect(lab.site.mutations()).toBe(0);

    // The first plan once more: every step checks before acting and finds itself done; only the
    // lock (taken and released with PATCH /1.0) writes anything.
    lab.site.resetCounters();
    const stale = await apply(lab, desired, plan);
    expect(stale).toMatchObject({ ok: true, done: [], remaining: [] });
    expect(stale.skipped).toHaveLength(plan.steps.length);
    expect(mutations(lab.site)).toEqual([
      { method: 'PATCH', path: '/1.0', machine: 'node1', service: 'lxd', query: '' },
      { method: 'PATCH', path: '/1.0', machine: 'node1', service: 'lxd', query: '' },
    ]);
  }, 60_000);
});

test('LXD 6.8 (asynchronous pools, networks, profiles, volumes): 3 machines converge', async () => {
  lab = await startLab({ nodes: 3, machine: { lxdFlavor: 'snap-6.8' } });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
  const { plan, report } = await planAndApply(lab, desired);
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  // 6.8 finds MicroOVN itself (ovn_dynamic_northbound_connection): no northbound step.
  expect(plan.steps.map((s) => s.address)).not.toContain('lxd/server-config/network.ovn.northbound_connection');
  const s = siteState(lab.site);
  expect(s.lxd.members).toEqual(['node1', 'node2', 'node3']);
  expect(s.lxd.pools.map((p) => `${p.name}:${p.state}`)).toEqual(['local:Created', 'remote:Created', 'remote-fs:Created']);
  // Pools and networks answered with operations there.
  const asyncAnswers = lab.site.requests({ service: 'lxd', mutating: true }).filter((e) => e.method === 'POST' && e.path === '/1.0/storage-pools' && e.status === 202);
  expect(asyncAnswers.length).toBeGreaterThan(0);
  expect((await planFor(lab, desired)).steps).toEqual([]);
}, 60_000);
