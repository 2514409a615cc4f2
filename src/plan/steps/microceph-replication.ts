// `microceph/replication`: pools-op with size min(#OSDs, 3), as MicroCloud runs it after the disks,
// raising only. MicroCloud (canonical/microcloud cmd/microcloud/main_init.go `setupCluster`, at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741, the same in tag 2.1.3) counts OSDs, not hosts, and puts
// into pools-op only those of its five default pools whose size is below that; a pool with more
// replicas (an operator's lxd_remote at 4, `.mgr` at Ceph's 3 on a 1–2-OSD site) is left as it is.
// So no such pool may be below the size. pools-op also sets osd_pool_default_size, which the pools LXD
// creates afterwards are born with (MicroCloud runs it before them, so on a 1–2-OSD site they are born
// at 1 or 2). MicroCeph's API does not show that default (it is not in its config table), so it
// counts as set when a reader shows it, or when one of the pools LXD creates exists (it was born from
// the default, and is not below the size), or when the size is Ceph's own default, 3. Until then the
// step's verify takes pools-op's answer for it (`unseen` in src/apply/steps/microceph-replication.ts).
import { reachable, type CephPool } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const MICROCEPH_REPLICATION_ADDRESS = 'microceph/replication';

/** The pools MicroCloud resizes (service/lxd_config.go: `.mgr` and the ones LXD creates for `remote` and `remote-fs`). */
export const SIZED_POOLS: readonly string[] = ['.mgr', 'lxd_remote', 'lxd_cephfs', 'lxd_cephfs_data', 'lxd_cephfs_meta'];

/** The pools MicroCloud raises to `size`: its default pools that exist with fewer replicas. */
export function poolsBelow(pools: readonly CephPool[], size: number): CephPool[] {
  return pools.filter((p) => SIZED_POOLS.includes(p.name) && p.size < size);
}

/** The key a reader of Ceph's config would show the default pool size under. */
export const DEFAULT_SIZE_KEY = 'osd_pool_default_size';

/** Whether the pools LXD will create get `size`, as far as the live state shows it. */
export function defaultSizeSeen(config: Record<string, string>, pools: readonly CephPool[], size: number): boolean {
  if (config[DEFAULT_SIZE_KEY] !== undefined) return config[DEFAULT_SIZE_KEY] === String(size);
  return size === 3 || pools.some((p) => p.name !== '.mgr' && SIZED_POOLS.includes(p.name));
}

export function replicationSatisfied(pools: readonly CephPool[], size: number, config: Record<string, string> = {}): boolean {
  return poolsBelow(pools, size).length === 0 && defaultSizeSeen(config, pools, size);
}

export const microcephReplication: StepSpec<'microceph-replication'> = {
  kind: 'microceph-replication',
  service: 'microceph',
  clusterWide: () => true,
  satisfied(step, live) {
    const ceph = reachable(live, step.machine)?.microceph;
    return ceph?.initialized === true && replicationSatisfied(ceph.pools, step.inputs.size, ceph.config);
  },
};
