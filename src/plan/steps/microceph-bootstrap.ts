// `microceph/cluster@<initiator>`: microcluster bootstrap with MicroCloud's PublicNet/ClusterNet.
import { reachable } from '../../live/state.js';
import { microAt, need, type StepSpec } from './spec.js';

export const microcephClusterAddress = (machine: string): string => `microceph/cluster@${machine}`;

export const microcephBootstrap: StepSpec<'microceph-bootstrap'> = {
  kind: 'microceph-bootstrap',
  service: 'microceph',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.microceph?.initialized === true,
  effect(step, live) {
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
  },
};
