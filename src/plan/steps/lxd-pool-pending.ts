// `lxd/storage-pool/<pool>@<member>`: POST /1.0/storage-pools?target=<member> with only the member's
// keys. Nothing touches a disk yet; the pool is Pending until it is finalized.
import { reachable } from '../../live/state.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, need, type StepSpec } from './spec.js';

export const lxdPendingPoolAddress = (pool: string, member: string): string => `lxd/storage-pool/${pool}@${member}`;

export const lxdPoolPending: StepSpec<'lxd-pool-pending'> = {
  kind: 'lxd-pool-pending',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    return lxd?.clustered === true && (lxd.pools.find((p) => p.name === step.inputs.pool)?.locations.includes(step.inputs.target) ?? false);
  },
  effect(step, live) {
    const { pool, target, driver, config } = step.inputs;
    const own = lxdAt(live, step.machine);
    need(own.clustered && own.members.some((m) => m.name === target), `Cluster member not found: ${target}`);
    const existing = own.pools.find((p) => p.name === pool);
    need(!existing || existing.status !== 'Created', 'Storage pool is not in pending state');
    need(!existing || existing.driver === driver, 'Storage pool already exists with a different driver');
    need(!existing?.locations.includes(target), `Storage pool "${pool}" already defined on member "${target}"`);
    forEachLxd(live, step.machine, (lxd) => {
      let p = lxd.pools.find((x) => x.name === pool);
      if (!p) {
        p = { name: pool, driver, status: 'Pending', config: {}, locations: [], member: null };
        lxd.pools.push(p);
      }
      p.locations.push(target);
    });
    const row = lxdAt(live, target).pools.find((p) => p.name === pool);
    if (row) row.member = { status: 'Pending', config: { ...config } };
  },
};
