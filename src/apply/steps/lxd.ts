// Reading LXD for the step runners: the server (GET /1.0, ETag included), cluster members, pools,
// networks. Shapes are the parts of shared/api the runners use.
import type { Host } from '../../remote/index.js';
import { enc, getOrNull, withQuery } from './common.js';

export interface LxdServer {
  config: Record<string, string>;
  api_extensions: string[];
  environment: {
    server_clustered: boolean;
    server_name: string;
    certificate: string;
    certificate_fingerprint: string;
  };
}

export interface LxdObject {
  name: string;
  description: string;
  status: string;
  config: Record<string, string>;
  locations: string[];
  used_by?: string[];
}

export interface LxdPoolObject extends LxdObject { driver: string }
export interface LxdNetworkObject extends LxdObject { type: string; managed: boolean }

/** GET /1.0 (on `target` when given: member-local keys live there). */
export async function lxdServer(host: Host, target?: string | null): Promise<{ server: LxdServer; etag: string | undefined }> {
  const r = await host.request<LxdServer>('lxd', 'GET', withQuery('/1.0', { target }));
  const server = r.metadata;
  return { server: { ...server, config: server.config ?? {}, api_extensions: server.api_extensions ?? [] }, etag: r.etag };
}

/** Member names of the cluster `host` belongs to; [] while it is standalone. */
export async function lxdMemberNames(host: Host): Promise<string[]> {
  const { server } = await lxdServer(host);
  if (!server.environment.server_clustered) return [];
  const urls = (await host.request<string[]>('lxd', 'GET', '/1.0/cluster/members')).metadata ?? [];
  return urls.map((u) => decodeURIComponent(u.slice(u.lastIndexOf('/') + 1)));
}

export const getPool = (host: Host, name: string): Promise<LxdPoolObject | null> =>
  getOrNull<LxdPoolObject>(host, 'lxd', `/1.0/storage-pools/${enc(name)}`);

export const getNetwork = (host: Host, name: string): Promise<LxdNetworkObject | null> =>
  getOrNull<LxdNetworkObject>(host, 'lxd', `/1.0/networks/${enc(name)}`);

/**
 * Whether a pool or network that is not created yet carries global config already: an earlier
 * finalize failed part-way, and LXD only accepts a retry without global config.
 */
export function partiallyCreated(o: LxdObject | null): boolean {
  return o !== null && o.status !== 'Created' && (o.status === 'Errored' || Object.keys(o.config ?? {}).length > 0);
}
