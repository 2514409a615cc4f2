// `lxd/storage-pool/<pool>@<member>`: POST /1.0/storage-pools?target=<member> with only the member's
// keys. Nothing touches a disk yet; the pool is Pending until it is finalized.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdPendingPoolAddress = (pool: string, member: string): string => `lxd/storage-pool/${pool}@${member}`;

export const lxdPoolPending: StepSpec<'lxd-pool-pending'> = {
  kind: 'lxd-pool-pending',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    return lxd?.clustered === true && (lxd.pools.find((p) => p.name === step.inputs.pool)?.locations.includes(step.inputs.target) ?? false);
  },
};
