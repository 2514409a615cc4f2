// `microovn/cluster@<initiator>`: microcluster bootstrap with MicroCloud's config, ovn-encap-ip
// (the underlay address) when the file gives one, listening on <ip>:6443.
import { MINUTE, hostOf, type PlanStepRunner } from './common.js';
import { bootstrapMicro, microReady, waitForMember } from './micro.js';

export const microovnBootstrap: PlanStepRunner<'microovn-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  check: (step, hosts) => microReady(hostOf(hosts, step.machine), 'microovn'),
  async act(step, hosts, ctx) {
    const { name, address, encapIp } = step.inputs;
    const config: Record<string, string> = encapIp ? { 'ovn-encap-ip': encapIp } : {};
    await bootstrapMicro(hostOf(hosts, step.machine), 'microovn', { name, address, config }, ctx);
  },
  verify: (step, hosts, ctx) => waitForMember(hostOf(hosts, step.machine), 'microovn', step.inputs.name, ctx),
};
