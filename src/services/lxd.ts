// Reading LXD on one machine through its own unix socket, in two rounds of parallel requests:
// first the server, pools, networks, default profile and disks; then what those name (members
// when clustered, this member's own row of each pool and network, custom volumes of created pools).
// The number of requests depends on the pools and networks, never on the number of machines.
import type { Host } from '../remote/index.js';
import type { LxdLive, LxdNetwork, LxdPool } from '../live/state.js';
import type {
  LxdMemberJson, LxdNetworkJson, LxdPoolJson, LxdProfileJson, LxdResourcesJson, LxdServerJson, LxdVolumeJson,
} from './api-types.js';
import {
  hostInterfaceTypes, mapDisks, mapMembers, mapNetworks, mapPools, mapProfile, mapServer, mapVolumes, memberRow,
} from './lxd-map.js';
import { get, whenInstalled } from './read.js';

export interface LxdReading {
  lxd: LxdLive;
  /** LXD's types for the host's own interfaces (bridge, bond, vlan…), to refine the host facts. */
  interfaceTypes: Map<string, string>;
}

const enc = encodeURIComponent;

async function withRows<T extends LxdPool | LxdNetwork>(
  host: Host, kind: 'storage-pools' | 'networks', objects: T[], self: string,
): Promise<T[]> {
  return Promise.all(objects.map(async (o) => {
    if (!o.locations.includes(self)) return o;
    const row = await get<LxdPoolJson | LxdNetworkJson>(host, 'lxd', `/1.0/${kind}/${enc(o.name)}?target=${enc(self)}`);
    return { ...o, member: memberRow(row, o) };
  }));
}

async function read(host: Host): Promise<LxdReading> {
  const [serverJson, poolsJson, networksJson, profileJson, resourcesJson] = await Promise.all([
    get<LxdServerJson>(host, 'lxd', '/1.0'),
    get<LxdPoolJson[] | null>(host, 'lxd', '/1.0/storage-pools?recursion=1'),
    get<LxdNetworkJson[] | null>(host, 'lxd', '/1.0/networks?recursion=1'),
    get<LxdProfileJson>(host, 'lxd', '/1.0/profiles/default'),
    get<LxdResourcesJson>(host, 'lxd', '/1.0/resources'),
  ]);
  const server = mapServer(serverJson);
  const self = server.serverName;
  const pools = mapPools(poolsJson, server.clustered);
  const networks = mapNetworks(networksJson, server.clustered);
  const [members, pooled, networked, volumes] = await Promise.all([
    server.clustered ? get<LxdMemberJson[] | null>(host, 'lxd', '/1.0/cluster/members?recursion=1').then(mapMembers) : [],
    server.clustered ? withRows(host, 'storage-pools', pools, self) : pools,
    server.clustered ? withRows(host, 'networks', networks, self) : networks,
    Promise.all(pools.filter((p) => p.status === 'Created').map(async (p) =>
      mapVolumes(p.name, await get<LxdVolumeJson[] | null>(host, 'lxd', `/1.0/storage-pools/${enc(p.name)}/volumes/custom?recursion=1`)))),
  ]);
  return {
    lxd: {
      ...server,
      members,
      pools: pooled,
      networks: networked,
      defaultProfile: mapProfile(profileJson),
      volumes: volumes.flat(),
      disks: mapDisks(resourcesJson),
    },
    interfaceTypes: hostInterfaceTypes(networksJson),
  };
}

/** LXD's state on the machine, or null when LXD is not installed there (no socket). */
export function readLxd(host: Host): Promise<LxdReading | null> {
  return whenInstalled(() => read(host));
}
