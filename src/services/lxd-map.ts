// LXD's REST answers (reference/rest-apis.md §1.6) as the facts of LxdLive. Pure: JSON in, domain
// values out; every field a server may leave out gets its zero value.
import type { ResourcesDisk } from '../preseed/disk-filter.js';
import type { LxdInstance, LxdLive, LxdMember, LxdMemberRow, LxdNetwork, LxdPool, LxdProfile, LxdVolume } from '../live/state.js';
import type {
  LxdInstanceJson, LxdMemberJson, LxdNetworkJson, LxdPoolJson, LxdProfileJson, LxdResourcesJson, LxdServerJson, LxdVolumeJson,
} from './api-types.js';

/** Member-specific pool keys (lxd/db/storage_pools.go NodeSpecificStorageConfig). */
export const MEMBER_POOL_KEYS: readonly string[] = [
  'size', 'source', 'source.wipe', 'source.recover', 'volatile.initial_source', 'zfs.pool_name', 'lvm.thinpool_name', 'lvm.vg_name',
];
/** Member-specific network keys (lxd/db/networks.go NodeSpecificNetworkConfig). */
export const MEMBER_NETWORK_KEYS: readonly string[] = [
  'bgp.ipv4.nexthop', 'bgp.ipv6.nexthop', 'bridge.external_interfaces', 'parent', 'acceleration.parent',
];

/** Where apply keeps its run lock on a clustered LXD (compare-and-swap through the ETag). */
export const LOCK_CONFIG_KEY = 'user.microcloud-apply.lock';

/**
 * Server config keys that record a run of this tool rather than the site (apply's lock): left
 * out, so a held lock never moves the live-state fingerprint.
 */
export const RUN_STATE_KEYS: readonly string[] = [LOCK_CONFIG_KEY];

/** A config map with every value as a string (LXD's are; anything else is shown as JSON). */
export function strings(config: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

const pick = (config: Record<string, string>, keys: readonly string[], keep: boolean): Record<string, string> =>
  Object.fromEntries(Object.entries(config).filter(([k]) => keys.includes(k) === keep));

export type LxdServer = Pick<LxdLive, 'version' | 'apiExtensions' | 'config' | 'clustered' | 'serverName'>;

/** GET /1.0 */
export function mapServer(j: LxdServerJson): LxdServer {
  const env = j.environment ?? {};
  return {
    version: env.server_version ?? '',
    apiExtensions: [...(j.api_extensions ?? [])],
    config: Object.fromEntries(Object.entries(strings(j.config)).filter(([k]) => !RUN_STATE_KEYS.includes(k))),
    clustered: env.server_clustered === true,
    serverName: env.server_name ?? '',
  };
}

/** GET /1.0/cluster/members?recursion=1 */
export function mapMembers(list: LxdMemberJson[] | null): LxdMember[] {
  return (list ?? []).map((m) => ({ name: m.server_name ?? '', url: m.url ?? '', status: m.status ?? '', roles: [...(m.roles ?? [])] }));
}

/**
 * GET /1.0/storage-pools?recursion=1, without member rows (see memberRow). A cluster already strips
 * member keys from this view; a standalone LXD shows them, so they are stripped here as well.
 */
export function mapPools(list: LxdPoolJson[] | null, clustered: boolean): LxdPool[] {
  return (list ?? []).map((p) => {
    const config = strings(p.config);
    return {
      name: p.name ?? '',
      driver: p.driver ?? '',
      status: p.status ?? '',
      config: clustered ? config : pick(config, MEMBER_POOL_KEYS, false),
      locations: [...(p.locations ?? [])],
      member: clustered ? null : { status: p.status ?? '', config: pick(config, MEMBER_POOL_KEYS, true) },
    };
  });
}

/** GET /1.0/networks?recursion=1: the managed networks (host interfaces are host facts). */
export function mapNetworks(list: LxdNetworkJson[] | null, clustered: boolean): LxdNetwork[] {
  return (list ?? []).filter((n) => n.managed === true).map((n) => {
    const config = strings(n.config);
    return {
      name: n.name ?? '',
      type: n.type ?? '',
      status: n.status ?? '',
      config: clustered ? config : pick(config, MEMBER_NETWORK_KEYS, false),
      locations: [...(n.locations ?? [])],
      member: clustered ? null : { status: n.status ?? '', config: pick(config, MEMBER_NETWORK_KEYS, true) },
    };
  });
}

/** The types LXD gives the host's own interfaces (unmanaged networks): bridge, bond, vlan, physical… */
export function hostInterfaceTypes(list: LxdNetworkJson[] | null): Map<string, string> {
  return new Map((list ?? []).filter((n) => n.managed === false && n.name && n.type).map((n) => [n.name!, n.type!]));
}

/**
 * A member's own row of a pool or network (`GET …/<name>?target=<self>` on its own socket): its
 * local status and the keys that belong to it, i.e. those the cluster-wide view does not show.
 */
export function memberRow(targeted: LxdPoolJson | LxdNetworkJson, global: { config: Record<string, string> }): LxdMemberRow {
  const config = strings(targeted.config);
  return {
    status: targeted.status ?? '',
    config: Object.fromEntries(Object.entries(config).filter(([k]) => !(k in global.config))),
  };
}

/** GET /1.0/profiles/default */
export function mapProfile(j: LxdProfileJson): LxdProfile {
  const devices: LxdProfile['devices'] = {};
  for (const [name, d] of Object.entries(j.devices ?? {})) devices[name] = strings(d);
  return { config: strings(j.config), devices };
}

/** GET /1.0/storage-pools/<pool>/volumes/custom?recursion=1: custom volumes only. */
export function mapVolumes(pool: string, list: LxdVolumeJson[] | null): LxdVolume[] {
  return (list ?? [])
    .filter((v) => v.type === undefined || v.type === 'custom')
    .map((v) => ({ pool, name: v.name ?? '', location: v.location ?? '' }));
}

/** GET /1.0/instances?recursion=1&all-projects=true: where each instance is. */
export function mapInstances(list: LxdInstanceJson[] | null): LxdInstance[] {
  return (list ?? []).map((i) => ({ name: i.name ?? '', project: i.project ?? 'default', location: i.location ?? '' }));
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;

/** GET /1.0/resources: storage.disks in LXD's order, as the disk filters read them. */
export function mapDisks(j: LxdResourcesJson): ResourcesDisk[] {
  return (j.storage?.disks ?? []).map((d) => {
    const disk: ResourcesDisk = {
      id: str(d['id']), device: str(d['device']), model: str(d['model']), type: str(d['type']),
      read_only: bool(d['read_only']), mounted: bool(d['mounted']), size: num(d['size']), removable: bool(d['removable']),
      wwn: str(d['wwn']), numa_node: num(d['numa_node']), device_path: str(d['device_path']), block_size: num(d['block_size']),
      firmware_version: str(d['firmware_version']), rpm: num(d['rpm']), serial: str(d['serial']), device_id: str(d['device_id']),
      pci_address: str(d['pci_address']), partitions: Array.isArray(d['partitions']) ? [...(d['partitions'] as unknown[])] : [],
    };
    if (typeof d['usb_address'] === 'string') disk.usb_address = d['usb_address'];
    if (typeof d['device_fs_uuid'] === 'string') disk.device_fs_uuid = d['device_fs_uuid'];
    if (typeof d['used_by'] === 'string') disk.used_by = d['used_by'];
    return disk;
  });
}
