// What the site already is that the file cannot have: machines in another cluster, an LXD someone
// initialized, objects of the wrong kind under names MicroCloud uses, and changes to what cannot
// change once built (the initiator, Ceph's public network, a member's local disk or uplink).
// Also the members the file does not list: reported, never touched.
import { samePath } from './disk-paths.js';
import { localPoolSource } from './disks.js';
import { errorAt, finding, type PlanFinding } from './findings.js';
import { reachable, SERVICE_LABEL, type ReachableMachine, type ServiceName } from '../live/state.js';
import type { UnmanagedMember } from './plan.js';
import { clusterLxd, sameNetwork, usesService, type Site } from './topology.js';

const SERVICES: readonly ServiceName[] = ['lxd', 'microceph', 'microovn', 'microcloud'];

function inCluster(m: ReachableMachine | undefined, svc: ServiceName): boolean {
  if (svc === 'lxd') return m?.lxd?.clustered === true;
  return m?.[svc]?.initialized === true;
}

function membersOf(m: ReachableMachine | undefined, svc: ServiceName): string[] {
  if (!inCluster(m, svc)) return [];
  return (svc === 'lxd' ? m!.lxd!.members : m![svc]!.members).map((x) => x.name);
}


const LEAVE_HINT: Record<ServiceName, string> = {
  lxd: 'remove it from that cluster, or reinstall LXD (snap remove --purge lxd; snap install lxd)',
  microceph: 'reinstall MicroCeph to leave that cluster (snap remove --purge microceph; snap install microceph)',
  microovn: 'reinstall MicroOVN to leave that cluster (snap remove --purge microovn; snap install microovn)',
  microcloud: 'remove it from that cluster (microcloud remove), or reinstall MicroCloud (snap remove --purge microcloud; snap install microcloud)',
};

function membership(site: Site, svc: ServiceName): PlanFinding[] {
  const out: PlanFinding[] = [];
  if (!usesService(site, svc)) return out;
  const label = SERVICE_LABEL[svc];
  const init = reachable(site.live, site.initiator);
  const initMembers = membersOf(init, svc);
  if (!inCluster(init, svc)) {
    if (site.mode === 'add') {
      out.push(errorAt('add-no-cluster', site.initiator, `${label} on the initiator ${site.initiator} is not part of a cluster, so there is nothing to add the systems to`,
        'list the initiator in systems to bootstrap, or name an existing member as the initiator'));
      return out;
    }
    const clustered = site.joiners.filter((n) => inCluster(reachable(site.live, n), svc));
    const formed = clustered.filter((n) => membersOf(reachable(site.live, n), svc).some((x) => x !== n && site.systems.includes(x)));
    if (formed.length > 0) {
      const members = membersOf(reachable(site.live, formed[0]!), svc);
      out.push(errorAt('initiator-changed', site.initiator,
        `the initiator cannot change after bootstrap: ${label} on ${site.initiator} is not clustered, but ${formed.join(', ')} already belong to an existing ${label} cluster (members: ${members.join(', ')})`,
        `name one of its members as the initiator (initiator: ${members[0]})`));
    }
    for (const n of clustered.filter((x) => !formed.includes(x))) {
      out.push(errorAt(`${svc}-other-cluster`, n, `${label} on ${n} is already part of another cluster (members: ${membersOf(reachable(site.live, n), svc).join(', ')})`, LEAVE_HINT[svc]));
    }
    return out;
  }
  for (const n of site.joiners) {
    const m = reachable(site.live, n);
    if (inCluster(m, svc) && !initMembers.includes(n)) {
      out.push(errorAt(`${svc}-other-cluster`, n, `${label} on ${n} is already part of another cluster (members: ${membersOf(m, svc).join(', ')})`, LEAVE_HINT[svc]));
    }
  }
  return out;
}

/** MicroCloud's "LXD is already initialized": a standalone LXD that has storage pools. */
function initializedLxd(site: Site): PlanFinding[] {
  return site.systems.flatMap((n) => {
    const lxd = reachable(site.live, n)?.lxd;
    if (!lxd || lxd.clustered || lxd.pools.length === 0) return [];
    return [errorAt('lxd-initialized', n, `LXD on ${n} is already initialized: it has storage pool(s) ${lxd.pools.map((p) => p.name).join(', ')} but is not part of this cluster`,
      'MicroCloud needs an LXD without storage pools (lxd init --auto creates one): delete them, or reinstall LXD')];
  });
}

const POOL_DRIVERS: Record<string, string> = { local: 'zfs', remote: 'ceph', 'remote-fs': 'cephfs' };

function objectKinds(site: Site): PlanFinding[] {
  const lxd = clusterLxd(site);
  if (!lxd) return [];
  const out: PlanFinding[] = [];
  for (const p of lxd.pools) {
    const want = POOL_DRIVERS[p.name];
    if (want && p.driver !== want) {
      out.push(errorAt('pool-conflict', site.initiator, `the cluster already has a storage pool ${p.name} with driver ${p.driver}; MicroCloud's ${p.name} pool is ${want}`,
        `rename or delete the existing pool ${p.name}`));
    }
  }
  const wanted: Record<string, string> = {};
  if (site.ovnNetwork) Object.assign(wanted, { UPLINK: 'physical', default: 'ovn' });
  if (site.fan) wanted['lxdfan0'] = 'bridge';
  for (const n of lxd.networks) {
    const want = wanted[n.name];
    if (want && n.type !== want) {
      out.push(errorAt('network-conflict', site.initiator, `the cluster already has a network ${n.name} of type ${n.type}; MicroCloud's ${n.name} is ${want}`,
        `rename or delete the existing network ${n.name}`));
    }
  }
  return out;
}

