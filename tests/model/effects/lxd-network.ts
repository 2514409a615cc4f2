// `lxd/network/<network>`: finalize (UPLINK, lxdfan0), create (the OVN `default`, whose member rows
// LXD makes), or update the keys the tool owns.
import { recreatable } from '../../../src/plan/steps/lxd-network.js';
import { forEachLxd, memberNamesOf } from './lxd.js';
import { lxdClusterAt, machineAt, need, type Effect } from './model.js';

export const lxdNetwork: Effect<'lxd-network'> = (step, live) => {
  const { network, type, config, owned } = step.inputs;
  const view = machineAt(live, step.machine);
  const lxd = view.lxd;
  need(lxd, `LXD is not installed on ${step.machine}`);
  const cluster = lxdClusterAt(live, step.machine);
  const existing = cluster.networks.find((n) => n.name === network);
  if (existing?.status === 'Created') {
    need(existing.type === type, `Network ${network} is of type ${existing.type}, not ${type}`);
    for (const k of owned) delete existing.config[k];
    for (const k of owned) if (config[k] !== undefined) existing.config[k] = config[k];
    return;
  }
  const members = memberNamesOf(live, step.machine);
  if (type === 'ovn') {
    need(!existing || recreatable(existing, type), `Failed creating pending network for member "${members[0]}": Network is not in pending state`);
    const uplink = cluster.networks.find((n) => n.name === config['network']);
    need(uplink?.status === 'Created', `Uplink network "${config['network']}" is not created`);
    need(view.microovn?.initialized, 'Failed to get OVN client: MicroOVN is not set up');
    if (!lxd.apiExtensions.includes('ovn_dynamic_northbound_connection')) {
      need(lxd.config['network.ovn.northbound_connection'], 'Failed to get OVN client: network.ovn.northbound_connection is not set');
    }
    cluster.networks = cluster.networks.filter((x) => x.name !== network);
    cluster.networks.push({ name: network, type, status: 'Created', config: { ...config }, locations: [...members] });
    forEachLxd(live, step.machine, (mate) => { mate.rows.networks[network] = { status: 'Created', config: {} }; });
    return;
  }
  need(existing, 'Network not pending on any node (use --target <node> first)');
  need(existing.type === type, 'Requested network type does not match type in existing database record');
  const missing = members.filter((m) => !existing.locations.includes(m));
  need(missing.length === 0, `Network not defined on nodes: ${missing.join(', ')}`);
  existing.status = 'Created';
  existing.config = { ...existing.config, ...config };
  forEachLxd(live, step.machine, (mate) => {
    const row = mate.rows.networks[network];
    if (row) mate.rows.networks[network] = { status: 'Created', config: row.config };
  });
};
