// Preflight: what must hold on the machines before any step may run (issue 4, reference §3):
// reachable, hostname = name, LXD everywhere, MicroCeph/MicroOVN as on the initiator and at the
// initiator's versions, addresses, uplinks, underlay and Ceph networks present, named disks usable;
// the file's snaps as snaps-preflight.ts checks them. Every check but those reads the site as the
// snaps will leave it (snaps-view.ts).
// Conflicts with existing clusters, and changes a built site cannot take, are in conflicts.ts.
import type { DesiredState } from '../preseed/desired.js';
import { cidrContains, parseCidr, parseIp } from '../preseed/net.js';
import { clusterConflicts } from './conflicts.js';
import { findDisk, isPartitioned } from './disk-paths.js';
import { resolveDisks } from './disks.js';
import { errorAt, finding, type PlanFinding } from './findings.js';
import { reachable, SERVICE_LABEL, type LiveState, type ReachableMachine, type ServiceName } from '../live/state.js';
import { visible } from '../preseed/text.js';
import { lxdWaitingNotice, snapFindings, unknownDisks } from './snaps-preflight.js';
import { lxdWaiting, withPlannedSnaps } from './snaps-view.js';
import { buildSite, globalAddresses, interfaceAddress, usesService, type Site } from './topology.js';

/** Preflight of a file against a site, disk resolution findings included. */
export function preflight(desired: DesiredState, live: LiveState): PlanFinding[] {
  return assess(desired, live).findings;
}

/** The site as the planner sees it, and every finding about it. */
export function assess(desired: DesiredState, live: LiveState): { site: Site; findings: PlanFinding[] } {
  // The rest of the site is planned as the file's snaps will leave it (installed, refreshed).
  const view = withPlannedSnaps(desired, live);
  const { resolution, findings: diskFindings } = resolveDisks(desired, view);
  const site = buildSite(desired, view, resolution);
  const reach = reachability(site);
  // Without every machine's facts the other checks, and the disk counts, would only guess.
  if (reach.some((f) => f.severity === 'error')) return { site, findings: reach };
  // An LXD refresh walk stopped part-way: only the snaps are checked (and planned, diff.ts).
  const waiting = lxdWaiting(desired, live);
  if (waiting.length > 0) return { site, findings: [...snapFindings(site, live), ...waiting.map(lxdWaitingNotice)] };
  return {
    site,
    findings: [
      ...hosts(site),
      ...services(site),
      ...minimumVersions(site),
      ...microcloudNames(site),
      ...snapFindings(site, live),
      ...unknownDisks(site),
      ...cephQuorum(site),
      ...addresses(site),
      ...uplinks(site),
      ...networks(site),
      ...disks(site),
      ...clusterConflicts(site),
      ...diskFindings,
    ],
  };
}

function reachability(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  const names = site.systems.includes(site.initiator) ? site.systems : [site.initiator, ...site.systems];
  for (const name of names) {
    const m = site.live.machines[name];
    if (!m) out.push(errorAt('not-gathered', name, `nothing is known about ${name}: it was not gathered`));
    else if (!m.reachable) out.push(errorAt('unreachable', name, `${name} is unreachable: ${m.reason}`, 'check the SSH settings for this system, and that the machine is up'));
  }
  return out;
}

function machines(site: Site): [string, ReachableMachine][] {
  return site.systems.flatMap((n) => {
    const m = reachable(site.live, n);
    return m ? [[n, m] as [string, ReachableMachine]] : [];
  });
}

function hosts(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  for (const [name, m] of machines(site)) {
    if (m.host.hostname !== name) {
      out.push(errorAt('hostname', name, `the machine reached as ${name} has the hostname ${JSON.stringify(m.host.hostname)}`,
        `MicroCloud requires systems[].name to equal the hostname: rename the system to ${m.host.hostname} or set the hostname to ${name}`));
    }
    if (!m.lxd) out.push(errorAt('lxd-missing', name, `LXD is not installed on ${name}`, 'install it: snap install lxd'));
  }
  return out;
}

