// The facts preflight and the planner both derive from (DesiredState, LiveState): who anchors the
// cluster, which services and networks MicroCloud's rules turn on, each machine's MicroCloud
// address, its uplink, and which pools exist or will. One place, so the two never disagree.
import type { DesiredState } from '../preseed/desired.js';
import { canonicalIp, cidrContains, formatIp, parseCidr, parseIp } from '../preseed/net.js';
import type { DiskResolution } from './disks.js';
import { reachable, type HostInterface, type LiveState, type LxdLive, type ReachableMachine, type ServiceName } from '../live/state.js';

export interface Site {
  desired: DesiredState;
  live: LiveState;
  mode: 'bootstrap' | 'add';
  /** The machine that bootstraps, or (add) the existing member whose clusters the systems join. */
  initiator: string;
  /** Every system in the file, in file order. */
  systems: string[];
  /** The systems that join the initiator's clusters, in file order (the order joins run in). */
  joiners: string[];
  /** MicroCeph / MicroOVN are set up: installed on the initiator (bootstrap) or running there (add). */
  ceph: boolean;
  ovn: boolean;
  /**
   * MicroCloud's own cluster is formed (the `microcloud` snap's daemon): installed on the initiator
   * (bootstrap) or running there (add). Without the snap the site has no MicroCloud daemon to tell.
   */
  microcloud: boolean;
  /** UPLINK + the OVN `default` network: asked for by the file, or already there. */
  ovnNetwork: boolean;
  /** The Fan bridge `lxdfan0`, when there is no OVN network and the initiator has an IPv4 default route. */
  fan: { underlaySubnet: string } | null;
  /** Each machine's MicroCloud address (no port); null when it cannot be found. */
  addresses: Map<string, string | null>;
  /** The uplink interface of each system, when the OVN network is used. */
  uplinks: Map<string, string | null>;
  disks: DiskResolution;
  pools: { local: boolean; remote: boolean; remoteFs: boolean };
}

/** Whether the site uses the service: LXD always, the others as the initiator decided (Site's fields). */
export const usesService = (site: Pick<Site, 'ceph' | 'ovn' | 'microcloud'>, svc: ServiceName): boolean =>
  ({ lxd: true, microceph: site.ceph, microovn: site.ovn, microcloud: site.microcloud })[svc];

/** The LiveState key of the initiator: its name, or (unicast add files) its address. */
export function initiatorKey(desired: DesiredState): string {
  return desired.initiator.name ?? desired.initiator.address ?? '';
}

/** The initiator's LXD when it is clustered: the view every cluster-wide fact is read from. */
export function clusterLxd(site: Pick<Site, 'live' | 'initiator'>): LxdLive | null {
  const lxd = reachable(site.live, site.initiator)?.lxd;
  return lxd?.clustered ? lxd : null;
}

export const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

const ipOf = (cidr: string): string => cidr.split('/')[0] ?? '';

/** Addresses that identify a machine on a network: not loopback, not link-local. */
export function globalAddresses(iface: HostInterface): string[] {
  if (iface.kind === 'loopback') return [];
  return iface.addresses.filter((a) => {
    const ip = parseIp(ipOf(a));
    if (!ip) return false;
    if (ip.family === 4) return !cidrContains(parseCidr('127.0.0.0/8')!, ip) && !cidrContains(parseCidr('169.254.0.0/16')!, ip);
    return !cidrContains(parseCidr('fe80::/10')!, ip) && !cidrContains(parseCidr('::1/128')!, ip);
  });
}

/** The network of a CIDR with host bits ("10.0.0.11/24" → "10.0.0.0/24"). */
export function networkOf(cidr: string): string | null {
  const c = parseCidr(cidr);
  return c ? `${formatIp({ family: c.ip.family, value: c.network })}/${c.prefix}` : null;
}

/** Whether two values name one subnet ("10.0.0.0/24" and "10.0.0.5/24 " do). */
export function sameNetwork(a: string | null, b: string | null): boolean {
  const norm = (v: string | null) => (v === null ? null : networkOf(v.trim()) ?? v.trim());
  return norm(a) === norm(b);
}

/** The interface address (CIDR form) that carries this IP, if any. */
export function interfaceAddress(m: ReachableMachine, ip: string): { iface: HostInterface; cidr: string } | null {
  const want = canonicalIp(ip);
  for (const iface of m.host.interfaces) {
    for (const cidr of iface.addresses) if (canonicalIp(ipOf(cidr)) === want) return { iface, cidr };
  }
  return null;
}

/** The first global address inside the subnet: MicroCloud's listen address in multicast mode. */
export function firstAddressIn(m: ReachableMachine, subnet: string): string | null {
  const net = parseCidr(subnet);
  if (!net) return null;
  for (const iface of m.host.interfaces) {
    for (const cidr of globalAddresses(iface)) {
      const ip = parseIp(ipOf(cidr));
      if (ip && cidrContains(net, ip)) return ipOf(cidr);
    }
  }
  return null;
}

/** MicroCloud's uplink rule: up, and either a bridge or an interface without an address. */
export function uplinkEligible(iface: HostInterface): boolean {
  if (iface.kind === 'loopback' || iface.kind === 'other' || iface.state !== 'up') return false;
  return iface.kind === 'bridge' || globalAddresses(iface).length === 0;
}

