// A fresh, narrow read of the site for one step: the daemons the step's `satisfied` looks at, on the
// machines it looks at, and of each daemon only the parts that kind's `satisfied` reads (READS_BY_KIND),
// read by the same readers gather uses (src/services, asked for parts), so the answer apply gets is
// the one the planner would get from a full gather at that moment, in the fields that decide.
import { readCephHealth, readNoout } from '../../services/ceph-cli.js';
import { readSnapd } from '../../services/snapd.js';
import { liveFromViews, type SiteSnaps, type HostFacts, type LiveState, type ReachableMachine, type ServiceName } from '../../live/state.js';
import type { StepKind } from '../../plan/index.js';
import { ALL_LXD_PARTS, readLxd, type LxdPart } from '../../services/lxd.js';
import { ALL_CEPH_PARTS, readMicroCeph, type CephPart } from '../../services/microceph.js';
import { ALL_OVN_PARTS, readMicroOvn, type OvnPart } from '../../services/microovn.js';
import { ALL_CLOUD_PARTS, microCloudLive, readMicroCloud, type CloudPart } from '../../services/microcloud.js';
import { hostOf, type Hosts } from './common.js';

/** Which parts of each daemon to read. */
export interface LiveParts {
  lxd?: readonly LxdPart[];
  microceph?: readonly CephPart[];
  microovn?: readonly OvnPart[];
  microcloud?: readonly CloudPart[];
}

/** One machine (by its key in the plan) and the daemons to read there. */
export interface LiveRead {
  machine: string;
  services: readonly ServiceName[];
  /** Only these parts of the daemons (default: READS_BY_KIND of the step's kind, else everything). */
  parts?: LiveParts;
  /** The snaps' side: snapd's list (host.snaps), Ceph's health and noout (LiveState.snaps) from this machine. */
  snaps?: readonly SnapSide[];
}

export type SnapSide = 'installed' | 'ceph-health' | 'noout';

/**
 * What each kind's `satisfied` (src/plan/steps/<kind>.ts) reads, as reader parts. `server` is LXD's
 * GET /1.0 (clustered, name, config) or a microcluster daemon's GET /core/1.0 (initialized);
 * `members` of a microcluster daemon is GET /core/1.0/cluster, whose 503 also says "not initialized".
 * A step's extras (lxd-server-config's northbound value, from MicroOVN's members and services) are
 * here too. Keep in step with the predicates: tests/services/narrow-reads.test.ts compares the
 * narrow read's verdict with a full read's for every step of a built site.
 */
export const READS_BY_KIND: { [K in StepKind]: LiveParts } = {
  'microceph-bootstrap': { microceph: ['server'] },
  'microceph-join': { microceph: ['members'] },
  'microceph-disk': { microceph: ['server', 'disks'], lxd: ['disks'] },
  'microceph-replication': { microceph: ['server', 'pools', 'config'] },
  'microceph-config': { microceph: ['server', 'config'] },
  'microovn-bootstrap': { microovn: ['server'] },
  'microovn-join': { microovn: ['members'] },
  'microcloud-bootstrap': { microcloud: ['members'] },
  'microcloud-join': { microcloud: ['members'] },
  'lxd-server-config': { lxd: ['server'], microovn: ['members', 'services'] },
  'lxd-bootstrap': { lxd: ['server'] },
  'lxd-join': { lxd: ['server', 'members'] },
  'lxd-pool-pending': { lxd: ['server', 'pools'] },
  'lxd-pool': { lxd: ['server', 'pools'] },
  'lxd-network-pending': { lxd: ['server', 'networks'] },
  'lxd-network': { lxd: ['server', 'networks'] },
  'lxd-profile': { lxd: ['profile'] },
  'lxd-volume': { lxd: ['server', 'volumes'] },
  'microceph-disk-remove': { microceph: ['server', 'disks'] },
  'lxd-volume-remove': { lxd: ['server', 'volumes'] },
  'lxd-member-evacuate': { lxd: ['server', 'members'] },
  'lxd-member-remove': { lxd: ['server', 'members'] },
  'microovn-member-remove': { microovn: ['members'] },
  'microceph-member-remove': { microceph: ['members'] },
  'microcloud-member-remove': { microcloud: ['members'] },
  // The snap kinds read snapd and Ceph's CLI (LiveRead.snaps); a gate the members of its service.
  'snap': {},
  'gate': { lxd: ['members'], microovn: ['members'], microcloud: ['members'], microceph: ['members'] },
  'microceph-noout': {},
};

