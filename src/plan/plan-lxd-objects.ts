// LXD's cluster-wide objects as MicroCloud makes them (service/lxd_config.go): pools `local`,
// `remote`, `remote-fs` and networks `UPLINK` + `default` or `lxdfan0`, each pending on every member
// then finalized; the default profile; per-member images/backups volumes and the keys that use them.
// Only a bootstrap file creates objects; a joiner receives existing ones through member_config.
import { actionFor, configChanges, deviceChanges } from './changes.js';
import type { PlanGraph } from './graph.js';
import { reachable, type LxdLive, type LxdNetwork } from '../live/state.js';
import { hasExtension } from './plan-lxd-cluster.js';
import { osdAddresses } from './plan-micro.js';
import { clusterLxd, type Site } from './topology.js';
import { lxdClusterAddress } from './steps/lxd-bootstrap.js';
import { lxdMemberAddress } from './steps/lxd-join.js';
import { lxdNetworkAddress, recreatable } from './steps/lxd-network.js';
import { lxdPendingNetworkAddress } from './steps/lxd-network-pending.js';
import { lxdPoolAddress } from './steps/lxd-pool.js';
import { lxdPendingPoolAddress } from './steps/lxd-pool-pending.js';
import { lxdProfileAddress } from './steps/lxd-profile.js';
import { lxdGlobalConfigAddress, lxdStorageConfigAddress, OWNED_VALUE, ownedKeys, ownedMark } from './steps/lxd-server-config.js';
import { lxdVolumeAddress } from './steps/lxd-volume.js';
import { microcephClusterAddress } from './steps/microceph-bootstrap.js';
import { microcephMemberAddress } from './steps/microceph-join.js';
import { MICROCEPH_REPLICATION_ADDRESS } from './steps/microceph-replication.js';
import { microovnClusterAddress } from './steps/microovn-bootstrap.js';
import { microovnMemberAddress } from './steps/microovn-join.js';

type PoolName = 'local' | 'remote' | 'remote-fs';

const RBD_FEATURES = 'layering,striping,exclusive-lock,object-map,fast-diff,deep-flatten';
/**
 * The UPLINK keys the file's `ovn` section decides: drift in one the file gives is corrected, and
 * one it no longer gives is unset if the tool set it (its ownership record on UPLINK, ownedMark).
 */
export const UPLINK_OWNED = ['ipv4.gateway', 'ipv4.ovn.ranges', 'ipv6.gateway', 'dns.nameservers'] as const;

interface PoolIntent {
  name: PoolName;
  driver: string;
  description: string;
  config: Record<string, string>;
  member: (name: string) => Record<string, string>;
  after: string[];
}

function poolIntents(site: Site): PoolIntent[] {
  const drop = hasExtension(site, 'storage_remote_drop_source');
  const cephReady = [microcephClusterAddress(site.initiator), ...site.joiners.map(microcephMemberAddress), ...osdAddresses(site), MICROCEPH_REPLICATION_ADDRESS];
  const out: PoolIntent[] = [];
  if (site.pools.local) {
    out.push({
      name: 'local', driver: 'zfs', description: 'Local storage on ZFS', config: {}, after: [],
      member: (name) => {
        const disk = site.disks.disks.find((d) => d.use === 'local' && d.machine === name);
        return disk ? { source: disk.path, ...(disk.wipe ? { 'source.wipe': 'true' } : {}) } : {};
      },
    });
  }
  if (site.pools.remote) {
    out.push({
      name: 'remote', driver: 'ceph', description: 'Distributed storage on Ceph', after: cephReady,
      config: { 'ceph.rbd.du': 'false', 'ceph.osd.pool_name': 'lxd_remote', ...(hasExtension(site, 'storage_ceph_use_rbd_defaults') ? {} : { 'ceph.rbd.features': RBD_FEATURES }) },
      member: (): Record<string, string> => (drop ? {} : { source: 'lxd_remote' }),
    });
  }
  if (site.pools.remoteFs) {
    out.push({
      name: 'remote-fs', driver: 'cephfs', description: 'Distributed file-system storage using CephFS', after: [...cephReady, lxdPoolAddress('remote')],
      config: { 'cephfs.create_missing': 'true', 'cephfs.meta_pool': 'lxd_cephfs_meta', 'cephfs.data_pool': 'lxd_cephfs_data', 'cephfs.path': 'lxd_cephfs' },
      member: (): Record<string, string> => (drop ? {} : { source: 'lxd_cephfs' }),
    });
  }
  return out;
}

interface NetworkIntent {
  name: string;
  type: string;
  description: string;
  config: Record<string, string>;
  /** The keys of `config` the file decides (UPLINK_OWNED or none): set with their ownership record. */
  owned: string[];
  /** Per-member config for pending rows; null for OVN networks, which LXD spreads itself. */
  member: ((name: string) => Record<string, string>) | null;
  after: string[];
}

