// `lxd/storage-pool/<pool>@<member>`: a pending row for the member; nothing touches a disk yet.
import { lxdAt, lxdClusterAt, machineAt, need, type Effect } from './model.js';

export const lxdPoolPending: Effect<'lxd-pool-pending'> = (step, live) => {
  const { pool, target, driver, config } = step.inputs;
  const own = machineAt(live, step.machine).lxd;
  need(own?.clustered && own.members.some((m) => m.name === target), `Cluster member not found: ${target}`);
  const cluster = lxdClusterAt(live, step.machine);
  const existing = cluster.pools.find((p) => p.name === pool);
  need(!existing || existing.status !== 'Created', 'Storage pool is not in pending state');
  need(!existing || existing.driver === driver, 'Storage pool already exists with a different driver');
  need(!existing?.locations.includes(target), `Storage pool "${pool}" already defined on member "${target}"`);
  const p = existing ?? { name: pool, driver, status: 'Pending', config: {}, locations: [] };
  if (!existing) cluster.pools.push(p);
  p.locations.push(target);
  lxdAt(live, target).rows.pools[pool] = { status: 'Pending', config: { ...config } };
};
