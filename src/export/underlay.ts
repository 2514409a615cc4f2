// Which `ovn_underlay_ip`s an export writes, from MicroOVN's ovn-encap-ip on each machine (read by
// src/services/microovn-encap.ts). MicroOVN uses the member's own address when it is given none
// (canonical/microovn microovn/ovn/bootstrap.go, join.go at 7943959a66891dd59b25f573a5cfa8731ea97a5e),
// and MicroCloud passes ovn-encap-ip only when the preseed gives one. So a site whose chassis all
// encapsulate on their own addresses is written without the key: a copy edited for another site
// then follows its new addresses, as MicroCloud would. A site with a separate underlay gets it on
// every system, the ones on their own address too, because MicroCloud's preseed takes it on all
// systems or none (cmd/microcloud/preseed.go; our src/preseed/rules.ts). What would make the file
// fail to plan is left out with a warning instead: a machine without a chassis address, one that
// could not be read, an address not on any of its interfaces (the planner's preflight refuses it).
import { canonicalIp } from '../preseed/net.js';
import { interfaceAddress } from '../plan/topology.js';
import { reachable, type LiveState } from '../live/state.js';

/** What the read of one machine gave: the address (null: the key is not set), or why it failed. */
export type EncapRead = { ip: string | null } | { error: string };

/** The underlay address per system to write, or null to write none. Pure. */
export function underlaysOf(
  live: LiveState,
  encapIps: ReadonlyMap<string, EncapRead> | undefined,
  systems: readonly string[],
  addressOf: (name: string) => string | null,
  warn: (object: string, message: string) => void,
): Map<string, string> | null {
  if (!encapIps || encapIps.size === 0) return null;
  const found = new Map<string, string>();
  const without: string[] = [];
  let failed = false;
  for (const name of systems) {
    const read = encapIps.get(name);
    if (read && 'error' in read) {
      warn(name, `MicroOVN's encapsulation address on ${name} could not be read (${read.error}): ovn_underlay_ip is left out`);
      failed = true;
    } else if (read?.ip) {
      found.set(name, read.ip);
    } else {
      without.push(name);
    }
  }
  const separate = [...found].filter(([name, ip]) => canonicalIp(ip) === null || canonicalIp(ip) !== canonicalIp(addressOf(name) ?? ''));
  if (separate.length === 0 || failed) return null;
  const which = separate.map(([name, ip]) => `${name} (${ip})`).join(', ');
  if (without.length > 0) {
    warn('ovn_underlay_ip', `MicroOVN encapsulates on a separate underlay on ${which} but ${without.join(', ')} has no encapsulation address (no MicroOVN chassis): a preseed gives ovn_underlay_ip to all systems or none, so it is left out`);
    return null;
  }
  for (const [name, ip] of found) {
    const m = reachable(live, name);
    if (canonicalIp(ip) === null) {
      warn(name, `MicroOVN's encapsulation address on ${name} is ${JSON.stringify(ip)}, not an IP address: ovn_underlay_ip is left out`);
      return null;
    }
    if (!m || !interfaceAddress(m, ip)) {
      warn(name, `MicroOVN's encapsulation address on ${name}, ${ip}, is on none of its interfaces: ovn_underlay_ip is left out (plan would refuse it)`);
      return null;
    }
  }
  return found;
}
