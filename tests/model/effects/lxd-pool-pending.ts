// `lxd/storage-pool/<pool>@<member>`: a pending row for the member; nothing touches a disk yet.
import { forEachLxd } from './lxd.js';
import { lxdAt, need, type Effect } from './model.js';

export const lxdPoolPending: Effect<'lxd-pool-pending'> = (step, live) => {
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
};
