// `lxd/network/<network>`: finalize (UPLINK, lxdfan0), create (the OVN `default`, whose member rows
// LXD makes), or update the keys the tool owns.
import { recreatable } from '../../../src/plan/steps/lxd-network.js';
import { forEachLxd, memberNamesOf } from './lxd.js';
import { lxdAt, machineAt, need, type Effect } from './model.js';

export const lxdNetwork: Effect<'lxd-network'> = (step, live) => {
  const { network, type, config, owned } = step.inputs;
  const lxd = lxdAt(live, step.machine);
  const existing = lxd.networks.find((n) => n.name === network);
  if (existing?.status === 'Created') {
    need(existing.type === type, `Network ${network} is of type ${existing.type}, not ${type}`);
    forEachLxd(live, step.machine, (view) => {
      const n = view.networks.find((x) => x.name === network)!;
      for (const k of owned) delete n.config[k];
      for (const k of owned) if (config[k] !== undefined) n.config[k] = config[k];
    });
    return;
  }
  const members = memberNamesOf(lxd);
  if (type === 'ovn') {
    need(!existing || recreatable(existing, type), `Failed creating pending network for member "${members[0]}": Network is not in pending state`);
    const uplink = lxd.networks.find((n) => n.name === config['network']);
    need(uplink?.status === 'Created', `Uplink network "${config['network']}" is not created`);
    need(machineAt(live, step.machine).microovn?.initialized, 'Failed to get OVN client: MicroOVN is not set up');
    if (!lxd.apiExtensions.includes('ovn_dynamic_northbound_connection')) {
      need(lxd.config['network.ovn.northbound_connection'], 'Failed to get OVN client: network.ovn.northbound_connection is not set');
    }
    forEachLxd(live, step.machine, (view) => {
      view.networks = view.networks.filter((x) => x.name !== network);
      view.networks.push({ name: network, type, status: 'Created', config: { ...config }, locations: [...members],
        member: { status: 'Created', config: {} } });
    });
    return;
  }
  need(existing, 'Network not pending on any node (use --target <node> first)');
  need(existing.type === type, 'Requested network type does not match type in existing database record');
  const missing = members.filter((m) => !existing.locations.includes(m));
  need(missing.length === 0, `Network not defined on nodes: ${missing.join(', ')}`);
  forEachLxd(live, step.machine, (view) => {
    const n = view.networks.find((x) => x.name === network)!;
    n.status = 'Created';
    n.config = { ...n.config, ...config };
    if (n.member) n.member = { status: 'Created', config: n.member.config };
  });
};
