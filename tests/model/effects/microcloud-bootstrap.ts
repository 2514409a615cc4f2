// `microcloud/cluster@<initiator>`: a one-member MicroCloud cluster.
import { microAt, need, type Effect } from './model.js';

export const microcloudBootstrap: Effect<'microcloud-bootstrap'> = (step, live) => {
  const own = microAt(live, 'microcloud', step.machine);
  need(!own.initialized, `MicroCloud on ${step.machine}: Unable to initialize cluster: Database is online`);
  own.initialized = true;
  own.cluster = step.machine;
  live.clusters.microcloud[step.machine] = { members: [{ name: step.inputs.name, address: step.inputs.address, role: 'voter', status: 'ONLINE' }] };
};