function services(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  const init = reachable(site.live, site.initiator);
  if (!init) return out;
  const d = site.desired;
  const wantsCeph = d.systems.some((s) => s.cephDisks.length > 0) || d.filters.ceph.length > 0;
  for (const svc of ['microceph', 'microovn'] as const) {
    if (usesService(site, svc)) continue;
    const label = SERVICE_LABEL[svc];
    const state = site.mode === 'bootstrap' ? 'installed' : 'set up';
    out.push(finding('notice', 'service-skipped', site.initiator, `${label} is not ${state} on the initiator ${site.initiator}: it is skipped`));
    if (svc === 'microceph' && wantsCeph) {
      out.push(errorAt('service-required', site.initiator, `the file asks for Ceph disks, but MicroCeph is not ${state} on the initiator ${site.initiator}`,
        'install it (snap install microceph) or remove the Ceph disks and filters'));
    }
    if (svc === 'microovn' && d.ovn.enabled) {
      out.push(errorAt('service-required', site.initiator, `the file sets up an OVN uplink, but MicroOVN is not ${state} on the initiator ${site.initiator}`,
        'install it (snap install microovn) or remove the ovn section and the uplink interfaces'));
    }
  }
  for (const svc of ['lxd', 'microceph', 'microovn', 'microcloud'] as const) {
    if (!usesService(site, svc)) continue;
    const want = init[svc]?.version;
    for (const [name, m] of machines(site)) {
      const own = m[svc];
      if (!own) {
        if (svc !== 'lxd') {
          out.push(errorAt('service-missing', name, `${SERVICE_LABEL[svc]} is set up on the initiator ${site.initiator} but not installed on ${name}`,
            `install it on ${name} (snap install ${svc}): joiners need at least the initiator's services`));
        }
        continue;
      }
      // A daemon without /core/1.0 has no version to compare: minimumVersions names it.
      const legacy = isLegacy(own) || isLegacy(init[svc]);
      if (want !== undefined && own.version !== want && name !== site.initiator && !legacy) {
        // MicroCeph's string is long (ceph-version: …; microceph-git: …): its Ceph version is shown
        // unless both have the same one (then the strings differ in the git part: shown whole).
        const [a, b] = [own.version, want].map((v) => (svc === 'microceph' ? parseServiceVersion(svc, v)?.shown ?? v : v));
        const [shownOwn, shownWant] = a === b ? [own.version, want] : [a, b];
        out.push(errorAt('version-mismatch', name, `${name} runs ${SERVICE_LABEL[svc]} ${shownOwn}, the initiator ${site.initiator} runs ${shownWant}`,
          'every machine needs the same version of each service: refresh the snaps to one channel and revision'));
      }
    }
  }
  return out;
}

/**
 * The oldest versions MicroCloud works with (canonical/microcloud service/version.go validateVersion,
 * compareVersion, cleanVersion at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): only major.minor
 * count, leading zeros dropped (24.03 = 24.3); MicroCeph's version is the first \d+.\d+.\d+ in its
 * string ("ceph-version: 19.2.0-0ubuntu…; microceph-git: v19.2.0+squid-…"). The channel is the
 * LTS track that meets the minimum.
 */
export const MINIMUM_VERSIONS = {
  lxd: { min: [5, 21], text: '5.21', channel: '5.21/stable' },
  microceph: { min: [19, 2], text: '19.2', channel: 'squid/stable' },
  microovn: { min: [24, 3], text: '24.03', channel: '24.03/stable' },
  // Not in version.go (MicroCloud does not check itself): the MicroCloud this tool forms a cluster
  // with, as read in canonical/microcloud 2.1.3 and f26e73c (microcluster /core/1.0, the trust
  // session, PUT /1.0/services).
  microcloud: { min: [2, 1], text: '2.1', channel: '2/stable' },
} as const;

