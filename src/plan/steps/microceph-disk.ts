// `microceph/disk/<machine>/<by-id name>`: one OSD (POST /1.0/disks?target=<machine>). Done when an
// OSD of that machine has the disk under any of its names (LXD's view of the disks tells them apart).
import { diskAddressPart, samePath } from '../disk-paths.js';
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const microcephDiskAddress = (machine: string, path: string): string => `microceph/disk/${machine}/${diskAddressPart(path)}`;

export const microcephDisk: StepSpec<'microceph-disk'> = {
  kind: 'microceph-disk',
  service: 'microceph',
  clusterWide: () => false,
  satisfied(step, live) {
    const m = reachable(live, step.machine);
    const ceph = m?.microceph;
    if (!m || !ceph?.initialized) return false;
    const disks = m.lxd?.disks ?? [];
    return ceph.disks.some((d) => d.location === step.machine && samePath(step.inputs.path, d.path, disks));
  },
};
