// `lxd/member/<m>/evacuate`: the member's instances move to the other members before it leaves
// (the file's `evacuate: true`), asked of a surviving member. Done when the cluster shows the member
// Evacuated (LXD marks it so once every instance has moved, and places none on it afterwards), or
// no longer lists it.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdEvacuateAddress = (member: string): string => `lxd/member/${member}/evacuate`;

export const lxdMemberEvacuate: StepSpec<'lxd-member-evacuate'> = {
  kind: 'lxd-member-evacuate',
  service: 'lxd',
  clusterWide: () => true,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    if (!lxd?.clustered) return false;
    const m = lxd.members.find((x) => x.name === step.inputs.name);
    return m === undefined || m.status === 'Evacuated';
  },
};