/** The version's [major, minor] and how to show it, or null when it has no such form. */
export function parseServiceVersion(svc: ServiceName, raw: string): { major: number; minor: number; shown: string } | null {
  const m = svc === 'microceph' ? /(\d+)\.(\d+)\.\d+/.exec(raw) : /^v?(\d+)\.(\d+)/.exec(raw.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), shown: svc === 'microceph' ? m[0] : raw.trim() };
}

/**
 * A Ceph cluster whose monitors' members are mostly unreachable has no quorum: gather did not ask
 * its pools and config (they would block: canonical/microceph api/pool.go and api/configs.go at
 * 79f99b50a1abf05ca8abb463b0fcb3f749f13c89 run the ceph CLI), so nothing is planned on guesses.
 */
function cephQuorum(site: Site): PlanFinding[] {
  const lost = machines(site).find(([, m]) => m.microceph?.quorum === false);
  if (!lost) return [];
  const [name, m] = lost;
  const mons = m.microceph!.services.filter((s) => s.service === 'mon').map((s) => s.location);
  const down = m.microceph!.members.filter((x) => mons.includes(x.name) && x.status !== 'ONLINE').map((x) => x.name);
  return [errorAt('ceph-no-quorum', name, `Ceph has no monitor quorum: ${down.length} of ${mons.length} monitors are on members that do not answer (${down.join(', ')})`,
    'bring those machines back (or repair the monitors), then plan again; Ceph\'s pools and config cannot be read until then')];
}

/**
 * MicroCloud's daemon is named after its machine's hostname (cmd/microcloud/preseed.go: os.Hostname(),
 * canonical/microcloud f26e73c), and its join token must name it: a system named otherwise cannot
 * join MicroCloud's cluster under its name in the file.
 */
function microcloudNames(site: Site): PlanFinding[] {
  if (!site.microcloud) return [];
  return machines(site).filter(([name, m]) => m.microcloud && !m.microcloud.initialized && m.host.hostname !== name).map(([name, m]) =>
    errorAt('microcloud-name', name, `${name}'s hostname is ${JSON.stringify(visible(m.host.hostname))}: MicroCloud names each member after its hostname, so the system must be named ${JSON.stringify(visible(m.host.hostname))} in the file`,
      `rename the system to its hostname (or set the machine's hostname to ${name}) before MicroCloud's cluster is formed`));
}

const isLegacy = (d: object | null | undefined): boolean => (d as { legacyApi?: true } | null | undefined)?.legacyApi === true;

function minimumVersions(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  for (const [name, m] of machines(site)) {
    for (const svc of ['lxd', 'microceph', 'microovn', 'microcloud'] as const) {
      const own = m[svc];
      if (!own) continue;
      const legacy = isLegacy(own);
      if (!usesService(site, svc) && !legacy) continue;
      const snap = m.host.snaps.find((s) => s.name === svc);
      // Debian's LXD is a deb, not a snap (found at /var/lib/lxd/unix.socket, src/remote/host.ts
      // SOCKET_CANDIDATES; absent from `snap list`): its 5.0 is the one LXD tested for real
      // (tests/real), so it stays supported below MicroCloud's 5.21.
      if (svc === 'lxd' && !snap) continue;
      // A daemon without /core/1.0 (MicroCeph reef) tells no version there: the snap's is shown.
      const raw = legacy ? snap?.version ?? '' : own.version;
      const label = SERVICE_LABEL[svc];
      const { min, text, channel } = MINIMUM_VERSIONS[svc];
      const hint = `refresh it: snap refresh ${svc} --channel ${channel}`;
      const v = parseServiceVersion(svc, raw);
      if (!v) {
        out.push(errorAt('version-unsupported', name, legacy
          ? `${name}: ${label} serves an API older than MicroCloud supports (no /core/1.0); ${hint}`
          : `${name}: ${label} version format not supported (${raw})`, hint));
        continue;
      }
      if (legacy || v.major < min[0] || (v.major === min[0] && v.minor < min[1])) {
        out.push(errorAt('version-unsupported', name, `${name}: ${label} ${v.shown} is older than ${text}, the oldest MicroCloud supports; ${hint}`, hint));
      }
    }
  }
  return out;
}

