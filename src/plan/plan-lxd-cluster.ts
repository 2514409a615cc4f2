// LXD clustering: the initiator's listen addresses and marker, the bootstrap, the joins (with the
// member_config of every pool and network that already exists) and, for LXD releases that cannot
// find MicroOVN by themselves, the northbound connection.
import { MICROCLOUD_KEY, NORTHBOUND_KEY, OWNER_KEY } from '../preseed/lxd-config.js';
import { actionFor, configChanges } from './changes.js';
import type { PlanGraph } from './graph.js';
import { reachable, type LxdLive } from '../live/state.js';
import { microJoinsOf } from './plan-micro.js';
import type { MemberConfigKey } from './plan.js';
import { clusterLxd, hostPort, type Site } from './topology.js';
import { lxdClusterAddress } from './steps/lxd-bootstrap.js';
import { lxdMemberAddress } from './steps/lxd-join.js';
import { lxdBootstrapConfigAddress, lxdGlobalConfigAddress, lxdListenConfigAddress } from './steps/lxd-server-config.js';
import { microcephClusterAddress } from './steps/microceph-bootstrap.js';
import { microcloudClusterAddress } from './steps/microcloud-bootstrap.js';
import { microovnClusterAddress } from './steps/microovn-bootstrap.js';
import { microovnMemberAddress } from './steps/microovn-join.js';

export const LXD_PORT = 8443;
const OVN_NB_PORT = 6641;
const STATEFUL_KEY = 'instances.migration.stateful';

const ip = (site: Site, name: string): string => site.addresses.get(name) ?? '';

export function hasExtension(site: Site, extension: string): boolean {
  return reachable(site.live, site.initiator)?.lxd?.apiExtensions.includes(extension) ?? false;
}

/** The member address a joiner contacts: the initiator's cluster address. */
function clusterAddress(site: Site): string {
  return clusterLxd(site)?.config['cluster.https_address'] ?? hostPort(ip(site, site.initiator), LXD_PORT);
}

export function planLxdBootstrap(site: Site, g: PlanGraph, marker: string): void {
  const name = site.initiator;
  const lxd = reachable(site.live, name)?.lxd;
  if (site.mode !== 'bootstrap' || !lxd || lxd.clustered) return;
  const config: Record<string, string> = { 'core.https_address': `[::]:${LXD_PORT}`, 'cluster.https_address': hostPort(ip(site, name), LXD_PORT), [OWNER_KEY]: marker };
  // MicroCloud's LXD Bootstrap also turns on stateful migration where LXD has the extension
  // (canonical/microcloud service/lxd.go `Bootstrap`, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741;
  // Debian's 5.0.2 has neither the extension nor the key). A value in the file's lxd.config wins.
  const stateful = hasExtension(site, 'instances_migration_stateful') && !(STATEFUL_KEY in site.desired.lxd.config);
  if (stateful) config[STATEFUL_KEY] = 'true';
  // Where MicroCloud's cluster is formed, LXD records MicroCloud's version as `microcloud init`
  // writes it in this same PUT (service/lxd.go Bootstrap, f26e73c), so MicroCloud owns the site too.
  const cloud = site.microcloud ? reachable(site.live, name)?.microcloud : null;
  if (cloud) config[MICROCLOUD_KEY] = cloud.version;
  const action = actionFor(lxd.config, Object.keys(config));
  g.add({
    address: lxdBootstrapConfigAddress(name), kind: 'lxd-server-config', service: 'lxd', machine: name,
    action, changes: action === 'update' ? configChanges(lxd.config, config) : [],
    reason: `listen on ${config['cluster.https_address']}${stateful ? ', allow stateful migration' : ''} and record microcloud-apply${cloud ? ' and MicroCloud' : ''} as its owner`,
    inputs: { target: name, config },
  }, cloud ? [microcloudClusterAddress(name)] : []);
  g.add({
    address: lxdClusterAddress(name), kind: 'lxd-bootstrap', service: 'lxd', machine: name,
    reason: `bootstrap the LXD cluster on ${name}`, inputs: { serverName: name },
  }, [lxdBootstrapConfigAddress(name), microcephClusterAddress(name), microovnClusterAddress(name)]);
}