function immutables(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  const init = reachable(site.live, site.initiator);
  const pub = site.desired.ceph.publicNetwork;
  const live = init?.microceph?.initialized ? init.microceph.config['public_network'] ?? null : null;
  if (site.ceph && pub && live !== null && !sameNetwork(live, pub)) {
    out.push(errorAt('public-network-changed', site.initiator, `Ceph's public network is ${live}; the file asks for ${pub}, and it cannot change after bootstrap`,
      `set ceph.public_network back to ${live}`));
  }
  for (const d of site.disks.disks.filter((x) => x.use === 'local')) {
    const m = reachable(site.live, d.machine);
    const source = m ? localPoolSource(m) : null;
    if (m && source && !samePath(d.path, source, m.lxd?.disks ?? [])) {
      out.push(errorAt('local-disk-changed', d.machine, `the local pool on ${d.machine} uses ${source}; the file asks for ${d.path}, and a pool's disk cannot change`,
        `point the file back at ${source}`));
    }
  }
  for (const [name, uplink] of site.uplinks) {
    const parent = reachable(site.live, name)?.lxd?.networks.find((n) => n.name === 'UPLINK')?.member?.config['parent'];
    if (uplink && parent && parent !== uplink) {
      out.push(errorAt('uplink-changed', name, `UPLINK on ${name} uses ${parent}; the file asks for ${uplink}, and the tool does not move an uplink`,
        `set ovn_uplink_interface back to ${parent}`));
    }
  }
  return out;
}

/** A member joining a cluster that has a local pool brings its disk in member_config, or LXD makes a loop file. */
function growth(site: Site): PlanFinding[] {
  const lxd = clusterLxd(site);
  if (!lxd?.pools.some((p) => p.name === 'local' && p.status === 'Created')) return [];
  return site.joiners
    .filter((n) => !lxd.members.some((m) => m.name === n) && !site.disks.disks.some((d) => d.use === 'local' && d.machine === n))
    .map((n) => errorAt('member-needs-local-disk', n, `${n} joins a cluster with a local storage pool but has no local disk`,
      'set systems[].storage.local or a storage.local filter that matches one of its disks'));
}

export function unmanagedMembers(site: Site): UnmanagedMember[] {
  // An add file lists only the new machines: the members it does not list are expected.
  if (site.mode !== 'bootstrap') return [];
  const init = reachable(site.live, site.initiator);
  const byName = new Map<string, ServiceName[]>();
  for (const svc of SERVICES) {
    for (const name of membersOf(init, svc)) {
      // A member the file removes is planned (src/plan/plan-remove.ts), not left alone.
      if (site.systems.includes(name) || site.desired.remove.some((r) => r.name === name)) continue;
      byName.set(name, [...(byName.get(name) ?? []), svc]);
    }
  }
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([name, services]) => ({ name, services }));
}

function unmanaged(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  const lxd = clusterLxd(site);
  for (const u of unmanagedMembers(site)) {
    out.push(finding('warning', 'unmanaged', u.name, `${u.name} is a member of the ${u.services.map((s) => SERVICE_LABEL[s]).join(', ')} cluster(s) but not in the file: it is left alone`,
      'add it to systems to manage it'));
    if (!u.services.includes('lxd') || !lxd) continue;
    const created = (list: { name: string; status: string }[], name: string) => list.some((x) => x.name === name && x.status === 'Created');
    const pools = (['local', 'remote', 'remote-fs'] as const).filter((p) => site.pools[p === 'remote-fs' ? 'remoteFs' : p] && !created(lxd.pools, p));
    const networks = [...(site.ovnNetwork ? ['UPLINK'] : []), ...(site.fan ? ['lxdfan0'] : [])].filter((n) => !created(lxd.networks, n));
    for (const object of [...pools.map((p) => `storage pool ${p}`), ...networks.map((n) => `network ${n}`)]) {
      out.push(errorAt('unmanaged-blocks', u.name, `the ${object} cannot be created while ${u.name}, which the file does not list, is an LXD member: every member needs its own definition`,
        `add ${u.name} to systems, or remove it from the cluster`));
    }
  }
  return out;
}

function noNetwork(site: Site): PlanFinding[] {
  if (site.mode !== 'bootstrap' || site.ovnNetwork || site.fan) return [];
  return [finding('notice', 'no-network', site.initiator,
    `no OVN uplink and no IPv4 default route on ${site.initiator}: no network is created, and the default profile gets no eth0`)];
}

export function clusterConflicts(site: Site): PlanFinding[] {
  return [
    ...SERVICES.flatMap((svc) => membership(site, svc)),
    ...initializedLxd(site),
    ...objectKinds(site),
    ...immutables(site),
    ...growth(site),
    ...unmanaged(site),
    ...noNetwork(site),
  ];
}
