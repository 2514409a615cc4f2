// `microceph/cluster@<initiator>`: microcluster bootstrap with MicroCloud's config, PublicNet and
// ClusterNet (CIDRs), listening on <ip>:7443; then the member must show in the member list.
import { MINUTE, hostOf, type PlanStepRunner } from './common.js';
import { bootstrapMicro, microReady, waitForMember } from './micro.js';

export const microcephBootstrap: PlanStepRunner<'microceph-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  check: (step, hosts) => microReady(hostOf(hosts, step.machine), 'microceph'),
  async act(step, hosts, ctx) {
    const { name, address, publicNetwork, clusterNetwork } = step.inputs;
    const config: Record<string, string> = {};
    if (publicNetwork) config['PublicNet'] = publicNetwork;
    if (clusterNetwork) config['ClusterNet'] = clusterNetwork;
    await bootstrapMicro(hostOf(hosts, step.machine), 'microceph', { name, address, config }, ctx);
  },
  verify: (step, hosts, ctx) => waitForMember(hostOf(hosts, step.machine), 'microceph', step.inputs.name, ctx),
};