function uplinkConfig(site: Site): Record<string, string> {
  const o = site.desired.ovn;
  const entries: [string, string | null][] = [
    ['ipv4.gateway', o.ipv4Gateway], ['ipv4.ovn.ranges', o.ipv4Range], ['ipv6.gateway', o.ipv6Gateway],
    ['dns.nameservers', o.dnsServers.length > 0 ? o.dnsServers.join(',') : null],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null));
}

function networkIntents(site: Site): NetworkIntent[] {
  const out: NetworkIntent[] = [];
  if (site.ovnNetwork) {
    // Without an ovn section the file says nothing about UPLINK's keys: leave them as they are.
    const config = site.desired.ovn.enabled ? uplinkConfig(site) : {};
    out.push({
      name: 'UPLINK', type: 'physical', description: 'Uplink for OVN networks', config, owned: Object.keys(config),
      member: (name) => ({ parent: site.uplinks.get(name) ?? '' }), after: [],
    });
    out.push({
      name: 'default', type: 'ovn', description: 'Default OVN network', config: { network: 'UPLINK' }, owned: [], member: null,
      after: [lxdNetworkAddress('UPLINK'), lxdGlobalConfigAddress('network.ovn.northbound_connection'), microovnClusterAddress(site.initiator),
        ...site.joiners.map(microovnMemberAddress), ...site.joiners.map(lxdMemberAddress)],
    });
  }
  if (site.fan) {
    out.push({
      name: 'lxdfan0', type: 'bridge', description: 'Default Ubuntu fan powered bridge', owned: [],
      config: { 'bridge.mode': 'fan', 'fan.underlay_subnet': site.fan.underlaySubnet }, member: () => ({}), after: [],
    });
  }
  return out;
}

/**
 * What a network step sets and owns. Created: the file's keys whose value differs, and the keys the
 * tool set that the file no longer gives (to unset), each with its record; nothing for a key already
 * at the file's value, so a site that matches the file plans nothing. Without an `ovn` section the file
 * says nothing about UPLINK's keys, and they are left as they are. Not created: all of the file's keys.
 */
function networkChange(site: Site, n: NetworkIntent, live: LxdNetwork | undefined): { config: Record<string, string>; owned: string[]; keys: string[] } {
  const marked = (keys: string[]) => Object.fromEntries(keys.map((k) => [ownedMark(k), OWNED_VALUE]));
  if (live?.status !== 'Created') return { config: { ...n.config, ...marked(n.owned) }, owned: [...n.owned, ...n.owned.map(ownedMark)], keys: n.owned };
  const differ = n.owned.filter((k) => live.config[k] !== n.config[k]);
  const speaks = n.name === 'UPLINK' && site.desired.ovn.enabled;
  const dropped = speaks ? ownedKeys(live.config).filter((k) => (UPLINK_OWNED as readonly string[]).includes(k) && !(k in n.config) && live.config[k] !== undefined) : [];
  const keys = [...differ, ...dropped];
  const config = Object.fromEntries(differ.map((k) => [k, n.config[k]!]));
  return { config: { ...config, ...marked(differ) }, owned: [...keys, ...keys.map(ownedMark)], keys };
}

const memberAfter = (site: Site, name: string): string[] =>
  [lxdClusterAddress(site.initiator), ...(name === site.initiator ? [] : [lxdMemberAddress(name)])];

