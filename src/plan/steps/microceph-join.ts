// `microceph/member/<name>`: microcluster join into the initiator's MicroCeph (token minted at apply).
import { changeCluster, placeOnJoin } from './micro-effects.js';
import { isMemberOf, microAt, need, type StepSpec } from './spec.js';

export const microcephMemberAddress = (machine: string): string => `microceph/member/${machine}`;

export const microcephJoin: StepSpec<'microceph-join'> = {
  kind: 'microceph-join',
  service: 'microceph',
  clusterWide: () => false,
  satisfied: (step, live) => isMemberOf(live, 'microceph', step.inputs.cluster, step.inputs.name),
  effect(step, live) {
    const { name, address, cluster } = step.inputs;
    const own = microAt(live, 'microceph', step.machine);
    need(!own.initialized, `MicroCeph on ${step.machine}: Unable to initialize cluster: Database is online`);
    changeCluster(live, 'microceph', cluster, (view) => {
      need(!view.members.some((m) => m.name === name), `MicroCeph: Remote with name ${name} exists`);
      view.members.push({ name, address, role: 'voter', status: 'ONLINE' });
      placeOnJoin(view.services, name, [], ['mon', 'mgr', 'mds']);
    }, [step.machine]);
  },
};
