// `microceph/cluster@<initiator>`: microcluster bootstrap with MicroCloud's config, PublicNet and
// ClusterNet (CIDRs), listening on <ip>:7443; then the member must show in the member list.
import { MINUTE, hostOf } from './common.js';
import { bootstrapMicro, MEMBER_SHOWS_MS, waitForMember } from './micro.js';
import type { StepActor } from './runner.js';

export const microcephBootstrap: StepActor<'microceph-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts, ctx, done) {
    const { name, address, publicNetwork, clusterNetwork } = step.inputs;
    const config: Record<string, string> = {};
    if (publicNetwork) config['PublicNet'] = publicNetwork;
    if (clusterNetwork) config['ClusterNet'] = clusterNetwork;
    await bootstrapMicro(hostOf(hosts, step.machine), 'microceph', { name, address, config }, ctx, done);
  },
  showsWithinMs: MEMBER_SHOWS_MS,
  missing: (step) => `MicroCeph on ${step.machine} is not initialized after bootstrapping it`,
  settle: (step, hosts, ctx) => waitForMember(hostOf(hosts, step.machine), 'microceph', step.inputs.name, ctx),
};
