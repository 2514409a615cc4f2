// `lxd/volume/<pool>/<volume>@<member>`: a custom volume on a member's local pool (images, backups).
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdVolumeAddress = (pool: string, volume: string, member: string): string => `lxd/volume/${pool}/${volume}@${member}`;

export const lxdVolume: StepSpec<'lxd-volume'> = {
  kind: 'lxd-volume',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const { pool, volume, target } = step.inputs;
    return reachable(live, step.machine)?.lxd?.volumes.some((v) => v.pool === pool && v.name === volume && v.location === target) ?? false;
  },
};
