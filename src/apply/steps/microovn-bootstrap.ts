// `microovn/cluster@<initiator>`: microcluster bootstrap with MicroCloud's config, ovn-encap-ip
// (the underlay address) when the file gives one, listening on <ip>:6443; then the member must show.
import { MINUTE, hostOf } from './common.js';
import { bootstrapMicro, MEMBER_SHOWS_MS, waitForMember } from './micro.js';
import type { StepActor } from './runner.js';

export const microovnBootstrap: StepActor<'microovn-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microovn'] }],
  async act(step, hosts, ctx, done) {
    const { name, address, encapIp } = step.inputs;
    const config: Record<string, string> = encapIp ? { 'ovn-encap-ip': encapIp } : {};
    await bootstrapMicro(hostOf(hosts, step.machine), 'microovn', { name, address, config }, ctx, done);
  },
  showsWithinMs: MEMBER_SHOWS_MS,
  missing: (step) => `MicroOVN on ${step.machine} is not initialized after bootstrapping it`,
  settle: (step, hosts, ctx) => waitForMember(hostOf(hosts, step.machine), 'microovn', step.inputs.name, ctx),
};
