// `lxd/storage-pool/<pool>`: finalize, POST /1.0/storage-pools with only global keys, once every
// member has its pending row. This is when ZFS takes the local disks and Ceph gets its OSD pools.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdPoolAddress = (pool: string): string => `lxd/storage-pool/${pool}`;

export const lxdPool: StepSpec<'lxd-pool'> = {
  kind: 'lxd-pool',
  service: 'lxd',
  clusterWide: () => true,
  satisfied: (step, live) => reachable(live, step.machine)?.lxd?.pools.find((p) => p.name === step.inputs.pool)?.status === 'Created',
};
