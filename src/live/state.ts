// LiveState: what gather reads from each machine, as facts about the site rather than REST shapes.
// Every machine is described from its own point of view, so cluster-wide facts (members, pools,
// the default profile…) appear in every member's view; gather reads them once per cluster, from one
// member, and every member's view shares that answer (src/site/gather.ts). The planner reads them
// from the machine that anchors the cluster. Gather fills it; the planner, preflight and the test model (tests/model/effects) only
// read it. Keep it JSON: it is hashed into the plan's live-state fingerprint.
import type { ResourcesDisk } from '../preseed/disk-filter.js';

export { LXD_MEMBER_KEYS } from '../preseed/lxd-config.js';

export interface LiveState {
  /**
   * Keyed by the system's name in the file. In add mode the initiator (not listed in `systems`)
   * is here too, keyed by `initiatorKey(desired)`.
   */
  machines: Record<string, MachineLive>;
}

export type MachineLive = ReachableMachine | UnreachableMachine;

/** A machine gather could not read; planning stops on it and the reason is shown as is. */
export interface UnreachableMachine {
  reachable: false;
  reason: string;
}

export interface ReachableMachine {
  reachable: true;
  host: HostFacts;
  /** null: not installed (no snap, no daemon socket). */
  lxd: LxdLive | null;
  microceph: MicroCephLive | null;
  microovn: MicroOvnLive | null;
}

export interface HostFacts {
  hostname: string;
  interfaces: HostInterface[];
  /** The IPv4 default route (`/proc/net/route`); MicroCloud creates the Fan network only with one. */
  defaultRoute: { gateway: string; dev: string } | null;
  snaps: InstalledSnap[];
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
}

export interface LxdLive {
  /** `environment.server_version`: the string MicroCloud compares across machines. */
  version: string;
  apiExtensions: string[];
  /** `GET /1.0` config: the cluster's global keys plus this member's own (LXD_MEMBER_KEYS). */
  config: Record<string, string>;
  clustered: boolean;
  /** The member name when clustered, else the hostname. */
  serverName: string;
  /** Empty while standalone. */
  members: LxdMember[];
  pools: LxdPool[];
  /** Managed networks only: host interfaces are in `host.interfaces`. */
  networks: LxdNetwork[];
  defaultProfile: LxdProfile;
  /** Custom volumes of every pool, each with the member it lives on. */
  volumes: LxdVolume[];
  /** `GET /1.0/resources` storage.disks of this machine, in LXD's order (filters take the first match). */
  disks: ResourcesDisk[];
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

export interface MicroCephLive {
  /** The daemon's version string (`GET /core/1.0`). */
  version: string;
  /** False while the daemon answers "Database is not yet initialized". */
  initialized: boolean;
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
  /** Present when the daemon serves microcluster's pre-2024 /cluster/1.0 API (MicroCeph reef): it
   *  answered 404 on /core/1.0, so nothing else is known; `version` is empty (see host.snaps). */
  legacyApi?: true;
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

export interface MicroOvnLive {
  version: string;
  initialized: boolean;
  members: MicroMember[];
  services: ServicePlacement[];
  /** As MicroCephLive.legacyApi. */
  legacyApi?: true;
}

export type ServiceName = 'lxd' | 'microceph' | 'microovn';

export const SERVICE_LABEL: Record<ServiceName, string> = { lxd: 'LXD', microceph: 'MicroCeph', microovn: 'MicroOVN' };

export function reachable(live: LiveState, name: string): ReachableMachine | undefined {
  const m = live.machines[name];
  return m?.reachable ? m : undefined;
}
