// LiveState: what gather reads, as facts about the site rather than REST shapes, stored once each:
// what a machine itself answers (its host, LXD's server and disks, its own rows, whether a daemon is
// initialized) per machine, and what a cluster holds (members, pools, networks, the default profile,
// volumes, OSDs, services, Ceph's config) per cluster, from one member (src/site/gather.ts). So it
// grows with the site, not with its square. The planner reads a machine through `reachable`
// (src/live/view.ts), which joins the two into that machine's point of view. Gather and apply's
// narrow reads fill it; the planner, preflight and the test model only read it. Keep it JSON: it is
// hashed into the plan's live-state fingerprint.
import type { ResourcesDisk } from '../preseed/disk-filter.js';

export { LXD_MEMBER_KEYS } from '../preseed/lxd-config.js';

export interface LiveState {
  /**
   * Keyed by the system's name in the file. In add mode the initiator (not listed in `systems`)
   * is here too, keyed by `initiatorKey(desired)`.
   */
  machines: Record<string, MachineLive>;
  /** What each cluster holds, once per cluster; a machine's daemon names its cluster's key. */
  clusters: LiveClusters;
  /** What the file's `snaps:` needs beyond each machine's own snaps; read only when the file lists snaps. */
  snaps?: SiteSnaps;
}

/** The site's side of the snaps (src/site/gather.ts reads it once per site; apply's narrow reads for a gate). */
export interface SiteSnaps {
  /** Each listed snap's channel map in the store (GET /v2/find?name=), from one machine; null: the store has no such snap. */
  store: Record<string, StoreChannel[] | null>;
  /** Ceph's noout flag, and whether this tool set it (its config-key marker); null without an initialized MicroCeph. */
  noout: { set: boolean; ours: boolean } | null;
  /** `ceph health` as a gate reads it (status and the names of its checks); absent where it was not read (gather). */
  cephHealth?: { status: string; checks: string[] } | null;
}

/** A channel of the store's channel map: `track/risk` and what it holds now. */
export interface StoreChannel {
  channel: string;
  revision: string;
  version: string;
}

/** Keyed by the first machine (in the file's order) that is a member; a standalone LXD is a cluster of one. */
export interface LiveClusters {
  lxd: Record<string, LxdCluster>;
  microceph: Record<string, MicroCephCluster>;
  microovn: Record<string, MicroOvnCluster>;
  microcloud: Record<string, MicroCloudCluster>;
}

export type MachineLive = MachineRecord | UnreachableMachine;

/** A machine gather could not read; planning stops on it and the reason is shown as is. */
export interface UnreachableMachine {
  reachable: false;
  reason: string;
}

/** What a machine itself holds; its clusters' data is in `LiveState.clusters`. */
export interface MachineRecord {
  reachable: true;
  host: HostFacts;
  /** null: not installed (no snap, no daemon socket). */
  lxd: LxdMachine | null;
  microceph: MicroMachine | null;
  microovn: MicroMachine | null;
  /** The MicroCloud daemon (the `microcloud` snap): null where the snap is not installed. */
  microcloud: MicroMachine | null;
}

export interface HostFacts {
  hostname: string;
  interfaces: HostInterface[];
  /** The IPv4 default route (`/proc/net/route`); MicroCloud creates the Fan network only with one. */
  defaultRoute: { gateway: string; dev: string } | null;
  /** What snapd lists (GET /v2/snaps), bases and snapd included; empty without snapd. */
  snaps: InstalledSnap[];
  /** snapd (GET /v2/system-info); null: the machine has none (no /run/snapd.socket, e.g. Debian's
   *  real hosts). Absent where host facts were not read (apply's narrow reads). */
  snapd?: { version: string } | null;
  /** snapd's changes in progress (GET /v2/changes?select=in-progress): an auto-refresh among them. */
  snapChanges?: { id: string; kind: string; summary: string; snaps: string[] }[];
}

export interface HostInterface {
  name: string;
  kind: 'physical' | 'bridge' | 'bond' | 'vlan' | 'loopback' | 'other';
  state: 'up' | 'down';
  /** CIDR form ("10.0.0.11/24"), link-local addresses included as the kernel reports them. */
  addresses: string[];
}

export interface InstalledSnap {
  name: string;
  version: string;
  /** The store revision ("33110"; "x1" for a local one). */
  revision: string;
  /** snapd's tracking-channel in full ("5.21/stable"); "" when it tracks none. */
  channel: string;
  /** A hold on its refreshes is in force now (`snap refresh --hold`). */
  held: boolean;
  /** In a cohort (`--cohort="+"`), so refreshes give every member the same revision. */
  cohort: boolean;
}

/** LXD as this machine answers it (GET /1.0, its disks, its rows of the cluster's objects). */
export interface LxdMachine {
  /** `environment.server_version`: the string MicroCloud compares across machines. */
  version: string;
  apiExtensions: string[];
  /** `GET /1.0` config: the cluster's global keys plus this member's own (LXD_MEMBER_KEYS). */
  config: Record<string, string>;
  clustered: boolean;
  /** The member name when clustered, else the hostname. */
  serverName: string;
  /** `GET /1.0/resources` storage.disks of this machine, in LXD's order (filters take the first match). */
  disks: ResourcesDisk[];
  /** Its key in `LiveState.clusters.lxd`. */
  cluster: string;
  /** Present when the plan installs this LXD (src/plan/snaps-view.ts): its disks are not known yet. */
  planned?: true;
  /** This machine's own row of each pool and network it is on, by name. */
  rows: { pools: Record<string, LxdMemberRow>; networks: Record<string, LxdMemberRow> };
}