const ALL: Required<LiveParts> = { lxd: ALL_LXD_PARTS, microceph: ALL_CEPH_PARTS, microovn: ALL_OVN_PARTS, microcloud: ALL_CLOUD_PARTS };

/** Host facts are not read for a step; only the snap kinds look at them, at host.snaps (LiveRead.snaps). */
const noHostFacts = (): HostFacts => ({ hostname: '', interfaces: [], defaultRoute: null, snaps: [] });

/**
 * The LiveState of the machines and daemons in `reads` (repeated machines are read once, with the
 * union of their parts). It is a view, not a gather: a daemon that was not asked for shows as null,
 * like one that is not installed, the parts not asked for are empty, and host facts are empty.
 * `kind` narrows the reads that name no parts to what that kind's `satisfied` reads. A machine
 * without a connection is an error, as any request to it would be.
 */
export async function readLive(hosts: Hosts, reads: readonly LiveRead[], kind?: StepKind): Promise<LiveState> {
  const byKind = kind ? READS_BY_KIND[kind] : undefined;
  const wanted = new Map<string, Map<ServiceName, Set<string>>>();
  const sides = new Map<string, Set<SnapSide>>();
  for (const r of reads) {
    const side = sides.get(r.machine) ?? new Set<SnapSide>();
    for (const x of r.snaps ?? []) side.add(x);
    sides.set(r.machine, side);
    const services = wanted.get(r.machine) ?? new Map<ServiceName, Set<string>>();
    for (const s of r.services) {
      const parts = services.get(s) ?? new Set<string>();
      for (const p of r.parts?.[s] ?? byKind?.[s] ?? ALL[s]) parts.add(p);
      services.set(s, parts);
    }
    wanted.set(r.machine, services);
  }
  // A Ceph health that cannot be read (its daemon restarting) is a closed gate, not an error.
  const site: SiteSnaps = { store: {}, noout: null };
  const machines = await Promise.all([...wanted].map(async ([name, services]): Promise<[string, ReachableMachine]> => {
    const host = hostOf(hosts, name);
    const parts = <P extends string>(s: ServiceName): P[] => [...(services.get(s) ?? [])] as P[];
    const [lxd, microceph, microovn, cloud] = await Promise.all([
      services.has('lxd') ? readLxd(host, { parts: parts<LxdPart>('lxd') }) : null,
      services.has('microceph') ? readMicroCeph(host, { parts: parts<CephPart>('microceph') }) : null,
      services.has('microovn') ? readMicroOvn(host, { parts: parts<OvnPart>('microovn') }) : null,
      services.has('microcloud') ? readMicroCloud(host, { parts: parts<CloudPart>('microcloud') }) : null,
    ]);
    const side = sides.get(name) ?? new Set<SnapSide>();
    const host_ = side.has('installed') ? { ...noHostFacts(), snaps: (await readSnapd(host))?.snaps ?? [] } : noHostFacts();
    if (side.has('ceph-health')) site.cephHealth = await readCephHealth(host).then(({ status, checks }) => ({ status, checks }), () => null);
    if (side.has('noout')) site.noout = await readNoout(host).then(({ set, ours }) => ({ set, ours }));
    return [name, { reachable: true, host: host_, lxd: lxd?.lxd ?? null, microceph, microovn, microcloud: cloud && microCloudLive(cloud) }];
  }));
  const live = liveFromViews(Object.fromEntries(machines));
  return site.cephHealth !== undefined || site.noout !== null ? { ...live, snaps: site } : live;
}
