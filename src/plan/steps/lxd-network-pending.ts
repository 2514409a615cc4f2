// `lxd/network/<network>@<member>`: POST /1.0/networks?target=<member> (UPLINK's parent, or lxdfan0).
import { reachable } from '../../live/state.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, machineAt, need, type StepSpec } from './spec.js';

export const lxdPendingNetworkAddress = (network: string, member: string): string => `lxd/network/${network}@${member}`;

export const lxdNetworkPending: StepSpec<'lxd-network-pending'> = {
  kind: 'lxd-network-pending',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    return lxd?.clustered === true && (lxd.networks.find((n) => n.name === step.inputs.network)?.locations.includes(step.inputs.target) ?? false);
  },
  effect(step, live) {
    const { network, target, type, config } = step.inputs;
    const own = lxdAt(live, step.machine);
    need(own.clustered && own.members.some((m) => m.name === target), `Cluster member not found: ${target}`);
    need(type !== 'ovn', 'Network type "ovn" does not support member specific config');
    const existing = own.networks.find((n) => n.name === network);
    need(!existing || existing.status !== 'Created', 'Network is not in pending state');
    need(!existing || existing.type === type, 'Requested network type does not match type in existing database record');
    need(!existing?.locations.includes(target), `The network is already defined on member "${target}"`);
    const parent = config['parent'];
    if (parent) need(machineAt(live, target).host.interfaces.some((i) => i.name === parent), `Parent interface "${parent}" not found on ${target}`);
    forEachLxd(live, step.machine, (lxd) => {
      let n = lxd.networks.find((x) => x.name === network);
      if (!n) {
        n = { name: network, type, status: 'Pending', config: {}, locations: [], member: null };
        lxd.networks.push(n);
      }
      n.locations.push(target);
    });
    const row = lxdAt(live, target).networks.find((n) => n.name === network);
    if (row) row.member = { status: 'Pending', config: { ...config } };
  },
};
