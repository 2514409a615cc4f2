// Reading LXD on one machine through its own unix socket, in parts, by one implementation:
//   per machine:   server (GET /1.0), networks (GET /1.0/networks: the managed networks and the
//                  host's own interfaces), disks (GET /1.0/resources), rows (this member's own row of
//                  each pool and network it is on: GET …?target=<self>);
//   cluster-wide:  members, pools (GET /1.0/storage-pools), profile (the default profile), volumes
//                  (custom volumes of created pools: every member's).
// readLxd reads the parts asked for (default all) in at most three rounds; gather asks every
// machine for its own parts and one member per cluster for the cluster-wide ones (readLxdCluster),
// then each machine for its rows of the cluster's pools (withRows). Parts not asked for are empty.
// The number of requests depends on the pools and networks, never on the number of machines.
import type { Host } from '../remote/index.js';
import type { LxdInstance, LxdLive, LxdMember, LxdNetwork, LxdPool, LxdProfile, LxdVolume } from '../live/state.js';
import type {
  LxdInstanceJson, LxdMemberJson, LxdNetworkJson, LxdPoolJson, LxdProfileJson, LxdResourcesJson, LxdServerJson, LxdVolumeJson,
} from './api-types.js';
import {
  hostInterfaceTypes, mapDisks, mapInstances, mapMembers, mapNetworks, mapPools, mapProfile, mapServer, mapVolumes, memberRow,
  type LxdServer,
} from './lxd-map.js';
import { get, whenInstalled } from './read.js';

export type LxdPart = 'server' | 'members' | 'pools' | 'networks' | 'profile' | 'volumes' | 'disks' | 'rows';
export const ALL_LXD_PARTS: readonly LxdPart[] = ['server', 'members', 'pools', 'networks', 'profile', 'volumes', 'disks', 'rows'];
/** What a machine reads of its own in gather; the rest comes from one member per cluster. */
export const MACHINE_LXD_PARTS: readonly LxdPart[] = ['server', 'networks', 'disks'];

export interface LxdReading {
  lxd: LxdLive;
  /** LXD's types for the host's own interfaces (bridge, bond, vlan…), to refine the host facts. */
  interfaceTypes: Map<string, string>;
}

/** The cluster-wide objects, as one member answers them (member rows not included). */
export interface LxdClusterView {
  members: LxdMember[];
  pools: LxdPool[];
  defaultProfile: LxdProfile;
  volumes: LxdVolume[];
}

const enc = encodeURIComponent;
const NO_SERVER: LxdServer = { version: '', apiExtensions: [], config: {}, clustered: false, serverName: '' };
const NO_PROFILE: LxdProfile = { config: {}, devices: {} };

/** This member's own row of each object it is on (a clustered LXD only). */
export async function withRows<T extends LxdPool | LxdNetwork>(
  host: Host, kind: 'storage-pools' | 'networks', objects: readonly T[], self: string,
): Promise<T[]> {
  return Promise.all(objects.map(async (o) => {
    if (!o.locations.includes(self)) return o;
    const row = await get<LxdPoolJson | LxdNetworkJson>(host, 'lxd', `/1.0/${kind}/${enc(o.name)}?target=${enc(self)}`);
    return { ...o, member: memberRow(row, o) };
  }));
}

const readVolumes = async (host: Host, pools: readonly LxdPool[]): Promise<LxdVolume[]> =>
  (await Promise.all(pools.filter((p) => p.status === 'Created').map(async (p) =>
    mapVolumes(p.name, await get<LxdVolumeJson[] | null>(host, 'lxd', `/1.0/storage-pools/${enc(p.name)}/volumes/custom?recursion=1`))))).flat();

async function read(host: Host, parts: ReadonlySet<LxdPart>): Promise<LxdReading> {
  const has = (p: LxdPart): boolean => parts.has(p);
  // Rows and members depend on the server's name and whether it is clustered, volumes on the pools.
  const needServer = has('server') || has('rows') || has('members') || has('pools') || has('networks');
  const needPools = has('pools') || has('volumes') || (has('rows') && !has('networks'));
  const [serverJson, poolsJson, networksJson, profileJson, resourcesJson] = await Promise.all([
    needServer ? get<LxdServerJson>(host, 'lxd', '/1.0') : undefined,
    needPools || has('rows') ? get<LxdPoolJson[] | null>(host, 'lxd', '/1.0/storage-pools?recursion=1') : undefined,
    has('networks') || has('rows') ? get<LxdNetworkJson[] | null>(host, 'lxd', '/1.0/networks?recursion=1') : undefined,
    has('profile') ? get<LxdProfileJson>(host, 'lxd', '/1.0/profiles/default') : undefined,
    has('disks') ? get<LxdResourcesJson>(host, 'lxd', '/1.0/resources') : undefined,
  ]);
  const server = serverJson ? mapServer(serverJson) : NO_SERVER;
  const self = server.serverName;
  const pools = poolsJson !== undefined ? mapPools(poolsJson, server.clustered) : [];
  const networks = networksJson !== undefined ? mapNetworks(networksJson, server.clustered) : [];
  const rows = has('rows') && server.clustered;
  const [members, pooled, networked, volumes] = await Promise.all([
    has('members') && server.clustered ? get<LxdMemberJson[] | null>(host, 'lxd', '/1.0/cluster/members?recursion=1').then(mapMembers) : [],
    rows ? withRows(host, 'storage-pools', pools, self) : pools,
    rows ? withRows(host, 'networks', networks, self) : networks,
    has('volumes') ? readVolumes(host, pools) : [],
  ]);
  return {
    lxd: {
      ...(has('server') ? server : { ...NO_SERVER, clustered: server.clustered, serverName: server.serverName }),
      members,
      pools: has('pools') || has('rows') ? pooled : [],
      networks: has('networks') || has('rows') ? networked : [],
      defaultProfile: profileJson ? mapProfile(profileJson) : NO_PROFILE,
      volumes,
      disks: resourcesJson ? mapDisks(resourcesJson) : [],
    },
    interfaceTypes: hostInterfaceTypes(networksJson ?? null),
  };
}

/**
 * LXD's state on the machine, or null when LXD is not installed there (no socket). Only the parts
 * asked for are read (default: all of them); the others are left empty.
 */
export function readLxd(host: Host, opts: { parts?: readonly LxdPart[] } = {}): Promise<LxdReading | null> {
  return whenInstalled(() => read(host, new Set(opts.parts ?? ALL_LXD_PARTS)));
}

/** Every project's instances, with the member each is on (one request, from any member). */
export async function readInstances(host: Host): Promise<LxdInstance[]> {
  return mapInstances(await get<LxdInstanceJson[] | null>(host, 'lxd', '/1.0/instances?recursion=1&all-projects=true'));
}

/** The cluster-wide objects of the cluster `host` is a member of (`server` is its GET /1.0). */
export async function readLxdCluster(host: Host, server: Pick<LxdLive, 'clustered'>): Promise<LxdClusterView> {
  const [membersJson, poolsJson, profileJson] = await Promise.all([
    server.clustered ? get<LxdMemberJson[] | null>(host, 'lxd', '/1.0/cluster/members?recursion=1') : null,
    get<LxdPoolJson[] | null>(host, 'lxd', '/1.0/storage-pools?recursion=1'),
    get<LxdProfileJson>(host, 'lxd', '/1.0/profiles/default'),
  ]);
  const pools = mapPools(poolsJson, server.clustered);
  return {
    members: server.clustered ? mapMembers(membersJson) : [],
    pools,
    defaultProfile: mapProfile(profileJson),
    volumes: await readVolumes(host, pools),
  };
}
