// `microceph/cluster@<initiator>`: a one-member cluster running mon, mgr and mds; the mgr creates `.mgr`.
import { microAt, need, type Effect } from './model.js';

export const microcephBootstrap: Effect<'microceph-bootstrap'> = (step, live) => {
  const c = microAt(live, 'microceph', step.machine);
  need(!c.initialized, `MicroCeph on ${step.machine}: Unable to initialize cluster: Database is online`);
  const { name, address, publicNetwork, clusterNetwork } = step.inputs;
  c.initialized = true;
  c.members = [{ name, address, role: 'voter', status: 'ONLINE' }];
  c.services = ['mon', 'mgr', 'mds'].map((service) => ({ service, location: name }));
  c.disks = [];
  c.config = {};
  if (publicNetwork) c.config['public_network'] = publicNetwork;
  if (clusterNetwork ?? publicNetwork) c.config['cluster_network'] = (clusterNetwork ?? publicNetwork)!;
  // The mgr creates .mgr at once, with Ceph's default size.
  c.pools = [{ name: '.mgr', size: 3 }];
};
