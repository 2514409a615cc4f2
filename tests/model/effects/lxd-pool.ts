// `lxd/storage-pool/<pool>`: finalize. This is when ZFS takes the local disks and Ceph gets its OSD pools.
import { createCephPools, createdRow, forEachLxd, lxdMates, memberNamesOf } from './lxd.js';
import { lxdClusterAt, machineAt, need, type Effect } from './model.js';

/** The OSD pools each remote driver creates in MicroCeph (MicroCloud's names). */
export const CEPH_POOLS_OF: Record<string, string[]> = { ceph: ['lxd_remote'], cephfs: ['lxd_cephfs_meta', 'lxd_cephfs_data'] };

export const lxdPool: Effect<'lxd-pool'> = (step, live) => {
  const { pool, driver, config } = step.inputs;
  const cluster = lxdClusterAt(live, step.machine);
  const existing = cluster.pools.find((p) => p.name === pool);
  need(existing, 'Pool not pending on any node (use --target <node> first)');
  need(existing.status !== 'Created', 'The storage pool is already created');
  need(existing.driver === driver, `Requested storage pool driver "${driver}" does not match driver in existing database record "${existing.driver}"`);
  const missing = memberNamesOf(live, step.machine).filter((m) => !existing.locations.includes(m));
  need(missing.length === 0, `Pool not defined on nodes: ${missing.join(', ')}`);
  if (driver === 'ceph' || driver === 'cephfs') {
    const ceph = machineAt(live, step.machine).microceph;
    need(ceph?.initialized && ceph.disks.length > 0, `Failed to create the ${driver} pool: the Ceph cluster has no OSD`);
    for (const name of lxdMates(live, step.machine)) {
      need(machineAt(live, name).microceph?.initialized, `Failed to create the ${driver} pool on ${name}: MicroCeph is not set up there`);
    }
    if (driver === 'cephfs') need(cluster.pools.some((p) => p.name !== pool && p.driver === 'ceph' && p.status === 'Created'), 'cephfs before the ceph pool');
  }
  existing.status = 'Created';
  existing.config = { ...existing.config, ...config };
  forEachLxd(live, step.machine, (lxd, name) => {
    const row = lxd.rows.pools[pool];
    if (row) lxd.rows.pools[pool] = createdRow(live, name, pool, driver, row.config);
  });
  createCephPools(live, step.machine, CEPH_POOLS_OF[driver] ?? []);
};
