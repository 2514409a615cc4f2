// `microceph/disk/<machine>/<by-id name>`: one OSD (POST /1.0/disks?target=<machine>).
import { diskAddressPart, findDisk, isPartitioned, samePath } from '../disk-paths.js';
import { reachable } from '../../live/state.js';
import { changeCluster } from './micro-effects.js';
import { machineAt, need, type StepSpec } from './spec.js';

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
  effect(step, live) {
    const { path, wipe } = step.inputs;
    const m = machineAt(live, step.machine);
    need(m.microceph?.initialized, `MicroCeph on ${step.machine} is not part of a cluster`);
    need(!microcephDisk.satisfied(step, live), `failed to record disk: This "disks" entry already exists`);
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
  },
};
