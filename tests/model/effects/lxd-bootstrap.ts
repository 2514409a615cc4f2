// `lxd/cluster@<initiator>`: LXD enables clustering; every object it has so far is on the one member.
import { lxdAt, lxdClusterAt, need, type Effect } from './model.js';

export const lxdBootstrap: Effect<'lxd-bootstrap'> = (step, live) => {
  const lxd = lxdAt(live, step.machine);
  need(!lxd.clustered, `LXD on ${step.machine}: The member is already part of a cluster`);
  const address = lxd.config['cluster.https_address'] ?? lxd.config['core.https_address'];
  need(address, `LXD on ${step.machine}: No cluster.https_address config is set on this member`);
  const name = step.inputs.serverName;
  lxd.config['cluster.https_address'] = address;
  lxd.clustered = true;
  lxd.serverName = name;
  const cluster = lxdClusterAt(live, step.machine);
  cluster.members = [{ name, url: `https://${address}`, status: 'Online', roles: ['database-leader', 'database'] }];
  for (const p of cluster.pools) p.locations = [name];
  for (const n of cluster.networks) n.locations = [name];
  for (const v of cluster.volumes) v.location = name;
};
