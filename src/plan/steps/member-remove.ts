// `<service>/member/<m>` destroyed: the member leaves one cluster, asked of a surviving member (the
// step's machine), the same for LXD and the three microcluster daemons. Done when the survivor's
// member list no longer names it: that list is the cluster's, whichever member answers.
import { reachable, type LiveState, type ServiceName } from '../../live/state.js';
import type { StepKind } from '../plan.js';
import type { StepSpec } from './spec.js';

/** The members `machine`'s cluster of `svc` lists; null while it is in no cluster. */
export function membersSeenFrom(live: LiveState, svc: ServiceName, machine: string): string[] | null {
  const m = reachable(live, machine);
  if (svc === 'lxd') return m?.lxd?.clustered ? m.lxd.members.map((x) => x.name) : null;
  const d = m?.[svc];
  return d?.initialized ? d.members.map((x) => x.name) : null;
}

type MemberRemoveKind = 'lxd-member-remove' | 'microovn-member-remove' | 'microceph-member-remove' | 'microcloud-member-remove';

export function memberRemoveSpec<K extends MemberRemoveKind & StepKind>(kind: K, service: ServiceName): StepSpec<K> {
  return {
    kind,
    service,
    clusterWide: () => true,
    satisfied(step, live) {
      const members = membersSeenFrom(live, service, step.machine);
      return members !== null && !members.includes(step.inputs.name);
    },
  };
}

export const lxdMemberRemove = memberRemoveSpec('lxd-member-remove', 'lxd');
export const microovnMemberRemove = memberRemoveSpec('microovn-member-remove', 'microovn');
export const microcephMemberRemove = memberRemoveSpec('microceph-member-remove', 'microceph');
export const microcloudMemberRemove = memberRemoveSpec('microcloud-member-remove', 'microcloud');
