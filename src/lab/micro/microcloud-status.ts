// MicroCloud's GET /1.0/status for one member, as statusGet builds it from the daemons on its own
// machine (canonical/microcloud api/status.go and api/types/status.go at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741,
// the same fields at tag 2.1.3): its MicroCloud, LXD, MicroCeph and MicroOVN member lists, and the OSDs,
// Ceph services and OVN services located on it. `microcloud status` (cmd/microcloud/status.go) draws
// its table and warnings from these.
//
// Go's quirks are kept because the CLI reads them: a service whose read failed, or that is not
// initialized, has `null` members; OSDs and service lists start as [] but become null when MicroCeph
// or MicroOVN is installed and has none on this member (or failed); the clusters map is encoded with
// sorted keys.

/** One answer of a daemon on the machine: the HTTP status and the envelope's error and metadata. */
export interface LocalAnswer { status: number; error: string; metadata: unknown }

export type LocalService = 'microcloud' | 'lxd' | 'microceph' | 'microovn';

/** A GET on one of the member's own daemons over its socket; null when the daemon is not installed. */
export type LocalGet = (service: LocalService, path: string) => Promise<LocalAnswer | null>;

export interface MemberStatus {
  name: string;
  address: string;
  clusters: Record<string, unknown[] | null>;
  osds: unknown[] | null;
  ceph_services: unknown[] | null;
  ovn_services: unknown[] | null;
}

type Rows = Record<string, unknown>[];
const ZERO_TIME = '0001-01-01T00:00:00Z';

const okRows = (a: LocalAnswer | null): Rows | null =>
  (a !== null && a.status === 200 && Array.isArray(a.metadata) ? (a.metadata as Rows) : null);

/** microStatus: the member list, or nil when the read failed (a 503 is no error, just nil). */
async function microMembers(get: LocalGet, service: LocalService): Promise<{ members: Rows | null; failed: boolean }> {
  const a = await get(service, '/core/1.0/cluster');
  if (a === null) return { members: null, failed: true };
  if (a.status === 503) return { members: null, failed: false };
  const rows = okRows(a);
  return { members: rows, failed: rows === null };
}

/** The entries located on this member, or nil when there are none (Go appends to a nil slice). */
function located(rows: Rows, name: string): Rows | null {
  const here = rows.filter((r) => r['location'] === name);
  return here.length > 0 ? here : null;
}

/** cephStatus / ovnStatus: members, then the service's own lists; any failure nils all of them. */
async function microService(get: LocalGet, service: 'microceph' | 'microovn', name: string): Promise<{ members: Rows | null; disks: Rows | null; services: Rows | null }> {
  const none = { members: null, disks: null, services: null };
  const { members, failed } = await microMembers(get, service);
  if (failed) return none;
  let disks: Rows | null = null;
  if (service === 'microceph') {
    const all = okRows(await get(service, '/1.0/disks'));
    if (all === null) return none;
    disks = located(all, name);
  }
  const services = okRows(await get(service, '/1.0/services'));
  if (services === null) return none;
  return { members, disks, services: located(services, name) };
}

/** lxdStatus: LXD's members as microcluster ClusterMembers, nil unless LXD is clustered. */
async function lxdMembers(get: LocalGet): Promise<Rows | null> {
  const server = await get('lxd', '/1.0');
  const env = (server?.metadata as { environment?: { server_clustered?: boolean } } | null)?.environment;
  if (server === null || server.status !== 200 || env?.server_clustered !== true) return null;
  const members = okRows(await get('lxd', '/1.0/cluster/members?recursion=1'));
  const certs = okRows(await get('lxd', '/1.0/certificates?recursion=1'));
  if (members === null || certs === null) return null;
  return members.map((m) => {
    const name = String(m['server_name'] ?? '');
    // Upstream dereferences the match unchecked (a member without a server certificate would crash
    // the daemon from a goroutine); LXD keeps one per member, so the lab never meets that case.
    const cert = certs.find((c) => c['type'] === 'server' && c['name'] === name);
    const status = String(m['status'] ?? '');
    return {
      name,
      address: hostPortOf(String(m['url'] ?? '')),
      certificate: cert ? String(cert['certificate'] ?? '') : '',
      role: Array.isArray(m['roles']) ? (m['roles'] as string[]).join(',') : '',
      schema_internal_version: 0,
      schema_external_version: 0,
      last_heartbeat: ZERO_TIME,
      // Online becomes microcluster's ONLINE; every other LXD status is passed on as it is.
      status: status === 'Online' ? 'ONLINE' : status,
      extensions: [],
      secret: '',
    };
  });
}

/** util.CanonicalNetworkAddress(url.Host, 8443) of a member URL "https://10.1.0.11:8443". */
function hostPortOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? u.host : `${u.host}:8443`;
  } catch {
    return url;
  }
}

/**
 * The status of the member whose daemons `get` reaches: `name` is the handler's (the hostname the
 * daemon started with), `address` the host part of MicroCloud's listen address ("" before init).
 */
export async function memberStatus(get: LocalGet, name: string, address: string, installed: { microceph: boolean; microovn: boolean }): Promise<MemberStatus> {
  const [cloud, lxd, ceph, ovn] = await Promise.all([
    microMembers(get, 'microcloud'),
    lxdMembers(get),
    installed.microceph ? microService(get, 'microceph', name) : undefined,
    installed.microovn ? microService(get, 'microovn', name) : undefined,
  ]);
  // encoding/json writes map keys sorted: LXD, MicroCeph, MicroCloud, MicroOVN.
  const clusters: Record<string, Rows | null> = { LXD: lxd };
  if (ceph) clusters['MicroCeph'] = ceph.members;
  clusters['MicroCloud'] = cloud.members;
  if (ovn) clusters['MicroOVN'] = ovn.members;
  return {
    name,
    address,
    clusters,
    osds: ceph ? ceph.disks : [],
    ceph_services: ceph ? ceph.services : [],
    ovn_services: ovn ? ovn.services : [],
  };
}
