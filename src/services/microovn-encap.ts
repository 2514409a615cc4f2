// MicroOVN's encapsulation (Geneve underlay) address on one machine. MicroOVN writes it, when it
// enables the chassis, only into the local Open vSwitch database: `ovs-vsctl set open_vswitch .
// external_ids:ovn-encap-ip=<ip>`, the init config's `ovn-encap-ip` or else the member's own address
// (canonical/microovn microovn/ovn/bootstrap.go and join.go at 7943959a66891dd59b25f573a5cfa8731ea97a5e,
// the same in branch-24.03 77a702704cc1 and branch-26.03 1ea12c7db6bf). No REST endpoint shows it in
// any of them: microovn/api/ has services, config (whose only key is ovn.central-ips), certificates
// and ovsdb. So it is read the way MicroOVN sets it, through the snap's ovs-vsctl (root only: the
// database socket is root's). Only `export` reads it; plan does not need it (MicroOVN cannot change
// a running chassis' underlay, so the planner never compares it).
import type { Host } from '../remote/index.js';

const ARGV = ['microovn.ovs-vsctl', '--timeout=10', '--if-exists', 'get', 'open_vswitch', '.', 'external_ids:ovn-encap-ip'] as const;

/** The chassis' ovn-encap-ip, or null when the key is not set (no chassis was ever enabled there). */
export async function readEncapIp(host: Host): Promise<string | null> {
  // check (the default) throws RemoteCommandFailed with ovs-vsctl's own message on a non-zero exit.
  const r = await host.exec(ARGV, { timeoutMs: 30_000, idempotent: true });
  return parseOvsdbString(r.stdout.toString('utf8'));
}

/**
 * One line of `ovs-vsctl get … column:key` with --if-exists: empty when the key is missing, else the
 * value as ovsdb_atom_to_string writes a string (openvswitch/ovs lib/ovsdb-data.c at d6a632a9b16e):
 * a JSON string when it needs quotes (every IP address does), a bare word otherwise.
 */
export function parseOvsdbString(text: string): string | null {
  const line = text.replace(/\r?\n$/, '');
  if (line.includes('\n')) throw new Error(`ovs-vsctl printed more than one line: ${JSON.stringify(text.slice(0, 200))}`);
  if (line === '') return null;
  if (!line.startsWith('"')) return line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string') throw new Error(`ovs-vsctl printed a value that is not an OVSDB string: ${JSON.stringify(line.slice(0, 200))}`);
  return value;
}
