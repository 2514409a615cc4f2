// Reading MicroCeph through a machine's control socket, in parts: the daemon (per machine), and what
// the cluster holds (its members, OSDs, service placement, Ceph config and pools: the same answer on
// every member). readMicroCeph reads the parts asked for; gather asks one member per cluster for the
// cluster-wide ones (readCephCluster) and every machine for its own daemon only.
//
// Costs on a real daemon (canonical/microceph at 79f99b50a1abf05ca8abb463b0fcb3f749f13c89):
// GET /1.0/disks and /1.0/services are dqlite queries (api/disks.go, api/services.go); GET /1.0/pools
// runs `ceph osd pool ls` and one `ceph osd pool get <p> all` per pool (api/pool.go cmdPoolsGet →
// ceph/osd.go GetOSDPools) and GET /1.0/configs runs `ceph config dump` (api/configs.go): both block
// without monitor quorum. So they are asked only when the member list shows a quorum of monitors
// online; otherwise MicroCephLive.quorum is false (an unhealthy cluster, not a failed read).
import type { Host } from '../remote/index.js';
import type { CephOsd, CephPool, MicroCephLive, MicroMember, ServicePlacement } from '../live/state.js';
import type { CephConfigJson, CephDiskJson, CephPoolJson, PlacementJson } from './api-types.js';
import { mapCephConfig, mapCephDisks, mapCephPools, mapPlacements } from './micro-map.js';
import { readCore, readCoreMembers, type CoreState } from './microcluster.js';
import { get, whenInstalled } from './read.js';

/** The parts of MicroCeph a reader can ask for; `server` is the daemon's own GET /core/1.0. */
export type CephPart = 'server' | 'members' | 'disks' | 'services' | 'config' | 'pools';
export const ALL_CEPH_PARTS: readonly CephPart[] = ['server', 'members', 'disks', 'services', 'config', 'pools'];

/** What the cluster holds, as any member answers it. */
export interface CephClusterView {
  members: MicroMember[];
  disks: CephOsd[];
  services: ServicePlacement[];
  config: Record<string, string>;
  pools: CephPool[];
  /** False when the member list shows no quorum of monitors (config and pools were not asked). */
  quorum: boolean;
}

const empty = (): Pick<MicroCephLive, 'disks' | 'services' | 'config' | 'pools'> => ({ disks: [], services: [], config: {}, pools: [] });

/**
 * Whether a majority of the monitors' members answer: what `ceph` needs to run at all. Judged from
 * the member list's statuses, so the blocking Ceph reads are never sent to a cluster that would hang.
 */
export function monQuorum(members: readonly MicroMember[], services: readonly ServicePlacement[]): boolean {
  const mons = services.filter((s) => s.service === 'mon');
  if (mons.length === 0) return true;
  const up = mons.filter((s) => members.find((m) => m.name === s.location)?.status === 'ONLINE').length;
  return up * 2 > mons.length;
}

/**
 * The app parts of an initialized daemon. `members` is the member list when known (needed to judge
 * quorum before config or pools are asked).
 */
async function readApp(host: Host, parts: ReadonlySet<CephPart>, members: MicroMember[] | null): Promise<Omit<CephClusterView, 'members'>> {
  const [disks, services] = await Promise.all([
    parts.has('disks') ? get<CephDiskJson[] | null>(host, 'microceph', '/1.0/disks').then(mapCephDisks) : [],
    parts.has('services') || (members && (parts.has('config') || parts.has('pools')))
      ? get<PlacementJson[] | null>(host, 'microceph', '/1.0/services').then(mapPlacements) : [],
  ]);
  const quorum = members ? monQuorum(members, services) : true;
  const [config, pools] = await Promise.all([
    parts.has('config') && quorum
      // The handler decodes a JSON body even on GET: `{}` asks for every key (rest-apis.md §3).
      ? get<CephConfigJson[] | null>(host, 'microceph', '/1.0/configs', {}).then(mapCephConfig) : {},
    parts.has('pools') && quorum ? get<CephPoolJson[] | null>(host, 'microceph', '/1.0/pools').then(mapCephPools) : [],
  ]);
  return { disks, services: parts.has('services') ? services : [], config, pools, quorum };
}

async function read(host: Host, parts: ReadonlySet<CephPart>): Promise<MicroCephLive> {
  const core: CoreState = await readCore(host, 'microceph', { server: parts.has('server'), members: parts.has('members') });
  if (!core.initialized) return { ...core, ...empty() };
  const app = await readApp(host, parts, parts.has('members') ? core.members : null);
  const { quorum, ...rest } = app;
  return { ...core, ...rest, ...(quorum ? {} : { quorum: false }) };
}

/**
 * MicroCeph's state on the machine, or null when it is not installed there (no socket). Only the
 * parts asked for are read (default: all); the others are left empty.
 */
export function readMicroCeph(host: Host, opts: { parts?: readonly CephPart[] } = {}): Promise<MicroCephLive | null> {
  return whenInstalled(() => read(host, new Set(opts.parts ?? ALL_CEPH_PARTS)));
}

/**
 * The cluster-wide parts, from one initialized member: null when that member turns out not to be
 * initialized after all (it answered 503 "not yet initialized").
 */
export async function readCephCluster(host: Host): Promise<CephClusterView | null> {
  const members = await readCoreMembers(host, 'microceph');
  if (members === null) return null;
  const app = await readApp(host, new Set<CephPart>(['disks', 'services', 'config', 'pools']), members);
  return { members, ...app };
}
