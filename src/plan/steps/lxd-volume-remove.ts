// `lxd/volume/<pool>/<volume>@<m>` destroyed: the member's custom volume (MicroCloud's images and
// backups), after the storage.*_volume key that points at it. Done when the cluster no longer lists
// the volume on that member. The key needs no check of its own: LXD refuses to delete a volume the
// daemon's storage uses (lxd/storage/utils.go VolumeUsedByDaemon), and to set the key to a volume
// that does not exist, so without the volume there is no key pointing at it.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdVolumeRemove: StepSpec<'lxd-volume-remove'> = {
  kind: 'lxd-volume-remove',
  service: 'lxd',
  clusterWide: () => true,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    const { pool, volume, target } = step.inputs;
    return lxd?.clustered === true && !lxd.volumes.some((v) => v.pool === pool && v.name === volume && v.location === target);
  },
};
