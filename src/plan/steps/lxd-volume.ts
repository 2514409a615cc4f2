// `lxd/volume/<pool>/<volume>@<member>`: a custom volume on a member's local pool (images, backups).
import { reachable } from '../../live/state.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, need, type StepSpec } from './spec.js';

export const lxdVolumeAddress = (pool: string, volume: string, member: string): string => `lxd/volume/${pool}/${volume}@${member}`;

export const lxdVolume: StepSpec<'lxd-volume'> = {
  kind: 'lxd-volume',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const { pool, volume, target } = step.inputs;
    return reachable(live, step.machine)?.lxd?.volumes.some((v) => v.pool === pool && v.name === volume && v.location === target) ?? false;
  },
  effect(step, live) {
    const { pool, volume, target } = step.inputs;
    const lxd = lxdAt(live, step.machine);
    const p = lxd.pools.find((x) => x.name === pool);
    need(p?.status === 'Created' && p.locations.includes(target), `Storage pool "${pool}" is not available on member ${target}`);
    need(!lxdVolume.satisfied(step, live), `Volume by that name already exists`);
    forEachLxd(live, step.machine, (view) => { view.volumes.push({ pool, name: volume, location: target }); });
  },
};
