// Reading the MicroCloud daemon (microcloudd, the `microcloud` snap) through its control socket,
// /var/snap/microcloud/common/state/control.socket: a microcluster app, read as MicroCeph and
// MicroOVN are (microcluster.ts), in parts. `server` (GET /core/1.0) is per machine: the daemon's
// version, its name and address, and whether its database is open, which is exactly what
// `microcloud status`, `add` and `init` test to call a site initialized (cmd/microcloud/status.go,
// ask.go checkInitialized, CloudService.IsInitialized in service/microcloud.go; canonical/microcloud
// at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741). `members` (GET /core/1.0/cluster) is cluster-wide.
//
// Before bootstrap or join the daemon already listens on [::]:9443 and reports that address
// (DaemonArgs.PreInitListenAddress, cmd/microcloudd/main.go); its name is the hostname.
import { ApiError, type Host } from '../remote/index.js';
import type { MicroCloudLive, MicroMember } from '../live/state.js';
import { readCoreMembers, readCoreServer } from './microcluster.js';
import { whenInstalled } from './read.js';

export type CloudPart = 'server' | 'members';
export const ALL_CLOUD_PARTS: readonly CloudPart[] = ['server', 'members'];

/** What the MicroCloud daemon on a machine says; a part not read is left empty ('' / []). */
export interface MicroCloudRead {
  /** version.RawVersion of the snap, e.g. "2.1.3". */
  version: string;
  /** The database is open: the daemon bootstrapped or joined MicroCloud's cluster. */
  initialized: boolean;
  /** The daemon's member name (its hostname until bootstrap or join). */
  name: string;
  /** Its listen address, "10.1.0.11:9443"; "[::]:9443" before init. */
  address: string;
  members: MicroMember[];
  /** Set only for a daemon without microcluster's /core API (MicroCloud 1.x): unsupported. */
  legacyApi?: true;
}

const EMPTY: MicroCloudRead = { version: '', initialized: false, name: '', address: '', members: [] };

async function read(host: Host, parts: ReadonlySet<CloudPart>): Promise<MicroCloudRead> {
  const [server, members] = await Promise.all([
    parts.has('server') || !parts.has('members') ? readCoreServer(host, 'microcloud') : undefined,
    parts.has('members') ? readCoreMembers(host, 'microcloud').catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return 'legacy' as const;
      throw err;
    }) : undefined,
  ]);
  if (server === null || members === 'legacy') return { ...EMPTY, legacyApi: true };
  const own = server ? { version: server.version, name: server.name, address: server.address } : {};
  if (members === undefined) return { ...EMPTY, ...own, initialized: server!.ready };
  return members === null ? { ...EMPTY, ...own } : { ...EMPTY, ...own, initialized: true, members };
}

/** A read as the planner sees the daemon on one machine (name and address are the reader's extras). */
export const microCloudLive = (r: MicroCloudRead): MicroCloudLive =>
  ({ version: r.version, initialized: r.initialized, members: r.members, ...(r.legacyApi ? { legacyApi: r.legacyApi } : {}) });

/** The MicroCloud daemon on the machine, or null when the microcloud snap is not installed there. */
export function readMicroCloud(host: Host, opts: { parts?: readonly CloudPart[] } = {}): Promise<MicroCloudRead | null> {
  return whenInstalled(() => read(host, new Set(opts.parts ?? ALL_CLOUD_PARTS)));
}
