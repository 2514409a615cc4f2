// The value of network.ovn.northbound_connection as MicroCloud computes it: `ssl:<ip>:6641` for every
// MicroOVN member running central (GET /1.0/services, addresses from the member list), sorted.
import type { Host } from '../../remote/index.js';
import { microReady } from './micro.js';

export { NORTHBOUND_KEY } from '../../preseed/lxd-config.js';
const NB_PORT = 6641;

const ipOf = (address: string): string => address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
const hostPort = (ip: string): string => (ip.includes(':') ? `[${ip}]:${NB_PORT}` : `${ip}:${NB_PORT}`);

/** null when MicroOVN is not initialized on `host` (nothing to point LXD at yet). */
export async function liveNorthbound(host: Host): Promise<string | null> {
  if (!(await microReady(host, 'microovn'))) return null;
  const services = (await host.request<{ service: string; location: string }[] | null>('microovn', 'GET', '/1.0/services')).metadata ?? [];
  const members = (await host.request<{ name: string; address: string }[] | null>('microovn', 'GET', '/core/1.0/cluster')).metadata ?? [];
  const centrals = services.filter((s) => s.service === 'central').map((s) => members.find((m) => m.name === s.location)?.address);
  const value = centrals.filter((a): a is string => !!a).map((a) => `ssl:${hostPort(ipOf(a))}`).sort().join(',');
  return value || null;
}
