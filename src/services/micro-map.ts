// microcluster's answers (reference/rest-apis.md §2–§4) as the facts of MicroCephLive and
// MicroOvnLive. Pure: JSON in, domain values out.
import type { CephOsd, CephPool, MicroMember, ServicePlacement } from '../live/state.js';
import type { CephConfigJson, CephDiskJson, CephPoolJson, CoreMemberJson, CoreServerJson, PlacementJson } from './api-types.js';

export const NOT_INITIALIZED = 'Database is not yet initialized';

/** GET /core/1.0: the version, and whether the database is open (false before bootstrap or join). */
export function mapCoreServer(j: CoreServerJson): { version: string; ready: boolean } {
  return { version: j.version ?? '', ready: j.ready === true };
}

/** GET /core/1.0/cluster */
export function mapMicroMembers(list: CoreMemberJson[] | null): MicroMember[] {
  return (list ?? []).map((m) => ({ name: m.name ?? '', address: m.address ?? '', role: m.role ?? '', status: m.status ?? '' }));
}

/** GET /1.0/services of MicroCeph or MicroOVN. */
export function mapPlacements(list: PlacementJson[] | null): ServicePlacement[] {
  return (list ?? []).map((s) => ({ service: s.service ?? '', location: s.location ?? '' }));
}

/** GET /1.0/disks (MicroCeph): every OSD of the cluster. */
export function mapCephDisks(list: CephDiskJson[] | null): CephOsd[] {
  return (list ?? []).map((d) => ({ osd: typeof d.osd === 'number' ? d.osd : -1, path: d.path ?? '', location: d.location ?? '' }));
}

/** GET /1.0/configs (MicroCeph): raw `ceph config get` output, so values are trimmed. No keys set answers null. */
export function mapCephConfig(list: CephConfigJson[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of list ?? []) if (c.key) out[c.key] = (c.value ?? '').trim();
  return out;
}

/** GET /1.0/pools (MicroCeph). */
export function mapCephPools(list: CephPoolJson[] | null): CephPool[] {
  return (list ?? []).map((p) => ({ name: p.pool ?? '', size: typeof p.size === 'number' ? p.size : 0 }));
}
