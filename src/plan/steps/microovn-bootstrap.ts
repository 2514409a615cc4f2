// `microovn/cluster@<initiator>`: microcluster bootstrap; central, chassis and switch on the initiator.
import { reachable } from '../../live/state.js';
import { microAt, need, type StepSpec } from './spec.js';

export const microovnClusterAddress = (machine: string): string => `microovn/cluster@${machine}`;

export const microovnBootstrap: StepSpec<'microovn-bootstrap'> = {
  kind: 'microovn-bootstrap',
  service: 'microovn',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.microovn?.initialized === true,
  effect(step, live) {
    const c = microAt(live, 'microovn', step.machine);
    need(!c.initialized, `MicroOVN on ${step.machine}: Unable to initialize cluster: Database is online`);
    const { name, address } = step.inputs;
    c.initialized = true;
    c.members = [{ name, address, role: 'voter', status: 'ONLINE' }];
    c.services = ['central', 'chassis', 'switch'].map((service) => ({ service, location: name }));
  },
};
