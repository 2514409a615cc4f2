// `microceph/member/<name>`, `microovn/member/<name>`: a microcluster join into the initiator's
// cluster (the token is minted at apply time): done once the joiner is initialized and the
// anchor's member list names it.
import type { ServiceName } from '../../live/state.js';
import { isMemberOf, type StepSpec } from './spec.js';

type MicroJoinKind = 'microceph-join' | 'microovn-join';

export function microJoinSpec<K extends MicroJoinKind>(kind: K, service: Exclude<ServiceName, 'lxd'>): StepSpec<K> {
  return {
    kind,
    service,
    clusterWide: () => false,
    satisfied: (step, live) => isMemberOf(live, service, step.inputs.cluster, step.inputs.name),
  };
}
