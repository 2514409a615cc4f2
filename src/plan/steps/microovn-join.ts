// `microovn/member/<name>`: microcluster join; chassis and switch always, central while fewer than 3.
import { changeCluster, placeOnJoin } from './micro-effects.js';
import { isMemberOf, microAt, need, type StepSpec } from './spec.js';

export const microovnMemberAddress = (machine: string): string => `microovn/member/${machine}`;

export const microovnJoin: StepSpec<'microovn-join'> = {
  kind: 'microovn-join',
  service: 'microovn',
  clusterWide: () => false,
  satisfied: (step, live) => isMemberOf(live, 'microovn', step.inputs.cluster, step.inputs.name),
  effect(step, live) {
    const { name, address, cluster } = step.inputs;
    const own = microAt(live, 'microovn', step.machine);
    need(!own.initialized, `MicroOVN on ${step.machine}: Unable to initialize cluster: Database is online`);
    changeCluster(live, 'microovn', cluster, (view) => {
      need(!view.members.some((m) => m.name === name), `MicroOVN: Remote with name ${name} exists`);
      view.members.push({ name, address, role: 'voter', status: 'ONLINE' });
      placeOnJoin(view.services, name, ['chassis', 'switch'], ['central']);
    }, [step.machine]);
  },
};
