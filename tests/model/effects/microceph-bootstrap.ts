// `microceph/cluster@<initiator>`: a one-member cluster running mon, mgr and mds; the mgr creates `.mgr`.
import { microAt, need, type Effect } from './model.js';

export const microcephBootstrap: Effect<'microceph-bootstrap'> = (step, live) => {
  const own = microAt(live, 'microceph', step.machine);
  need(!own.initialized, `MicroCeph on ${step.machine}: Unable to initialize cluster: Database is online`);
  const { name, address, publicNetwork, clusterNetwork } = step.inputs;
  const config: Record<string, string> = {};
  if (publicNetwork) config['public_network'] = publicNetwork;
  if (clusterNetwork ?? publicNetwork) config['cluster_network'] = (clusterNetwork ?? publicNetwork)!;
  own.initialized = true;
  own.cluster = step.machine;
  live.clusters.microceph[step.machine] = {
    members: [{ name, address, role: 'voter', status: 'ONLINE' }],
    services: ['mon', 'mgr', 'mds'].map((service) => ({ service, location: name })),
    disks: [],
    config,
    // The mgr creates .mgr at once, with Ceph's default size.
    pools: [{ name: '.mgr', size: 3 }],
  };
};