function addresses(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  for (const [name, m] of machines(site)) {
    const s = site.desired.systems.find((x) => x.name === name)!;
    if (s.address && !interfaceAddress(m, s.address)) {
      out.push(errorAt('address-missing', name, `${name} has no interface with its address ${s.address}`, 'the address must be a static IP on one of its interfaces'));
    } else if (!site.addresses.get(name)) {
      out.push(errorAt('address-missing', name, `${name} has no address in the lookup subnet ${site.desired.lookupSubnet ?? ''}`,
        'MicroCloud listens on the first address of the machine inside lookup_subnet'));
    }
    if (s.underlayIp && !interfaceAddress(m, s.underlayIp)) {
      out.push(errorAt('underlay-missing', name, `${name} has no interface with its OVN underlay address ${s.underlayIp}`,
        'ovn_underlay_ip must be an address on one of its interfaces'));
    }
  }
  return out;
}

function uplinks(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  if (!site.ovnNetwork) return out;
  for (const [name, m] of machines(site)) {
    const uplink = site.uplinks.get(name) ?? null;
    if (uplink === null) {
      out.push(errorAt('uplink-none', name, `${name} needs an OVN uplink interface and none is named or eligible`,
        'set systems[].ovn_uplink_interface to an interface that is up and has no IP (or is a bridge)'));
      continue;
    }
    const iface = m.host.interfaces.find((i) => i.name === uplink);
    if (!iface) {
      out.push(errorAt('uplink-missing', name, `${name} has no interface ${uplink} (its OVN uplink)`,
        `interfaces there: ${m.host.interfaces.map((i) => i.name).join(', ')}`));
    } else if (iface.state !== 'up') {
      out.push(errorAt('uplink-down', name, `the OVN uplink ${uplink} on ${name} is down`, `bring it up: ip link set ${uplink} up`));
    } else if (iface.kind !== 'bridge' && globalAddresses(iface).length > 0) {
      out.push(errorAt('uplink-has-ip', name, `the OVN uplink ${uplink} on ${name} has an IP address (${globalAddresses(iface).join(', ')})`,
        'OVN takes the whole interface: use one without an address, or a bridge'));
    }
  }
  return out;
}

function networks(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  if (!site.ceph || !site.pools.remote) return out;
  const subnets: [string, string | null][] = [['public', site.desired.ceph.publicNetwork], ['internal', site.desired.ceph.internalNetwork]];
  for (const [word, subnet] of subnets) {
    const net = subnet ? parseCidr(subnet) : null;
    if (!net) continue;
    for (const [name, m] of machines(site)) {
      const inside = m.host.interfaces.flatMap(globalAddresses).some((a) => {
        const ip = parseIp(a.split('/')[0] ?? '');
        return ip !== null && cidrContains(net, ip);
      });
      if (!inside) {
        out.push(errorAt('ceph-network-missing', name, `${name} has no address in the Ceph ${word} network ${subnet}`,
          'every machine needs an IP in the Ceph networks'));
      }
    }
  }
  return out;
}

function disks(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  for (const d of site.disks.disks) {
    if (d.inUse) continue;
    const disk = findDisk(reachable(site.live, d.machine)?.lxd?.disks ?? [], d.path);
    if (!disk) continue;
    const name = d.from.kind === 'explicit' ? d.from.given : d.path;
    // Even with wipe: true. LXD reports `mounted` per partition, so a disk whose partitions are in
    // use (a system disk) looks unmounted here: wiping partitioned disks is left to the operator.
    if (isPartitioned(disk)) {
      out.push(errorAt('disk-partitioned', d.machine, `disk ${name} on ${d.machine} has partitions`,
        'use a disk without partitions, or clear it first (wipefs -a); a partitioned disk is often one in use'));
    }
    if (disk.mounted) {
      out.push(errorAt('disk-mounted', d.machine, `disk ${name} on ${d.machine} is mounted`, 'unmount it and remove it from /etc/fstab, or pick another disk'));
    }
  }
  return out;
}
