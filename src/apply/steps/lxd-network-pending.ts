// `lxd/network/<network>@<member>`: POST /1.0/networks?target=<member> with only that member's
// keys (UPLINK's parent; nothing for lxdfan0). Sync on 5.21, an operation on ≥ 6.8.
import { MINUTE, hostOf, unlessAlreadyDone, withQuery } from './common.js';
import type { StepActor } from './runner.js';

const ALREADY = [/already defined on member/, /not in pending state/];

export const lxdNetworkPending: StepActor<'lxd-network-pending'> = {
  timeoutMs: 3 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const { network, target, type, config } = step.inputs;
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', withQuery('/1.0/networks', { target }), { name: network, type, config });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY, done, ctx);
    }
  },
  missing: (step) => `network ${step.inputs.network} is not defined on ${step.inputs.target} after creating it there`,
};
