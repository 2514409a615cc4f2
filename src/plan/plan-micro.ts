// MicroCloud, MicroCeph and MicroOVN steps: bootstrap on the initiator, joins in file order, OSDs,
// replication and the Ceph cluster network.
import { configChanges } from './changes.js';
import type { PlanGraph } from './graph.js';
import { reachable } from '../live/state.js';
import { hostPort, interfaceAddress, microcloudSubnet, type Site } from './topology.js';
import { microcephClusterAddress } from './steps/microceph-bootstrap.js';
import { microcephConfigAddress } from './steps/microceph-config.js';
import { microcephDiskAddress } from './steps/microceph-disk.js';
import { microcephMemberAddress } from './steps/microceph-join.js';
import { MICROCEPH_REPLICATION_ADDRESS, poolsBelow } from './steps/microceph-replication.js';
import { microovnClusterAddress } from './steps/microovn-bootstrap.js';
import { microovnMemberAddress } from './steps/microovn-join.js';
import { microcloudClusterAddress } from './steps/microcloud-bootstrap.js';
import { microcloudMemberAddress } from './steps/microcloud-join.js';

export const MICROCEPH_PORT = 7443;
export const MICROOVN_PORT = 6443;
/** CloudPort (canonical/microcloud service/service_handler.go, f26e73c). */
export const MICROCLOUD_PORT = 9443;

const ip = (site: Site, name: string): string => site.addresses.get(name) ?? '';
const underlay = (site: Site, name: string): string | null => site.desired.systems.find((s) => s.name === name)?.underlayIp ?? null;

/** Addresses of the micro joins of one machine, for the steps that must wait for them. */
export function microJoinsOf(site: Site, name: string): string[] {
  if (name === site.initiator) return [];
  return [...(site.ceph ? [microcephMemberAddress(name)] : []), ...(site.ovn ? [microovnMemberAddress(name)] : [])];
}

export function planMicroBootstraps(site: Site, g: PlanGraph): void {
  if (site.mode !== 'bootstrap') return;
  const name = site.initiator;
  if (site.microcloud) {
    g.add({
      address: microcloudClusterAddress(name), kind: 'microcloud-bootstrap', service: 'microcloud', machine: name,
      reason: `bootstrap MicroCloud on ${name}, so that microcloud status, add and remove know the site`,
      inputs: { name, address: hostPort(ip(site, name), MICROCLOUD_PORT) },
    }, []);
  }
  if (site.ceph) {
    const subnet = microcloudSubnet(site, name);
    const publicNetwork = site.desired.ceph.publicNetwork ?? subnet;
    const clusterNetwork = site.desired.ceph.internalNetwork ?? subnet;
    g.add({
      address: microcephClusterAddress(name), kind: 'microceph-bootstrap', service: 'microceph', machine: name,
      reason: `bootstrap MicroCeph on ${name} (public network ${publicNetwork ?? 'default'}, cluster network ${clusterNetwork ?? 'default'})`,
      inputs: { name, address: hostPort(ip(site, name), MICROCEPH_PORT), publicNetwork, clusterNetwork },
    }, []);
  }
  if (site.ovn) {
    const encapIp = underlay(site, name);
    g.add({
      address: microovnClusterAddress(name), kind: 'microovn-bootstrap', service: 'microovn', machine: name,
      reason: `bootstrap MicroOVN on ${name}${encapIp ? ` (underlay ${encapIp})` : ''}`,
      inputs: { name, address: hostPort(ip(site, name), MICROOVN_PORT), encapIp },
    }, []);
  }
}

/** The interface holding a machine's MicroCloud address (preflight refuses an address no interface has). */
function interfaceOf(site: Site, name: string): string {
  const m = reachable(site.live, name);
  return (m && interfaceAddress(m, ip(site, name))?.iface.name) ?? '';
}

export function planMicroJoins(site: Site, g: PlanGraph): void {
  const cluster = site.initiator;
  if (site.microcloud) {
    const before = [microcloudClusterAddress(cluster)];
    for (const name of site.joiners) {
      const address = microcloudMemberAddress(name);
      g.add({
        address, kind: 'microcloud-join', service: 'microcloud', machine: name, reason: `join ${name} to MicroCloud (one machine at a time, as MicroCloud does)`,
        inputs: {
          name, address: hostPort(ip(site, name), MICROCLOUD_PORT), ip: ip(site, name), initiatorIp: ip(site, cluster), cluster,
          interfaces: { joiner: interfaceOf(site, name), initiator: interfaceOf(site, cluster) },
        },
      }, [...before]);
      before.push(address);
    }
  }
  if (site.ceph) {
    const before = [microcephClusterAddress(cluster)];
    for (const name of site.joiners) {
      const address = microcephMemberAddress(name);
      g.add({
        address, kind: 'microceph-join', service: 'microceph', machine: name, reason: `join ${name} to MicroCeph`,
        inputs: { name, address: hostPort(ip(site, name), MICROCEPH_PORT), cluster },
      }, [...before]);
      before.push(address);
    }
  }
  if (site.ovn) {
    const before = [microovnClusterAddress(cluster)];
    for (const name of site.joiners) {
      const address = microovnMemberAddress(name);
      const encapIp = underlay(site, name);
      g.add({
        address, kind: 'microovn-join', service: 'microovn', machine: name,
        reason: `join ${name} to MicroOVN${encapIp ? ` (underlay ${encapIp})` : ''}`,
        inputs: { name, address: hostPort(ip(site, name), MICROOVN_PORT), encapIp, cluster },
      }, [...before]);
      before.push(address);
    }
  }
}

