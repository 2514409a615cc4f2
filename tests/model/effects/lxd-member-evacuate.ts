// `lxd/member/<m>/evacuate`: the member shows Evacuated (the model keeps no instances).
import { lxdClusterAt, need, type Effect } from './model.js';

export const lxdMemberEvacuate: Effect<'lxd-member-evacuate'> = (step, live) => {
  const m = lxdClusterAt(live, step.machine).members.find((x) => x.name === step.inputs.name);
  need(m, 'Cluster member not found');
  need(m.status !== 'Evacuated', 'Cluster member is already evacuated');
  m.status = 'Evacuated';
};