function microcloudAddress(desired: DesiredState, live: LiveState, name: string): string | null {
  const m = reachable(live, name);
  const listed = desired.systems.find((s) => s.name === name);
  if (listed?.address) return listed.address;
  if (!listed && desired.initiator.address && name === initiatorKey(desired)) return desired.initiator.address;
  if (m && desired.lookupSubnet) {
    const found = firstAddressIn(m, desired.lookupSubnet);
    if (found) return found;
  }
  // An add file's initiator is already clustered: its cluster address says where it listens.
  const https = m?.lxd?.config['cluster.https_address'];
  return https ? https.replace(/^\[?([^\]]*?)\]?:\d+$/, '$1') : null;
}

/** The default-gateway subnet, forced to /16 unless it is /16 or /24 (MicroCloud's Fan underlay rule). */
export function fanUnderlay(m: ReachableMachine): string | null {
  const route = m.host.defaultRoute;
  if (!route) return null;
  const iface = m.host.interfaces.find((i) => i.name === route.dev);
  const gateway = parseIp(route.gateway);
  const v4 = (iface?.addresses ?? []).filter((a) => parseCidr(a)?.ip.family === 4);
  const onLink = v4.find((a) => gateway !== null && cidrContains(parseCidr(a)!, gateway)) ?? v4[0];
  if (!onLink) return null;
  const c = parseCidr(onLink)!;
  const prefix = c.prefix === 16 || c.prefix === 24 ? c.prefix : 16;
  return networkOf(`${ipOf(onLink)}/${prefix}`);
}

function uplinkOf(desired: DesiredState, m: ReachableMachine | undefined, name: string): string | null {
  const explicit = desired.systems.find((s) => s.name === name)?.uplinkInterface;
  if (explicit) return explicit;
  // Already chosen: keep it, whatever has changed on the host since.
  const row = m?.lxd?.networks.find((n) => n.name === 'UPLINK')?.member?.config['parent'];
  if (row) return row;
  // MicroCloud picks the alphabetically first eligible interface when only gateways are given; a
  // joiner of an existing OVN network must name its uplink.
  if (!desired.ovn.enabled) return null;
  const eligible = (m?.host.interfaces ?? []).filter(uplinkEligible).map((i) => i.name).sort();
  return eligible[0] ?? null;
}

export function buildSite(desired: DesiredState, live: LiveState, disks: DiskResolution): Site {
  const initiator = initiatorKey(desired);
  const systems = desired.systems.map((s) => s.name);
  const init = reachable(live, initiator);
  const lxd = clusterLxd({ live, initiator });
  const hasPool = (name: string) => lxd?.pools.some((p) => p.name === name) ?? false;
  const hasNetwork = (name: string) => lxd?.networks.some((n) => n.name === name) ?? false;
  const bootstrap = desired.mode === 'bootstrap';
  const ceph = bootstrap ? init?.microceph != null : init?.microceph?.initialized === true;
  const ovn = bootstrap ? init?.microovn != null : init?.microovn?.initialized === true;
  const microcloud = bootstrap ? init?.microcloud != null : init?.microcloud?.initialized === true;
  const ovnNetwork = (bootstrap && desired.ovn.enabled && ovn) || (hasNetwork('UPLINK') && hasNetwork('default'));
  let fan: Site['fan'] = null;
  const liveFan = lxd?.networks.find((n) => n.name === 'lxdfan0' && n.config['fan.underlay_subnet']);
  if (liveFan) fan = { underlaySubnet: liveFan.config['fan.underlay_subnet']! };
  else if (bootstrap && !ovnNetwork && !desired.ovn.enabled && init) {
    const subnet = fanUnderlay(init);
    if (subnet) fan = { underlaySubnet: subnet };
  }
  const addresses = new Map<string, string | null>();
  for (const name of [initiator, ...systems]) addresses.set(name, microcloudAddress(desired, live, name));
  const uplinks = new Map<string, string | null>();
  if (ovnNetwork || desired.ovn.enabled) {
    for (const name of systems) uplinks.set(name, uplinkOf(desired, reachable(live, name), name));
  }
  const cephDisks = disks.disks.some((d) => d.use === 'ceph');
  const everyLocal = systems.length > 0 && systems.every((n) => disks.disks.some((d) => d.use === 'local' && d.machine === n));
  return {
    desired,
    live,
    mode: desired.mode,
    initiator,
    systems,
    joiners: systems.filter((n) => n !== initiator),
    ceph,
    ovn,
    microcloud,
    ovnNetwork,
    fan: ovnNetwork ? null : fan,
    addresses,
    uplinks,
    disks,
    pools: {
      local: (bootstrap && everyLocal) || hasPool('local'),
      remote: (bootstrap && ceph && cephDisks) || hasPool('remote'),
      remoteFs: (bootstrap && ceph && cephDisks && desired.ceph.cephfs) || hasPool('remote-fs'),
    },
  };
}

/** The MicroCloud subnet of a machine: Ceph's public and cluster network when the file names none. */
export function microcloudSubnet(site: Site, name: string): string | null {
  const m = reachable(site.live, name);
  const ip = site.addresses.get(name);
  if (!m || !ip) return null;
  const found = interfaceAddress(m, ip);
  return found ? networkOf(found.cidr) : null;
}