export const osdAddresses = (site: Site): string[] =>
  site.disks.disks.filter((d) => d.use === 'ceph').map((d) => microcephDiskAddress(d.machine, d.path));

export function planOsds(site: Site, g: PlanGraph): void {
  if (!site.ceph) return;
  const bootstrap = microcephClusterAddress(site.initiator);
  // MicroCeph adds one disk at a time per member (a process-wide mutex in microceph/api/disks.go,
  // canonical/microceph 79f99b50a1abf05ca8abb463b0fcb3f749f13c89) and MicroCloud sends them one after
  // another (service/microceph.go, canonical/microcloud f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): so
  // a machine's OSDs follow each other in file order, each within its own deadline, while different
  // machines' run side by side.
  const earlier = new Map<string, string[]>();
  for (const d of site.disks.disks.filter((x) => x.use === 'ceph')) {
    const extras = [d.device, d.wipe ? 'wipe' : null, d.encrypt ? 'encrypt' : null].filter(Boolean).join(', ');
    const address = microcephDiskAddress(d.machine, d.path);
    const before = earlier.get(d.machine) ?? [];
    g.add({
      address, kind: 'microceph-disk', service: 'microceph', machine: d.machine,
      reason: `add OSD ${d.path}${extras ? ` (${extras})` : ''}`,
      inputs: { path: d.path, device: d.device, wipe: d.wipe, encrypt: d.encrypt },
    }, [bootstrap, d.machine === site.initiator ? null : microcephMemberAddress(d.machine), ...before]);
    earlier.set(d.machine, [...before, address]);
  }
  planReplication(site, g);
  planClusterNetwork(site, g);
}

function planReplication(site: Site, g: PlanGraph): void {
  const ceph = reachable(site.live, site.initiator)?.microceph;
  const live = ceph?.initialized ? ceph : null;
  // OSDs, not hosts: one host with 3 disks gives 3 (MicroCloud's main_init.go `setupCluster`,
  // canonical/microcloud f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741); no disks, no pools-op.
  const total = (live?.disks.length ?? 0) + site.disks.disks.filter((d) => d.use === 'ceph' && !d.inUse).length;
  const size = Math.min(total, 3);
  // A new cluster has only `.mgr`, at Ceph's default 3, which is no less than the size: with 3 there
  // is nothing to do; with 1 or 2 the pools LXD creates next must be born at that size.
  if (size === 0 || (live === null && size === 3)) return;
  const changes = poolsBelow(live?.pools ?? [], size).map((p) => ({ key: `${p.name} size`, before: String(p.size), after: String(size) }));
  g.add({
    address: MICROCEPH_REPLICATION_ADDRESS, kind: 'microceph-replication', service: 'microceph', machine: site.initiator,
    action: changes.length > 0 ? 'update' : 'create', changes,
    reason: changes.length > 0
      ? `raise the Ceph replication size to ${size} (${total} OSD${total === 1 ? '' : 's'})`
      : `set the Ceph default replication size to ${size} (${total} OSD${total === 1 ? '' : 's'})`,
    inputs: { size },
  }, [microcephClusterAddress(site.initiator), ...osdAddresses(site)]);
}

function planClusterNetwork(site: Site, g: PlanGraph): void {
  const ceph = reachable(site.live, site.initiator)?.microceph;
  if (site.mode !== 'bootstrap' || !ceph?.initialized) return;
  const value = site.desired.ceph.internalNetwork ?? microcloudSubnet(site, site.initiator);
  if (!value) return;
  g.add({
    address: microcephConfigAddress('cluster_network'), kind: 'microceph-config', service: 'microceph', machine: site.initiator,
    action: 'update', changes: configChanges(ceph.config, { cluster_network: value }),
    reason: `set Ceph's cluster network to ${value}`,
    inputs: { key: 'cluster_network', value },
  }, [...site.joiners.map(microcephMemberAddress), ...osdAddresses(site)]);
}
