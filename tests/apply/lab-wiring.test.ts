// The tool against a lab whose LXD creates its Ceph pools in the lab's MicroCeph (and whose
// MicroCeph restarts daemons member by member on a config change): the replication MicroCloud's
// add mode raises (canonical/microcloud cmd/microcloud/main_init.go setupCluster at f26e73c…:
// every default pool below min(#OSDs, 3) is raised, never lowered), read back through MicroCeph's
// own GET /1.0/pools; and microceph/config's answer to a 500 that comes after the key was stored.
import { STEP_RUNNERS, SecretSet, systemClock } from '../../src/apply/index.js';
import { runStep } from '../../src/apply/run-step.js';
import { configWaitMs } from '../../src/apply/steps/microceph-config.js';
import { isTransient } from '../../src/remote/retry.js';
import { FAST_RETRY, desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** The file for nodes 1..n with one Ceph disk each (one OSD per machine). */
const oneOsdEach = (n: number): string =>
  preseed({ nodes: Array.from({ length: n }, (_, k) => k + 1), cephfs: true })
    .replaceAll('ceph: [{path: /dev/sda, wipe: true}, {path: /dev/sdb, wipe: true}]', 'ceph: [{path: /dev/sda, wipe: true}]');

async function poolSizes(l: Lab): Promise<Record<string, number>> {
  const r = await l.site.request('node1', 'microceph', { method: 'GET', path: '/1.0/pools' });
  const pools = (r.body as { metadata: { pool: string; size: number }[] }).metadata;
  return Object.fromEntries(pools.map((p) => [p.pool, p.size]));
}

test('a fresh 2-OSD site: LXD creates lxd_remote and the CephFS pools at 2 (pools-op runs before them)', async () => {
  lab = await startLab({ nodes: 2 });
  const two = await planAndApply(lab, desiredOf(oneOsdEach(2)));
  expect(two.report.failed).toEqual([]);
  expect(two.report).toMatchObject({ ok: true, remaining: [] });
  // MicroCloud's init runs pools-op (size min(#OSDs, 3), [""] when no pool is below it) before LXD
  // creates its pools, so they are born at osd_pool_default_size 2, not Ceph's 3.
  expect(await poolSizes(lab)).toMatchObject({ lxd_remote: 2, lxd_cephfs_meta: 2, lxd_cephfs_data: 2 });
}, 60_000);

test('add mode: the third OSD host raises lxd_remote and the CephFS pools from 2 to 3', async () => {
  lab = await startLab({ nodes: 3 });
  expect((await planAndApply(lab, desiredOf(oneOsdEach(2)))).report).toMatchObject({ ok: true, remaining: [] });
  // The 2-OSD site as MicroCloud's init leaves it (whatever this tool's own init did).
  await lab.hosts.get('node1')!.request('microceph', 'PUT', '/1.0/pools-op', { pools: ['lxd_remote', 'lxd_cephfs_meta', 'lxd_cephfs_data'], size: 2 });
  expect(await poolSizes(lab)).toMatchObject({ lxd_remote: 2, lxd_cephfs_meta: 2, lxd_cephfs_data: 2 });

  const three = await planAndApply(lab, desiredOf(oneOsdEach(3)));
  expect(three.report.failed).toEqual([]);
  expect(three.report).toMatchObject({ ok: true, remaining: [] });
  expect(three.plan.steps.map((s) => s.address)).toContain('microceph/replication');
  expect(await poolSizes(lab)).toEqual({ '.mgr': 3, lxd_remote: 3, lxd_cephfs_meta: 3, lxd_cephfs_data: 3 });
  expect((await planFor(lab, desiredOf(oneOsdEach(3)))).steps).toEqual([]);
}, 120_000);

test('microceph/config: a 500 from the restarts after the key was stored is the step done, with a note', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3] }));
  expect((await planAndApply(lab, desired)).report).toMatchObject({ ok: true, remaining: [] });
  await lab.hosts.get('node1')!.request('microceph', 'PUT', '/1.0/configs', { key: 'cluster_network', value: '10.9.0.0/16', wait: false, skip_restart: false });
  const step = (await planFor(lab, desired)).steps.find((s) => s.kind === 'microceph-config');
  expect(step).toMatchObject({ address: 'microceph/config/cluster_network', machine: 'node1' });

  // node3 goes away: MicroCeph stores the key, restarts node2's daemons, cannot reach node3's.
  await lab.site.down('node3');
  const result = await runStep(step!, STEP_RUNNERS['microceph-config'] as never, lab.hosts, {
    clock: systemClock, secrets: new SecretSet(), retry: FAST_RETRY, isTransient,
  });
  expect(result).toMatchObject({ result: 'done', attempts: 1 });
  expect(result.notes).toEqual([expect.stringMatching(
    /^cluster_network is set, but MicroCeph did not restart the daemons on every member \(they use it once they restart\): failed Forwarding To: https:\/\/10\.1\.0\.13:7443: /)]);
  const put = lab.site.requests({ machine: 'node1', service: 'microceph', mutating: true }).filter((e) => e.path === '/1.0/configs');
  expect(put.at(-1)).toMatchObject({ method: 'PUT', status: 500 });
}, 60_000);

test('microceph/config waits 150 s per member (the leader\'s probe and the restart), plus a minute', () => {
  expect(configWaitMs(1)).toBe(210_000);
  expect(configWaitMs(3)).toBe(510_000);
  expect(configWaitMs(10) - configWaitMs(9)).toBe(150_000);
  expect(STEP_RUNNERS['microceph-config'].timeoutMs).toBeGreaterThanOrEqual(configWaitMs(64));
});
