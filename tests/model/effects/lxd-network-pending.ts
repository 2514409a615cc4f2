// `lxd/network/<network>@<member>`: a pending row for the member; the network shows on every member.
import { forEachLxd } from './lxd.js';
import { lxdAt, machineAt, need, type Effect } from './model.js';

export const lxdNetworkPending: Effect<'lxd-network-pending'> = (step, live) => {
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
};
