// MicroCeph's service placement: the services table (mon, mgr, mds, …, per member), GET
// /1.0/services and /1.0/services/mon, enabling and disabling a service on a member, and the
// restart endpoint's validation.
import { syncResponse } from '../envelope.js';
import type { LabResponse } from '../types.js';
import type { AppRequest, CoreCluster } from './core.js';
import { decodeStruct, decodeValue, parseJsonBody, plainError, statusError, type StructSpec } from './go.js';
import { findIpOnSubnet } from './net.js';
import { byName, memberIds, type CephClusterState } from './ceph-model.js';

const CEPH_SERVICES = new Set(['mon', 'mgr', 'osd', 'mds', 'rgw']);
/** GetServicePlacementTable. */
const PLACEABLE = new Set(['mon', 'mgr', 'mds', 'nfs', 'rgw', 'rbd-mirror', 'cephfs-mirror']);

const ENABLE_SERVICE: StructSpec = { goType: 'types.EnableService', fields: { name: 'string', bool: 'bool', payload: 'string' } };
const SERVICE: StructSpec = {
  goType: 'types.Service', fields: { service: 'string', location: 'string', group_id: 'string', info: 'string' },
};

export function serviceList(c: CoreCluster<CephClusterState>): { service: string; location: string; group_id: string; info: string }[] {
  const ids = memberIds(c.members);
  return [...c.app.services]
    .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0) || byName(a.service, b.service))
    .map((s) => ({ service: s.service, location: s.member, group_id: '', info: '' }));
}

export function monAddresses(c: CoreCluster<CephClusterState>): string[] {
  const ids = memberIds(c.members);
  return c.app.services
    .filter((s) => s.service === 'mon')
    .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0))
    .map((s) => c.app.db.get(`mon.host.${s.member}`))
    .filter((a): a is string => a !== undefined)
    .map((a) => (a.includes(':') && !a.startsWith('v2:') && !a.startsWith('[') ? `[${a}]` : a));
}

export function servicesRestart(r: AppRequest<CephClusterState>): LabResponse {
  const value = parseJsonBody(r.req.rawBody);
  if (value !== null && !Array.isArray(value)) {
    throw plainError(`json: cannot unmarshal ${typeof value === 'object' ? 'object' : typeof value === 'number' ? 'number' : typeof value} into Go value of type types.Services`);
  }
  for (const item of (value ?? []) as unknown[]) {
    const svc = decodeValue(item, SERVICE);
    if (!CEPH_SERVICES.has(svc['service'] as string)) throw plainError(`${svc['service'] as string} is not a valid ceph service`);
  }
  return syncResponse({});
}

/** PUT /1.0/services/<svc>: ServicePlacementHandler. The service is the body's "name"; "bool" is the wait flag. */
export function servicePut(r: AppRequest<CephClusterState>): LabResponse {
  const req = decodeStruct(r.req.rawBody, ENABLE_SERVICE);
  const name = req['name'] as string;
  if (!PLACEABLE.has(name)) throw plainError(`${name} enablement is not supported`);
  if (name === 'rgw' || name === 'nfs') throw plainError(`lab: ${name} enablement is not simulated`);
  const st = r.cluster.app;
  const enable = (): void => {
    if (st.services.some((x) => x.member === r.member.name && x.service === name)) {
      throw plainError(`host failed hospitality check for ${name} enablement: ${name} service already active on host`);
    }
    st.services.push({ member: r.member.name, service: name });
    if (name === 'mon') {
      const ip = findIpOnSubnet(r.core.ctx.spec(r.daemon.machine), st.db.get('public_network') ?? '');
      st.db.set(`mon.host.${r.member.name}`, st.v2Only ? `v2:${ip}:3300` : ip);
    }
  };
  if (req['bool']) enable();
  else {
    // Without the wait flag the enablement runs in the background; its errors only reach the log.
    try { enable(); } catch { /* logged by the daemon */ }
  }
  return syncResponse(null);
}

/** DELETE /1.0/services/<svc>: DeleteService on this member. */
export function serviceDelete(r: AppRequest<CephClusterState>, service: string): LabResponse {
  if (service === 'rgw' || service === 'nfs') throw plainError(`lab: disabling ${service} is not simulated`);
  const st = r.cluster.app;
  const row = st.services.find((x) => x.member === r.member.name && x.service === service);
  if (!row) throw statusError(404, `failed to remove service ${JSON.stringify(service)} from database: Service not found`);
  st.services = st.services.filter((x) => x !== row);
  if (service === 'mon') st.db.delete(`mon.host.${r.member.name}`);
  return syncResponse(null);
}
