// `lxd/member/<name>`: LXD creates every pool and network the cluster has on the joiner, from the
// member_config the join brings; the joiner then sees the cluster's database.
import { LXD_MEMBER_KEYS } from '../../../src/live/state.js';
import { createdRow, memberNamesOf } from './lxd.js';
import { lxdAt, lxdClusterAt, machineAt, need, type Effect } from './model.js';

/** The member-specific keys a joiner must bring, by pool driver and network type. */
export const REQUIRED_MEMBER_KEYS: Record<string, string[]> = { zfs: ['source'], physical: ['parent'] };

export const lxdJoin: Effect<'lxd-join'> = (step, live) => {
  const { serverName, serverAddress, cluster, memberConfig } = step.inputs;
  const joiner = lxdAt(live, step.machine);
  need(!joiner.clustered, `LXD on ${step.machine}: This server is already clustered`);
  const anchor = lxdAt(live, cluster);
  need(anchor.clustered, `LXD on ${cluster}: Server is not clustered`);
  need(!memberNamesOf(live, cluster).includes(serverName), `The cluster already has a member with name: ${serverName}`);
  const db = lxdClusterAt(live, cluster);
  const mc = (entity: string, name: string) =>
    Object.fromEntries(memberConfig.filter((k) => k.entity === entity && k.name === name).map((k) => [k.key, k.value]));
  for (const p of db.pools.filter((x) => x.status === 'Created')) {
    for (const key of REQUIRED_MEMBER_KEYS[p.driver] ?? []) need(mc('storage-pool', p.name)[key], `member_config lacks ${key} for storage pool ${p.name}`);
  }
  for (const n of db.networks.filter((x) => x.status === 'Created')) {
    for (const key of REQUIRED_MEMBER_KEYS[n.type] ?? []) need(mc('network', n.name)[key], `member_config lacks ${key} for network ${n.name}`);
  }
  // The joiner creates every pool and network locally: Ceph pools need its Ceph client, OVN its chassis.
  const own = machineAt(live, step.machine);
  if (db.pools.some((p) => p.status === 'Created' && (p.driver === 'ceph' || p.driver === 'cephfs'))) {
    need(own.microceph?.initialized, `Failed to initialize member: Failed to create the ceph pool on ${step.machine}: MicroCeph is not set up there`);
  }
  if (db.networks.some((n) => n.status === 'Created' && n.type === 'ovn')) {
    need(own.microovn?.initialized, `Failed to initialize member: Failed to create the OVN network on ${step.machine}: MicroOVN is not set up there`);
  }
  db.members.push({ name: serverName, url: `https://${serverAddress}`, status: 'Online', roles: ['database'] });
  for (const p of db.pools) if (p.status === 'Created') p.locations.push(serverName);
  for (const n of db.networks) if (n.status === 'Created') n.locations.push(serverName);
  const local = Object.fromEntries(Object.entries(joiner.config).filter(([k]) => LXD_MEMBER_KEYS.includes(k)));
  const global = Object.fromEntries(Object.entries(anchor.config).filter(([k]) => !LXD_MEMBER_KEYS.includes(k)));
  // The joiner's own database is replaced by the cluster's.
  if (joiner.cluster !== anchor.cluster) delete live.clusters.lxd[joiner.cluster];
  joiner.cluster = anchor.cluster;
  joiner.clustered = true;
  joiner.serverName = serverName;
  // The join listens on the member's address unless core.https_address is already set (lxd/api_cluster.go clusterPutJoin).
  joiner.config = { ...global, ...local, 'core.https_address': local['core.https_address'] || serverAddress, 'cluster.https_address': serverAddress };
  joiner.rows = {
    pools: Object.fromEntries(db.pools.filter((p) => p.status === 'Created')
      .map((p) => [p.name, createdRow(live, step.machine, p.name, p.driver, mc('storage-pool', p.name))])),
    networks: Object.fromEntries(db.networks.filter((n) => n.status === 'Created')
      .map((n) => [n.name, { status: 'Created', config: mc('network', n.name) }])),
  };
};
