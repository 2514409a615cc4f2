// `microceph/disk/<m>/osd.<n>` destroyed: one OSD of the member leaves Ceph (DELETE /1.0/disks/<n>
// with ?target=<m>, asked of a surviving member). Done when no OSD of the cluster has that number:
// MicroCeph deletes its record only once Ceph has purged it.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const microcephOsdAddress = (member: string, osd: number): string => `microceph/disk/${member}/osd.${osd}`;

export const microcephDiskRemove: StepSpec<'microceph-disk-remove'> = {
  kind: 'microceph-disk-remove',
  service: 'microceph',
  clusterWide: () => true,
  satisfied(step, live) {
    const ceph = reachable(live, step.machine)?.microceph;
    return ceph?.initialized === true && !ceph.disks.some((d) => d.osd === step.inputs.osd);
  },
};
