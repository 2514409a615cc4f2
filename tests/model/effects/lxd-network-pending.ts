// `lxd/network/<network>@<member>`: a pending row for the member; the network shows on every member.
import { lxdAt, lxdClusterAt, machineAt, need, type Effect } from './model.js';

export const lxdNetworkPending: Effect<'lxd-network-pending'> = (step, live) => {
  const { network, target, type, config } = step.inputs;
  const own = machineAt(live, step.machine).lxd;
  need(own?.clustered && own.members.some((m) => m.name === target), `Cluster member not found: ${target}`);
  need(type !== 'ovn', 'Network type "ovn" does not support member specific config');
  const cluster = lxdClusterAt(live, step.machine);
  const existing = cluster.networks.find((n) => n.name === network);
  need(!existing || existing.status !== 'Created', 'Network is not in pending state');
  need(!existing || existing.type === type, 'Requested network type does not match type in existing database record');
  need(!existing?.locations.includes(target), `The network is already defined on member "${target}"`);
  const parent = config['parent'];
  if (parent) need(machineAt(live, target).host.interfaces.some((i) => i.name === parent), `Parent interface "${parent}" not found on ${target}`);
  const n = existing ?? { name: network, type, status: 'Pending', config: {}, locations: [] };
  if (!existing) cluster.networks.push(n);
  n.locations.push(target);
  lxdAt(live, target).rows.networks[network] = { status: 'Pending', config: { ...config } };
};
