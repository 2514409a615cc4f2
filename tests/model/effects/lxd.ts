// What LXD does across members: cluster-wide objects live in the cluster database (stored once, in
// `live.clusters.lxd`), member-specific rows and keys on each member; and what a driver does to a
// member's row when the pool is really created there (ZFS takes the disk over and renames `source`).
import { findDisk } from '../../../src/plan/disk-paths.js';
import { reachable, type LiveState, type LxdMachine, type LxdMemberRow } from '../../../src/live/state.js';
import { changeCluster, defaultPoolSize } from './micro.js';
import { clusterMates, lxdAt, machineAt } from './model.js';

/** The machines that see the same LXD database as `machine` (itself alone while standalone). */
export const lxdMates = (live: LiveState, machine: string): string[] => clusterMates(live, 'lxd', machine);

/** Runs `fn` on the LXD record of every machine that shares `machine`'s database. */
export function forEachLxd(live: LiveState, machine: string, fn: (lxd: LxdMachine, name: string) => void): void {
  for (const name of lxdMates(live, machine)) fn(lxdAt(live, name), name);
}

/** The row a member keeps once the pool exists on it. */
export function createdRow(live: LiveState, machine: string, pool: string, driver: string, config: Record<string, string>): LxdMemberRow {
  const out: Record<string, string> = { ...config };
  delete out['source.wipe'];
  const source = out['source'];
  if (driver === 'zfs' && source?.startsWith('/')) {
    // LXD's zfs driver: the zpool gets the pool's name, the disk is remembered, and ZFS partitions it.
    out['volatile.initial_source'] = source;
    out['zfs.pool_name'] = pool;
    out['source'] = pool;
    const disk = findDisk(lxdAt(live, machine).disks, source);
    if (disk) disk.partitions = [{ partition: 1 }, { partition: 9 }];
  }
  return { status: 'Created', config: out };
}

/** The OSD pools LXD's ceph and cephfs drivers create, sized like any new pool. */
export function createCephPools(live: LiveState, machine: string, names: string[]): void {
  if (!reachable(live, machine)?.microceph?.initialized) return;
  changeCluster(live, 'microceph', machine, (cluster) => {
    const size = defaultPoolSize(cluster);
    for (const name of names) if (!cluster.pools.some((p) => p.name === name)) cluster.pools.push({ name, size });
  });
}

export const memberNamesOf = (live: LiveState, machine: string): string[] => (machineAt(live, machine).lxd?.members ?? []).map((m) => m.name);
