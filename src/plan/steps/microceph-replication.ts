// `microceph/replication`: pools-op with size min(#OSDs, 3), as MicroCloud runs it after the disks.
// The default size it also sets is not visible through the API; what is visible is the size of the
// pools MicroCloud sizes. `.mgr` exists from bootstrap with Ceph's default 3, so a size other than 3
// is done only once `.mgr` has it, and size 3 needs nothing while every such pool has 3.
import { reachable, type CephPool } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const MICROCEPH_REPLICATION_ADDRESS = 'microceph/replication';

/** The pools MicroCloud resizes (`.mgr` and the ones LXD creates for `remote` and `remote-fs`). */
export const SIZED_POOLS: readonly string[] = ['.mgr', 'lxd_remote', 'lxd_cephfs', 'lxd_cephfs_data', 'lxd_cephfs_meta'];

export function replicationSatisfied(pools: readonly CephPool[], size: number): boolean {
  const sized = pools.filter((p) => SIZED_POOLS.includes(p.name));
  if (size !== 3 && !sized.some((p) => p.name === '.mgr')) return false;
  return sized.every((p) => p.size === size);
}

export const microcephReplication: StepSpec<'microceph-replication'> = {
  kind: 'microceph-replication',
  service: 'microceph',
  clusterWide: () => true,
  satisfied(step, live) {
    const ceph = reachable(live, step.machine)?.microceph;
    return ceph?.initialized === true && replicationSatisfied(ceph.pools, step.inputs.size);
  },
};
