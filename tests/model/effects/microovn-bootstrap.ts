// `microovn/cluster@<initiator>`: a one-member cluster running central, chassis and switch.
import { microAt, need, type Effect } from './model.js';

export const microovnBootstrap: Effect<'microovn-bootstrap'> = (step, live) => {
  const c = microAt(live, 'microovn', step.machine);
  need(!c.initialized, `MicroOVN on ${step.machine}: Unable to initialize cluster: Database is online`);
  const { name, address } = step.inputs;
  c.initialized = true;
  c.members = [{ name, address, role: 'voter', status: 'ONLINE' }];
  c.services = ['central', 'chassis', 'switch'].map((service) => ({ service, location: name }));
};
