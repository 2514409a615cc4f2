// MicroCeph's tables and the model of the Ceph cluster it runs (OSDs, mons, pools, crush rules),
// with the views the lab reads off them. Shared by the MicroCeph endpoint modules.
import type { MicroOptions } from './core.js';
import type { MicroMemberView } from './world.js';

export type CrushRule = 'microceph_auto_osd' | 'microceph_auto_host';

/** Crush rule ids as a fresh MicroCeph creates them (replicated_rule comes with Ceph). */
export const CRUSH_RULE_IDS: Record<string, number> = {
  replicated_rule: 0, microceph_auto_osd: 1, microceph_auto_host: 2, microceph_auto_rack: 3,
};

export interface ServiceRow { member: string; service: string }
export interface DiskRow {
  osd: number;
  member: string;
  machine: string;
  /** The stable path recorded (/dev/disk/by-id/…). */
  path: string;
  diskId: string;
  partition: number;
  /** Purged from Ceph by a removal that then failed to delete the record. */
  purged: boolean;
}
export interface PoolRow {
  name: string; id: number; size: number; minSize: number; crushRule: string; pgNum: number;
  /** Holds the placeholder RBD image an LXD ceph pool creates (the pool is that LXD's). */
  lxdPlaceholder?: boolean;
}
/** A CephFS filesystem (`ceph fs new <name> <meta> <data>`). */
export interface CephFsRow { name: string; metaPool: string; dataPool: string }

/** Ceph's own osd_pool_default_size, until pools-op sets one (MicroCeph never sets it at bootstrap). */
export const CEPH_DEFAULT_POOL_SIZE = 3;

/** MicroCeph's tables and the Ceph cluster's state, per cluster. */
export interface CephClusterState {
  fsid: string;
  v2Only: boolean;
  /** MicroCeph's config table: fsid, keyring.client.admin, mon.host.<member>, public_network. */
  db: Map<string, string>;
  /** Ceph's centralised config (global section): what `ceph config get/dump` shows. */
  ceph: Map<string, string>;
  services: ServiceRow[];
  disks: DiskRow[];
  /** AUTOINCREMENT of the disks table: OSD numbers start at 1 and are never reused. */
  nextOsd: number;
  pools: PoolRow[];
  nextPoolId: number;
  /** CephFS filesystems (LXD's cephfs driver creates them). */
  filesystems: CephFsRow[];
  defaultRule: CrushRule;
  /** availability-zone host tags. */
  azs: Map<string, string>;
  /** The OSD map's flags (`ceph osd set noout`). */
  osdFlags: Set<string>;
  /** The monitors' config-key store (`ceph config-key set`). */
  configKeys: Map<string, string>;
}

/** A physical disk's current state on its machine (the spec is the initial state). */
export interface DiskRuntime {
  hasData: boolean;
  partitions: number;
  mounted: boolean;
  /** The OSD that uses it, if any. */
  osd: number | null;
}

export interface MicroCephOptions extends MicroOptions {
  /** Whether disk encryption works on a machine (the dm-crypt snap interface is connected). Default: never,
   *  as on a fresh snap install. */
  encryptionSupported?: (machine: string) => boolean;
  /** What restarting a member's Ceph services costs (PUT/DELETE /1.0/configs with wait: true
   *  restarts them member by member), in ms. Default: the lab's durations.diskAdd, an OSD start. */
  restartMs?: number;
}

export type CephMemberView = MicroMemberView;
export interface CephDiskView { osd: number; path: string; location: string }
export interface CephServiceView { service: string; location: string }
export interface CephPoolView { pool: string; pool_id: number; size: number; min_size: number; crush_rule: string }

/** strconv.ParseBool, errors ignored as MicroCeph does. */
export function goBool(s: string | undefined): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s ?? '');
}

export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ceph's min_size for a replicated pool of `size` (osd_pool_default_min_size 0 → size - size/2). */
export const minSizeFor = (size: number): number => size - Math.floor(size / 2);

/** Members' join order, by name: the order MicroCeph's list endpoints sort rows by. */
export function memberIds(members: readonly { name: string; id: number }[]): Map<string, number> {
  return new Map(members.map((m) => [m.name, m.id]));
}
