// `lxd/network/<network>@<member>`: POST /1.0/networks?target=<member> with only that member's
// keys (UPLINK's parent; nothing for lxdfan0). Sync on 5.21, an operation on ≥ 6.8.
import { MINUTE, hostOf, unlessAlreadyDone, withQuery, type PlanStepRunner } from './common.js';
import { getNetwork } from './lxd.js';

const ALREADY = [/already defined on member/, /not in pending state/];

export const lxdNetworkPending: PlanStepRunner<'lxd-network-pending'> = {
  timeoutMs: 3 * MINUTE,
  check: async (step, hosts) => (await getNetwork(hostOf(hosts, step.machine), step.inputs.network))?.locations?.includes(step.inputs.target) ?? false,
  async act(step, hosts, ctx) {
    const { network, target, type, config } = step.inputs;
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', withQuery('/1.0/networks', { target }), { name: network, type, config });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY, () => lxdNetworkPending.check(step, hosts, ctx), ctx);
    }
  },
  async verify(step, hosts, ctx) {
    if (!(await lxdNetworkPending.check(step, hosts, ctx))) throw new Error(`network ${step.inputs.network} is not defined on ${step.inputs.target} after creating it there`);
  },
};
