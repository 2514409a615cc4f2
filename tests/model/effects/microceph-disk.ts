// `microceph/disk/<machine>/<by-id name>`: one OSD, refused on a mounted or partitioned disk without wipe.
import { findDisk, isPartitioned } from '../../../src/plan/disk-paths.js';
import { microcephDisk as spec } from '../../../src/plan/steps/microceph-disk.js';
import { changeCluster } from './micro.js';
import { machineAt, need, type Effect } from './model.js';

export const microcephDisk: Effect<'microceph-disk'> = (step, live) => {
  const { path, wipe } = step.inputs;
  const m = machineAt(live, step.machine);
  need(m.microceph?.initialized, `MicroCeph on ${step.machine} is not part of a cluster`);
  need(!spec.satisfied(step, live), `failed to record disk: This "disks" entry already exists`);
  const disk = findDisk(m.lxd?.disks ?? [], path);
  need(disk, `invalid disk path: ${path}`);
  need(!disk.mounted, `device ${path} is currently mounted and cannot be used - aborting`);
  need(wipe || !isPartitioned(disk), `device ${path} has partitions - use --wipe to override`);
  changeCluster(live, 'microceph', step.machine, (view) => {
    const osd = Math.max(0, ...view.disks.map((d) => d.osd + 1));
    view.disks.push({ osd, path, location: step.machine });
    if (!view.services.some((s) => s.service === 'osd' && s.location === step.machine)) {
      view.services.push({ service: 'osd', location: step.machine });
    }
  });
};
