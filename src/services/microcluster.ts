// What MicroCeph, MicroOVN and the MicroCloud daemon share as microcluster daemons, in two small
// reads that the readers compose: the daemon itself (GET /core/1.0: name, address, version, whether
// its database is open: per machine) and the member list (GET /core/1.0/cluster: cluster-wide). An
// uninitialized daemon answers GET /core/1.0/cluster with 503 "Database is not yet initialized":
// that is the fact.
//
// GET /core/1.0/cluster is not cheap on a real daemon: it probes every member's /core/1.0/ready in
// turn, each with a 30 s timeout (canonical/microcluster internal/rest/resources/cluster.go
// clusterGet at e950e52e06d8801a422006ae5f5de4f8f471d787), so gather asks one member per cluster.
//
// A daemon whose microcluster predates the rename of /cluster/1.0 to /core/1.0 (canonical/microcluster
// ff48636c5719db4e8d6af10f1220c5c65ddcd83b; MicroCeph reef v18.2.4+reef, a97ae91192dca7860b84a919b35634eb6ff5dfce,
// pins 3d587817830c) answers 404 on /core/1.0. MicroCloud reports "The installed version of %s is not
// supported" (canonical/microcloud service/microceph.go GetVersion at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741);
// the reader records it as `legacyApi` and preflight says which version to move to.
import { ApiError, type Host } from '../remote/index.js';
import type { MicroMember } from '../live/state.js';
import type { CoreMemberJson, CoreServerJson } from './api-types.js';
import { mapMicroMembers } from './micro-map.js';
import { getUnlessUninitialized, isNotInitialized } from './read.js';

export type MicroService = 'microceph' | 'microovn';
/** Every daemon built on microcluster that the tool reads: the services, and MicroCloud's own daemon. */
export type CoreService = MicroService | 'microcloud';

export interface CoreState {
  version: string;
  initialized: boolean;
  members: MicroMember[];
  /** Set only when the daemon serves microcluster's pre-2024 /cluster/1.0 API (no /core/1.0). */
  legacyApi?: true;
}

/** GET /core/1.0: who the daemon is. `ready` is false before bootstrap or join. */
export interface CoreServer {
  name: string;
  address: string;
  version: string;
  ready: boolean;
}

/** GET /core/1.0; null when the daemon has no /core API (404: the pre-rename microcluster). */
export async function readCoreServer(host: Host, service: CoreService): Promise<CoreServer | null> {
  try {
    const j = await getUnlessUninitialized<CoreServerJson>(host, service, '/core/1.0');
    return { name: j.name ?? '', address: j.address ?? '', version: j.version ?? '', ready: j.ready === true };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** GET /core/1.0/cluster: the members, or null when the daemon is not initialized. */
export async function readCoreMembers(host: Host, service: CoreService): Promise<MicroMember[] | null> {
  try {
    return mapMicroMembers(await getUnlessUninitialized<CoreMemberJson[] | null>(host, service, '/core/1.0/cluster'));
  } catch (err) {
    if (isNotInitialized(err)) return null;
    throw err;
  }
}

/** What a daemon without the /core API looks like to the planner. */
export const LEGACY_CORE: CoreState = { version: '', initialized: false, members: [], legacyApi: true };

/**
 * The core facts from the reads asked for: `server` (GET /core/1.0) tells the version and whether
 * the daemon is initialized, `members` (GET /core/1.0/cluster) tells the members and, by its 503,
 * whether it is initialized. A part not asked for is left empty ('' / []).
 */
export async function readCore(host: Host, service: CoreService, parts: { server: boolean; members: boolean } = { server: true, members: true }): Promise<CoreState> {
  const [server, members] = await Promise.all([
    parts.server || !parts.members ? readCoreServer(host, service) : undefined,
    parts.members ? readCoreMembers(host, service).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }) : undefined,
  ]);
  if (server === null || (parts.members && members === undefined && !parts.server)) return { ...LEGACY_CORE };
  const version = server?.version ?? '';
  if (parts.members) {
    if (members === undefined) return { ...LEGACY_CORE };
    return members === null ? { version, initialized: false, members: [] } : { version, initialized: true, members };
  }
  return { version, initialized: server!.ready, members: [] };
}
