// `microcloud/member/<m>`: the joiner joins MicroCloud's own cluster, inside a trust session
// (canonical/microcloud cmd/microcloud/main_init.go addPeers, api/session.go, f26e73c). MicroCloud
// joins its members one at a time, and a daemon holds one session at a time: the joins are chained.
import { isMemberOf, type StepSpec } from './spec.js';

export const microcloudMemberAddress = (machine: string): string => `microcloud/member/${machine}`;

export const microcloudJoin: StepSpec<'microcloud-join'> = {
  kind: 'microcloud-join',
  service: 'microcloud',
  clusterWide: () => false,
  satisfied: (step, live) => isMemberOf(live, 'microcloud', step.inputs.cluster, step.inputs.name),
};