/** What a joiner brings for each pool and network the cluster already has (MicroCloud's JoinConfig). */
export function memberConfigFor(site: Site, lxd: LxdLive, name: string): MemberConfigKey[] {
  const out: MemberConfigKey[] = [];
  const dropSource = hasExtension(site, 'storage_remote_drop_source');
  for (const p of lxd.pools.filter((x) => x.status === 'Created')) {
    const key = (k: string, value: string) => out.push({ entity: 'storage-pool', name: p.name, key: k, value });
    if (p.driver === 'zfs' && p.name === 'local') {
      const disk = site.disks.disks.find((d) => d.use === 'local' && d.machine === name);
      if (disk) {
        key('source', disk.path);
        if (disk.wipe) key('source.wipe', 'true');
      }
    } else if (p.driver === 'ceph' && !dropSource) {
      key('source', p.config['ceph.osd.pool_name'] ?? 'lxd_remote');
    } else if (p.driver === 'cephfs' && !dropSource) {
      key('source', p.config['cephfs.path'] ?? 'lxd_cephfs');
    }
  }
  for (const n of lxd.networks.filter((x) => x.status === 'Created')) {
    const uplink = site.uplinks.get(name);
    if (n.type === 'physical' && n.name === 'UPLINK' && uplink) out.push({ entity: 'network', name: n.name, key: 'parent', value: uplink });
  }
  return out;
}

/**
 * LXD members that join at once, at most, where LXD copes with overlapping joins. Every join
 * passes through the leader one at a time (internalClusterPostAccept and the rebalance each joiner
 * asks for hold clusterMembershipMutex; dqlite takes one membership change at a time and a join
 * that meets another retries every second: canonical/lxd lxd/api_cluster.go and
 * lxd/cluster/membership.go at a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05), so a wider batch mostly
 * queues there and risks those retries. Four: MicroCeph and MicroOVN join one at a time and each
 * LXD join waits for its machine's, so two at once already keep up with them at the bench's
 * durations; four cuts what LXD-only sites wait to about a quarter, past the first batch the
 * joiners come in as spares (no role changes), and the leader never queues more than four.
 */
export const LXD_JOIN_WIDTH = 4;

const JOIN_RETRY_EXTENSION = 'cluster_internal_custom_volume_copy';

/**
 * Whether this LXD survives joins side by side. Before the fix for "LXD lock-up on concurrent
 * cluster joins" (canonical/lxd#12571, commit 0655571fb08ef7948febb168c34bdbfe18e9fc27, in 5.20 and
 * 5.0.3) a join that met another's membership change failed with the cluster database still locked,
 * and its own clean-up then waited on that lock for ever: Debian's 5.0.2 did so on the real-host lab
 * (tests/real/concurrent-join.ts) in 4 of 5 runs of 4 joins at once, and in every run of 6 and 8.
 * No extension names the fix; JOIN_RETRY_EXTENSION came with it in both lines (5.20 and 5.0.3) and
 * is in every later release, so it stands for it. The retry runs on the joiner: every machine asks.
 */
export function overlappingJoinsSafe(site: Site): boolean {
  return site.systems.every((name) => reachable(site.live, name)?.lxd?.apiExtensions.includes(JOIN_RETRY_EXTENSION) === true);
}

/**
 * The joins, in file order, in batches of LXD_JOIN_WIDTH (one at a time where overlapping joins lock
 * LXD up). A join waits for the bootstrap, for every join of the earlier batches and for its own
 * machine's MicroCeph and MicroOVN joins, not for the joins of its own batch. Batches are cut over
 * every joiner of the file, joined or not, so that running one join leaves the others' batches (and
 * the next plan) as they were.
 */
export function planLxdJoins(site: Site, g: PlanGraph): void {
  const cluster = site.initiator;
  const lxd = clusterLxd(site);
  const width = overlappingJoinsSafe(site) ? LXD_JOIN_WIDTH : 1;
  const batches = Math.ceil(site.joiners.length / width);
  site.joiners.forEach((name, i) => {
    const batch = Math.floor(i / width);
    const memberConfig = lxd ? memberConfigFor(site, lxd, name) : [];
    const brings = memberConfig.map((k) => `${k.name} ${k.key}=${k.value}`).join(', ');
    const how = width === 1
      ? 'one at a time: this LXD locks up when joins overlap'
      : `batch ${batch + 1} of ${batches}: up to ${width} LXD joins at once, MicroCeph's and MicroOVN's one at a time`;
    g.add({
      address: lxdMemberAddress(name), kind: 'lxd-join', service: 'lxd', machine: name,
      reason: `join ${name} to the LXD cluster${brings ? ` with ${brings}` : ''} (${how})`,
      inputs: { serverName: name, serverAddress: hostPort(ip(site, name), LXD_PORT), clusterAddress: clusterAddress(site), cluster, memberConfig },
    }, [lxdClusterAddress(cluster), ...site.joiners.slice(0, batch * width).map(lxdMemberAddress), ...microJoinsOf(site, name)]);
    planJoinerListen(site, g, name);
  });
}