/** What an LXD cluster's database holds (member rows aside). */
export interface LxdCluster {
  /** Empty while standalone. */
  members: LxdMember[];
  pools: LxdClusterObject<LxdPool>[];
  /** Managed networks only: host interfaces are in `host.interfaces`. */
  networks: LxdClusterObject<LxdNetwork>[];
  defaultProfile: LxdProfile;
  /** Custom volumes of every pool, each with the member it lives on. */
  volumes: LxdVolume[];
  /** Every project's instances with the member each is on; read only when the file removes members
   *  (src/site/gather-removal.ts), absent otherwise. */
  instances?: LxdInstance[];
}

export interface LxdInstance {
  name: string;
  project: string;
  location: string;
}

export type LxdClusterObject<T extends { member: LxdMemberRow | null }> = Omit<T, 'member'>;

/** LXD as the planner sees it from one machine: its own facts with its cluster's (see `reachable`). */
export interface LxdLive extends Omit<LxdMachine, 'cluster' | 'rows'>, Omit<LxdCluster, 'pools' | 'networks'> {
  pools: LxdPool[];
  networks: LxdNetwork[];
}

export interface LxdMember {
  name: string;
  url: string;
  /** Online, Evacuated, Offline, Blocked. Not part of the fingerprint: it flaps without the site changing. */
  status: string;
  roles: string[];
}

/** Pending | Created | Errored | Unknown | Unavailable */
export type LxdObjectStatus = string;

/** This machine's own row of a pool or network (`GET …?target=<self>`). */
export interface LxdMemberRow {
  status: LxdObjectStatus;
  /** Member-specific keys only (source, parent, volatile.initial_source…). */
  config: Record<string, string>;
}

export interface LxdPool {
  name: string;
  driver: string;
  /** The cluster-wide status. */
  status: LxdObjectStatus;
  /** Global keys only. */
  config: Record<string, string>;
  /** Members the pool is defined on, pending rows included. */
  locations: string[];
  /** null when the pool has no row for this machine. */
  member: LxdMemberRow | null;
}

export interface LxdNetwork {
  name: string;
  type: string;
  status: LxdObjectStatus;
  config: Record<string, string>;
  locations: string[];
  member: LxdMemberRow | null;
}

export interface LxdProfile {
  config: Record<string, string>;
  devices: Record<string, Record<string, string>>;
}

export interface LxdVolume {
  pool: string;
  name: string;
  location: string;
}

/** A microcluster member (`GET /core/1.0/cluster`). */
export interface MicroMember {
  name: string;
  /** `ip:port` */
  address: string;
  /** voter, stand-by, spare or PENDING */
  role: string;
  /** ONLINE, UNREACHABLE… Not part of the fingerprint. */
  status: string;
}

export interface ServicePlacement {
  service: string;
  location: string;
}

/** A microcluster daemon as this machine answers it (GET /core/1.0). */
export interface MicroMachine {
  /** The daemon's version string. */
  version: string;
  /** False while the daemon answers "Database is not yet initialized". */
  initialized: boolean;
  /** Its key in `LiveState.clusters.<service>`; null while not initialized. */
  cluster: string | null;
  /** Present when the daemon serves microcluster's pre-2024 /cluster/1.0 API (MicroCeph reef): it
   *  answered 404 on /core/1.0, so nothing else is known; `version` is empty (see host.snaps). */
  legacyApi?: true;
}

export interface MicroCephCluster {
  members: MicroMember[];
  /** Every OSD of the cluster; MicroCeph records the `/dev/disk/by-id/…` path. */
  disks: CephOsd[];
  services: ServicePlacement[];
  /** `GET /1.0/configs`, values trimmed: public_network, cluster_network… */
  config: Record<string, string>;
  pools: CephPool[];
  /**
   * Present (false) when the member list shows most monitors' members unreachable: Ceph has no
   * quorum, so `config` and `pools` were not read (they would block) and are empty. Not part of
   * the fingerprint: it follows the members' status.
   */
  quorum?: false;
}

export interface CephOsd {
  osd: number;
  path: string;
  location: string;
}

export interface CephPool {
  name: string;
  size: number;
}

export interface MicroOvnCluster {
  members: MicroMember[];
  services: ServicePlacement[];
}

/** MicroCloud's own cluster: its members (the services are the other daemons' clusters). */
export interface MicroCloudCluster {
  members: MicroMember[];
}

/** The planner's view of a microcluster daemon on one machine: its own state and its cluster's. */
export type MicroCephLive = Omit<MicroMachine, 'cluster'> & MicroCephCluster;
export type MicroOvnLive = Omit<MicroMachine, 'cluster'> & MicroOvnCluster;
export type MicroCloudLive = Omit<MicroMachine, 'cluster'> & MicroCloudCluster;

/** One machine as the planner sees it: what `reachable` composes from a record and its clusters. */
export interface ReachableMachine {
  reachable: true;
  host: HostFacts;
  lxd: LxdLive | null;
  microceph: MicroCephLive | null;
  microovn: MicroOvnLive | null;
  microcloud: MicroCloudLive | null;
}

export type ServiceName = 'lxd' | 'microceph' | 'microovn' | 'microcloud';
/** The daemons built on microcluster. */
export type MicroName = Exclude<ServiceName, 'lxd'>;

export const SERVICE_LABEL: Record<ServiceName, string> = { lxd: 'LXD', microceph: 'MicroCeph', microovn: 'MicroOVN', microcloud: 'MicroCloud' };

export { reachable, recordOf, lxdClusterOf, microClusterOf, liveFromViews, emptyClusters, rowsOf, withoutRows } from './view.js';