/** Pending rows, then finalize, for every pool and network that is not created yet; UPLINK drift. */
export function planLxdObjects(site: Site, g: PlanGraph): void {
  const lxd = clusterLxd(site) ?? reachable(site.live, site.initiator)?.lxd ?? null;
  if (site.mode !== 'bootstrap' || !lxd) return;
  const pools = poolIntents(site).filter((p) => lxd.pools.find((x) => x.name === p.name)?.status !== 'Created');
  const networks = networkIntents(site);
  const fresh = networks.filter((n) => lxd.networks.find((x) => x.name === n.name)?.status !== 'Created');
  for (const p of pools) {
    for (const name of site.systems) {
      const config = p.member(name);
      g.add({
        address: lxdPendingPoolAddress(p.name, name), kind: 'lxd-pool-pending', service: 'lxd', machine: name,
        reason: `define storage pool ${p.name} on ${name}${config['source'] ? ` (source ${config['source']})` : ''}`,
        inputs: { pool: p.name, target: name, driver: p.driver, config },
      }, memberAfter(site, name));
    }
  }
  for (const n of fresh.filter((x) => x.member !== null)) {
    for (const name of site.systems) {
      const config = n.member!(name);
      g.add({
        address: lxdPendingNetworkAddress(n.name, name), kind: 'lxd-network-pending', service: 'lxd', machine: name,
        reason: `define network ${n.name} on ${name}${config['parent'] ? ` (parent ${config['parent']})` : ''}`,
        inputs: { network: n.name, target: name, type: n.type, config },
      }, memberAfter(site, name));
    }
  }
  for (const p of pools) {
    g.add({
      address: lxdPoolAddress(p.name), kind: 'lxd-pool', service: 'lxd', machine: site.initiator,
      reason: `create storage pool ${p.name} (${p.driver})`,
      inputs: { pool: p.name, driver: p.driver, description: p.description, config: p.config },
    }, [lxdClusterAddress(site.initiator), ...site.systems.map((n) => lxdPendingPoolAddress(p.name, n)), ...p.after]);
  }
  for (const n of networks) {
    const live = lxd.networks.find((x) => x.name === n.name);
    const created = live?.status === 'Created';
    const change = networkChange(site, n, live);
    if (created && change.owned.length === 0) continue;
    g.add({
      address: lxdNetworkAddress(n.name), kind: 'lxd-network', service: 'lxd', machine: site.initiator,
      action: created ? 'update' : 'create', changes: created ? configChanges(live.config, change.config, change.keys) : [],
      reason: created ? `update network ${n.name}` : recreatable(live, n.type)
        ? `re-create network ${n.name} (${n.type}): an earlier attempt left it Errored, and LXD only accepts deleting it`
        : `create network ${n.name} (${n.type})`,
      inputs: { network: n.name, type: n.type, description: n.description, config: change.config, owned: change.owned },
    }, [lxdClusterAddress(site.initiator), ...(n.member ? site.systems.map((m) => lxdPendingNetworkAddress(n.name, m)) : []), ...n.after]);
  }
}

/** root → remote if Ceph else local; eth0 → the OVN network, else the Fan bridge (MicroCloud's choice). */
export function profileDevices(site: Site): Record<string, Record<string, string>> {
  const devices: Record<string, Record<string, string>> = {};
  const pool = site.pools.remote ? 'remote' : site.pools.local ? 'local' : null;
  if (pool) devices['root'] = { type: 'disk', path: '/', pool };
  const network = site.ovnNetwork ? 'default' : site.fan ? 'lxdfan0' : null;
  if (network) devices['eth0'] = { type: 'nic', name: 'eth0', network };
  return devices;
}

export function planProfile(site: Site, g: PlanGraph): void {
  const lxd = reachable(site.live, site.initiator)?.lxd;
  const devices = profileDevices(site);
  if (site.mode !== 'bootstrap' || !lxd || Object.keys(devices).length === 0) return;
  const before = lxd.defaultProfile.devices;
  const action = actionFor(before, Object.keys(devices));
  const finals = [...poolIntents(site).map((p) => lxdPoolAddress(p.name)), ...networkIntents(site).map((n) => lxdNetworkAddress(n.name))];
  g.add({
    address: lxdProfileAddress('default'), kind: 'lxd-profile', service: 'lxd', machine: site.initiator,
    action, changes: action === 'update' ? deviceChanges(before, devices) : [],
    reason: `default profile: ${Object.entries(devices).map(([k, d]) => `${k} → ${d['pool'] ? `pool ${d['pool']}` : `network ${d['network']}`}`).join(', ')}`,
    inputs: { profile: 'default', devices },
  }, [lxdClusterAddress(site.initiator), ...finals]);
}

const STORAGE_KEYS = { 'storage.images_volume': 'local/images', 'storage.backups_volume': 'local/backups' };

/** Per member with a local pool: images and backups volumes on it, then the keys that use them. */
export function planVolumes(site: Site, g: PlanGraph): void {
  if (!site.pools.local) return;
  for (const name of site.systems) {
    const lxd: LxdLive | null = reachable(site.live, name)?.lxd ?? null;
    const after = [...memberAfter(site, name), lxdPoolAddress('local')];
    for (const volume of ['images', 'backups']) {
      g.add({
        address: lxdVolumeAddress('local', volume, name), kind: 'lxd-volume', service: 'lxd', machine: name,
        reason: `create volume local/${volume} on ${name}`, inputs: { pool: 'local', volume, target: name },
      }, after);
    }
    const before = lxd?.config ?? {};
    const action = actionFor(before, Object.keys(STORAGE_KEYS));
    g.add({
      address: lxdStorageConfigAddress(name), kind: 'lxd-server-config', service: 'lxd', machine: name,
      action, changes: action === 'update' ? configChanges(before, STORAGE_KEYS) : [],
      reason: `keep images and backups of ${name} on local/images and local/backups`,
      inputs: { target: name, config: { ...STORAGE_KEYS } },
    }, [...after, lxdVolumeAddress('local', 'images', name), lxdVolumeAddress('local', 'backups', name)]);
  }
}
