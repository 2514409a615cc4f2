// `lxd/member/<name>`: PUT /1.0/cluster on the joiner with the token (minted at apply) and the
// member_config of every pool and network the cluster already has: LXD creates them on the joiner
// as part of the join, so a grown member needs no pending steps for them.
import { isMemberOf, type StepSpec } from './spec.js';

export const lxdMemberAddress = (machine: string): string => `lxd/member/${machine}`;

export const lxdJoin: StepSpec<'lxd-join'> = {
  kind: 'lxd-join',
  service: 'lxd',
  clusterWide: () => false,
  satisfied: (step, live) => isMemberOf(live, 'lxd', step.inputs.cluster, step.inputs.serverName),
};
