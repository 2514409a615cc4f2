// The JSON the daemons and host commands answer with (reference/rest-apis.md §1–§4), as far as the
// readers use it. Every field is optional: servers of other versions add and drop fields, and the
// mapping functions (lxd-map.ts, micro-map.ts, host-parse.ts) fill what is missing.

/** One entry of `ip -d -j address show` (iproute2 6.x). */
export interface IpAddrEntry {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  link_type?: string;
  /** Present with -d for virtual links: bridge, bond, vlan, veth, … */
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/** One entry of `ip -4 -j route show default`. */
export interface IpRouteEntry {
  dst?: string;
  gateway?: string;
  dev?: string;
}

/** GET /1.0 (shared/api/server.go). */
export interface LxdServerJson {
  api_extensions?: string[];
  config?: Record<string, unknown> | null;
  environment?: {
    server_version?: string;
    server_name?: string;
    server_clustered?: boolean;
  };
}

/** GET /1.0/cluster/members?recursion=1 */
export interface LxdMemberJson {
  server_name?: string;
  url?: string;
  status?: string;
  roles?: string[] | null;
}

/** GET /1.0/storage-pools?recursion=1, GET /1.0/storage-pools/<p>[?target=] */
export interface LxdPoolJson {
  name?: string;
  driver?: string;
  status?: string;
  config?: Record<string, unknown> | null;
  locations?: string[] | null;
}

/** GET /1.0/networks?recursion=1 (managed networks and host interfaces), GET /1.0/networks/<n>[?target=] */
export interface LxdNetworkJson {
  name?: string;
  type?: string;
  managed?: boolean;
  status?: string;
  config?: Record<string, unknown> | null;
  locations?: string[] | null;
}

/** GET /1.0/profiles/default */
export interface LxdProfileJson {
  config?: Record<string, unknown> | null;
  devices?: Record<string, Record<string, unknown>> | null;
}

/** GET /1.0/storage-pools/<p>/volumes/custom?recursion=1 */
/** GET /1.0/instances?recursion=1&all-projects=true */
export interface LxdInstanceJson {
  name?: string;
  project?: string;
  location?: string;
}

export interface LxdVolumeJson {
  name?: string;
  type?: string;
  location?: string;
}

/** GET /1.0/resources (only storage is read). */
export interface LxdResourcesJson {
  storage?: { disks?: Record<string, unknown>[] | null } | null;
}

/** GET /core/1.0 (microcluster; allowed before init). */
export interface CoreServerJson {
  name?: string;
  address?: string;
  version?: string;
  ready?: boolean;
}

/** GET /core/1.0/cluster */
export interface CoreMemberJson {
  name?: string;
  address?: string;
  role?: string;
  status?: string;
}

/** GET /1.0/services (MicroCeph and MicroOVN). */
export interface PlacementJson {
  service?: string;
  location?: string;
}

/** GET /1.0/disks (MicroCeph). */
export interface CephDiskJson {
  osd?: number;
  path?: string;
  location?: string;
}

/** GET /1.0/configs (MicroCeph): values are raw `ceph config get` output. */
export interface CephConfigJson {
  key?: string;
  value?: string;
}

/** GET /1.0/pools (MicroCeph). */
export interface CephPoolJson {
  pool?: string;
  size?: number;
}

/** One snap of GET /v2/snaps and GET /v2/snaps/{name} (canonical/snapd client/packages.go Snap). */
export interface SnapdSnapJson {
  name?: string;
  version?: string;
  revision?: string;
  type?: string;
  base?: string;
  'tracking-channel'?: string;
  'cohort-key'?: string;
  /** Until when a system hold stops refreshes (RFC 3339). */
  hold?: string;
}

/** GET /v2/system-info (daemon/api_general.go sysInfo). */
export interface SnapdSystemInfoJson {
  version?: string;
}

/** One snap of GET /v2/find?name= (daemon/api_find.go mapRemote): the store's channel map. */
export interface SnapdFindJson {
  name?: string;
  channels?: Record<string, { revision?: string; version?: string; channel?: string } | null>;
}

/** GET /v2/changes and /v2/changes/{id} (overlord/hookstate/ctlcmd ChangeInfo). */
export interface SnapdChangeJson {
  id?: string;
  kind?: string;
  summary?: string;
  status?: string;
  ready?: boolean;
  err?: string;
  tasks?: { kind?: string; summary?: string; status?: string; log?: string[] }[];
  data?: { 'snap-names'?: string[] };
}
