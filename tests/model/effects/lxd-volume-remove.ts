// `lxd/volume/<pool>/<volume>@<m>` destroyed: the member's custom volume (its storage.*_volume key,
// which the model does not hold for a removed member, is unset first by the step itself).
import { lxdClusterAt, need, type Effect } from './model.js';

export const lxdVolumeRemove: Effect<'lxd-volume-remove'> = (step, live) => {
  const { pool, volume, target } = step.inputs;
  const cluster = lxdClusterAt(live, step.machine);
  const match = (v: { pool: string; name: string; location: string }) => v.pool === pool && v.name === volume && v.location === target;
  need(cluster.volumes.some(match), `Storage volume not found`);
  cluster.volumes = cluster.volumes.filter((v) => !match(v));
};
