// The value of network.ovn.northbound_connection as MicroCloud computes it: `ssl:<ip>:6641` for every
// MicroOVN member running central (its services, addresses from the member list), sorted.
import type { MicroOvnLive } from '../../live/state.js';

export { NORTHBOUND_KEY } from '../../preseed/lxd-config.js';
const NB_PORT = 6641;

const ipOf = (address: string): string => address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
const hostPort = (ip: string): string => (ip.includes(':') ? `[${ip}]:${NB_PORT}` : `${ip}:${NB_PORT}`);

/** null when MicroOVN is not initialized (nothing to point LXD at yet). Pure: over what readMicroOvn read. */
export function northboundOf(ovn: MicroOvnLive | null | undefined): string | null {
  if (!ovn?.initialized) return null;
  const centrals = ovn.services.filter((s) => s.service === 'central').map((s) => ovn.members.find((m) => m.name === s.location)?.address);
  const value = centrals.filter((a): a is string => !!a).map((a) => `ssl:${hostPort(ipOf(a))}`).sort().join(',');
  return value || null;
}
