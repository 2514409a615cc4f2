// Reading MicroOVN through a machine's control socket, in parts: the daemon (per machine), and what
// the cluster holds (members, where its services run: the same on every member). Gather asks one
// member per cluster for the cluster-wide parts (readOvnCluster).
import type { Host } from '../remote/index.js';
import type { MicroMember, MicroOvnLive, ServicePlacement } from '../live/state.js';
import type { PlacementJson } from './api-types.js';
import { mapPlacements } from './micro-map.js';
import { readCore, readCoreMembers } from './microcluster.js';
import { get, whenInstalled } from './read.js';

export type OvnPart = 'server' | 'members' | 'services';
export const ALL_OVN_PARTS: readonly OvnPart[] = ['server', 'members', 'services'];

export interface OvnClusterView {
  members: MicroMember[];
  services: ServicePlacement[];
}

const services = async (host: Host): Promise<ServicePlacement[]> =>
  mapPlacements(await get<PlacementJson[] | null>(host, 'microovn', '/1.0/services'));

async function read(host: Host, parts: ReadonlySet<OvnPart>): Promise<MicroOvnLive> {
  const core = await readCore(host, 'microovn', { server: parts.has('server'), members: parts.has('members') });
  if (!core.initialized) return { ...core, services: [] };
  return { ...core, services: parts.has('services') ? await services(host) : [] };
}

/** MicroOVN's state on the machine, or null when it is not installed there (no socket). */
export function readMicroOvn(host: Host, opts: { parts?: readonly OvnPart[] } = {}): Promise<MicroOvnLive | null> {
  return whenInstalled(() => read(host, new Set(opts.parts ?? ALL_OVN_PARTS)));
}

/** The cluster-wide parts from one initialized member; null when it is not initialized after all. */
export async function readOvnCluster(host: Host): Promise<OvnClusterView | null> {
  const [members, placed] = await Promise.all([
    readCoreMembers(host, 'microovn'),
    services(host).catch((err: unknown) => err),
  ]);
  if (members === null) return null;
  if (!Array.isArray(placed)) throw placed;
  return { members, services: placed };
}
