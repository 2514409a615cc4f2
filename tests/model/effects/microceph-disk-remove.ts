// `microceph/disk/<m>/osd.<n>` destroyed: the OSD leaves Ceph. Without force MicroCeph keeps more
// than 3 OSDs (microceph/ceph/osd.go checkMinOSDs, canonical/microceph 79f99b50a1abf05ca8abb463b0fcb3f749f13c89).
import { changeCluster } from './micro.js';
import { need, type Effect } from './model.js';

export const microcephDiskRemove: Effect<'microceph-disk-remove'> = (step, live) => {
  const { osd, force } = step.inputs;
  changeCluster(live, 'microceph', step.machine, (view) => {
    need(view.disks.some((d) => d.osd === osd), `osd.${osd} not found`);
    need(force || view.disks.length > 3, `cannot remove osd.${osd} we need at least 3 OSDs, have ${view.disks.length}`);
    view.disks = view.disks.filter((d) => d.osd !== osd);
  });
};
