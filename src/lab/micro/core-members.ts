// What /core/1.0 tells about the daemon and its cluster: GET /core/1.0, the member list with roles,
// heartbeats and reachability, and DELETE /core/1.0/cluster/{name} with its PreRemove hook.
import { syncResponse } from '../envelope.js';
import type { LabRequest, LabResponse } from '../types.js';
import type { MicroclusterCore } from './core.js';
import { DB_ONLINE, type CoreDaemon } from './core-types.js';
import { goTime, plainError, quote, statusError, unreachableError, wrapError } from './go.js';

/** microcluster v3's internal schema update count. */
const SCHEMA_INTERNAL = 7;

export function api10<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>): LabResponse {
  return syncResponse({
    name: d.name,
    address: d.address,
    version: core.version(d.machine),
    ready: d.status === DB_ONLINE,
    extensions: core.extensions(),
  });
}

export async function clusterGet<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>): Promise<LabResponse> {
  if (d.status !== DB_ONLINE || !d.cluster) throw statusError(503, d.status);
  const cluster = d.cluster;
  await core.db(cluster);
  core.maybeHeartbeat(cluster);
  const members = [...cluster.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Each member, itself included, is probed in turn (GET /core/1.0/ready, 30 s timeout): the cost
  // grows with the members (canonical/microcluster internal/rest/resources/cluster.go clusterGet at
  // e950e52e06d8801a422006ae5f5de4f8f471d787). The lab charges it: MicroclusterCore.probeReady.
  const online = new Map<string, boolean>();
  for (const m of members) online.set(m.name, await core.probeReady(m, m.machine === d.machine));
  return syncResponse(members.map((m) => ({
    name: m.name,
    address: m.address,
    certificate: m.certificate,
    role: m.role,
    schema_internal_version: SCHEMA_INTERNAL,
    schema_external_version: core.app.schemaExternal,
    last_heartbeat: goTime(m.heartbeat),
    status: online.get(m.name) ? 'ONLINE' : 'UNREACHABLE',
    extensions: core.extensions(),
    secret: '',
  })));
}

/**
 * clusterMemberDelete (canonical/microcluster internal/rest/resources/cluster.go, e950e52e06d8801a422006ae5f5de4f8f471d787):
 * the leader asks the member to run its PreRemove hook (an error stops the removal unless forced),
 * deletes it from the database and dqlite, then asks it to reset (ResetClusterMember, whose error
 * a forced removal ignores): so a member that is down, removed with force, keeps its state.
 */
export async function clusterMemberDelete<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>, req: LabRequest, p: Record<string, string>): Promise<LabResponse> {
  const cluster = d.cluster!;
  const name = p['name'] ?? '';
  const force = req.query.get('force') === '1';
  const member = cluster.members.find((m) => m.name === name);
  if (!member) throw plainError(`No remote exists with the given name ${quote(name)}`);
  const pending = cluster.members.filter((m) => m.role === 'PENDING').length;
  if (cluster.members.length - pending < 1) {
    throw plainError('Cannot remove cluster members, there are no remaining non-pending members');
  }
  if (cluster.members.length < 2) throw plainError(`Cannot leave a cluster with ${cluster.members.length} members`);
  // The leader asks the departing member to run its PreRemove hook.
  if (!core.reachable(member)) {
    if (!force) {
      const url = `https://${member.address}/core/internal/hooks/pre-remove?target=${encodeURIComponent(name)}`;
      throw plainError(unreachableError('POST', url, member.address));
    }
  } else {
    try {
      core.app.preRemove?.(cluster, member, force);
    } catch (e) {
      if (!force) throw wrapError(`Failed to execute pre-remove hook on cluster member ${quote(name)}: `, e);
    }
  }
  core.removeMember(cluster, member, core.reachable(member));
  return syncResponse({});
}
