// `lxd/cluster@<initiator>`: PUT /1.0/cluster {server_name, enabled} on the initiator.
import { reachable } from '../../live/state.js';
import { lxdAt, need, type StepSpec } from './spec.js';

export const lxdClusterAddress = (machine: string): string => `lxd/cluster@${machine}`;

export const lxdBootstrap: StepSpec<'lxd-bootstrap'> = {
  kind: 'lxd-bootstrap',
  service: 'lxd',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.lxd?.clustered === true,
  effect(step, live) {
    const lxd = lxdAt(live, step.machine);
    need(!lxd.clustered, `LXD on ${step.machine}: The member is already part of a cluster`);
    const address = lxd.config['cluster.https_address'] ?? lxd.config['core.https_address'];
    need(address, `LXD on ${step.machine}: No cluster.https_address config is set on this member`);
    const name = step.inputs.serverName;
    lxd.config['cluster.https_address'] = address;
    lxd.clustered = true;
    lxd.serverName = name;
    lxd.members = [{ name, url: `https://${address}`, status: 'Online', roles: ['database-leader', 'database'] }];
    for (const p of lxd.pools) p.locations = [name];
    for (const n of lxd.networks) n.locations = [name];
    for (const v of lxd.volumes) v.location = name;
  },
};
