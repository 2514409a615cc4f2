// `lxd/volume/<pool>/<volume>@<member>`: a custom volume on a member's local pool.
import { lxdVolume as spec } from '../../../src/plan/steps/lxd-volume.js';
import { lxdClusterAt, need, type Effect } from './model.js';

export const lxdVolume: Effect<'lxd-volume'> = (step, live) => {
  const { pool, volume, target } = step.inputs;
  const cluster = lxdClusterAt(live, step.machine);
  const p = cluster.pools.find((x) => x.name === pool);
  need(p?.status === 'Created' && p.locations.includes(target), `Storage pool "${pool}" is not available on member ${target}`);
  need(!spec.satisfied(step, live), `Volume by that name already exists`);
  cluster.volumes.push({ pool, name: volume, location: target });
};
