// `microceph/member/<name>`, `microovn/member/<name>`: a microcluster join into the initiator's
// cluster (the token is minted at apply time). The daemons differ only in the services they place
// on a joiner: some always, others while fewer than 3 members run them.
import type { ServiceName } from '../../live/state.js';
import { changeCluster, placeOnJoin } from './micro-effects.js';
import { isMemberOf, microAt, need, type StepSpec } from './spec.js';

type MicroJoinKind = 'microceph-join' | 'microovn-join';

export function microJoinSpec<K extends MicroJoinKind>(
  kind: K,
  service: Exclude<ServiceName, 'lxd'>,
  label: string,
  placement: { always: string[]; upToThree: string[] },
): StepSpec<K> {
  return {
    kind,
    service,
    clusterWide: () => false,
    satisfied: (step, live) => isMemberOf(live, service, step.inputs.cluster, step.inputs.name),
    effect(step, live) {
      const { name, address, cluster } = step.inputs;
      const own = microAt(live, service, step.machine);
      need(!own.initialized, `${label} on ${step.machine}: Unable to initialize cluster: Database is online`);
      changeCluster(live, service, cluster, (view) => {
        need(!view.members.some((m) => m.name === name), `${label}: Remote with name ${name} exists`);
        view.members.push({ name, address, role: 'voter', status: 'ONLINE' });
        placeOnJoin(view.services, name, placement.always, placement.upToThree);
      }, [step.machine]);
    },
  };
}