/**
 * After every join MicroCloud puts the joiner's core.https_address back on every address
 * (canonical/microcloud service/lxd.go `Join`: GET /1.0 then PUT /1.0, at
 * f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): the join leaves it on the member's own address. A
 * PATCH of that one key does the same here, and puts it back when it drifts.
 */
function planJoinerListen(site: Site, g: PlanGraph, name: string): void {
  const live = reachable(site.live, name)?.lxd;
  if (!live) return;
  const config = { 'core.https_address': `[::]:${LXD_PORT}` };
  // The join listens on the member's own address when none is set (lxd-join): this step's to widen,
  // as a create, the same before the join and after it. Any other value is drift, an update.
  const now = live.config['core.https_address'] ?? '';
  const drift = now !== '' && now !== hostPort(ip(site, name), LXD_PORT);
  g.add({
    address: lxdListenConfigAddress(name), kind: 'lxd-server-config', service: 'lxd', machine: name,
    action: drift ? 'update' : 'create', changes: drift ? configChanges(live.config, config) : [],
    reason: `listen on ${config['core.https_address']} on ${name}, as MicroCloud leaves a joiner`,
    inputs: { target: name, config },
  }, [lxdMemberAddress(name)]);
}

/**
 * `ssl:<ip>:6641,…` for the members that run (or, once joined, will run) OVN central: MicroOVN puts
 * central on each joiner while fewer than 3 exist, and joins run in file order.
 */
export function northboundConnection(site: Site): string {
  const ovn = reachable(site.live, site.initiator)?.microovn;
  const live = ovn?.initialized ? ovn : null;
  const liveCentrals = (live?.services ?? []).filter((s) => s.service === 'central').map((s) => s.location);
  const known = [site.initiator, ...site.joiners];
  const centrals: string[] = [];
  let count = liveCentrals.length;
  for (const name of known) {
    if (live?.members.some((m) => m.name === name)) {
      if (liveCentrals.includes(name)) centrals.push(name);
    } else if (count < 3) {
      centrals.push(name);
      count++;
    }
  }
  // A member the file removes (src/plan/plan-remove.ts) takes its central with it: LXD is pointed at the others first.
  const leaving = new Set(site.desired.remove.map((r) => r.name));
  centrals.push(...liveCentrals.filter((n) => !known.includes(n) && !leaving.has(n)));
  const addressOf = (name: string): string => {
    const member = live?.members.find((m) => m.name === name)?.address;
    return site.addresses.get(name) ?? member?.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') ?? name;
  };
  // Sorted, so the value does not depend on which member the file calls the initiator.
  return centrals.map((n) => `ssl:${hostPort(addressOf(n), OVN_NB_PORT)}`).sort().join(',');
}

/**
 * What cluster-wide server config waits for: every LXD member of this apply. LXD 5.0.2 shows a
 * global key set before a member joined as empty on that member.
 */
export function afterLxdMembers(site: Site): string[] {
  return [lxdClusterAddress(site.initiator), ...site.joiners.map(lxdMemberAddress)];
}

/** Whether the tool points LXD at MicroOVN itself when the file's lxd.config does not (LXD finding it itself wins). */
export const toolSetsNorthbound = (site: Site): boolean =>
  site.ovn && site.ovnNetwork && site.mode === 'bootstrap' && !hasExtension(site, 'ovn_dynamic_northbound_connection');

export function planNorthbound(site: Site, g: PlanGraph): void {
  // A value in the file's lxd.config wins (planLxdConfig).
  if (!toolSetsNorthbound(site) || NORTHBOUND_KEY in site.desired.lxd.config) return;
  const value = northboundConnection(site);
  const before = reachable(site.live, site.initiator)?.lxd?.config ?? {};
  const action = actionFor(before, [NORTHBOUND_KEY]);
  g.add({
    address: lxdGlobalConfigAddress(NORTHBOUND_KEY), kind: 'lxd-server-config', service: 'lxd', machine: site.initiator,
    action, changes: action === 'update' ? configChanges(before, { [NORTHBOUND_KEY]: value }) : [],
    reason: 'point LXD at the OVN northbound databases', inputs: { target: null, config: { [NORTHBOUND_KEY]: value } },
  }, [...afterLxdMembers(site), microovnClusterAddress(site.initiator), ...site.joiners.map(microovnMemberAddress)]);
}

