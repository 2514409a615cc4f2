// `microovn/cluster@<initiator>`: a one-member cluster running central, chassis and switch.
import { microAt, need, type Effect } from './model.js';

export const microovnBootstrap: Effect<'microovn-bootstrap'> = (step, live) => {
  const own = microAt(live, 'microovn', step.machine);
  need(!own.initialized, `MicroOVN on ${step.machine}: Unable to initialize cluster: Database is online`);
  const { name, address } = step.inputs;
  own.initialized = true;
  own.cluster = step.machine;
  live.clusters.microovn[step.machine] = {
    members: [{ name, address, role: 'voter', status: 'ONLINE' }],
    services: ['central', 'chassis', 'switch'].map((service) => ({ service, location: name })),
  };
};
