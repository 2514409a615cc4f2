// Host facts from what the machine's commands print: `hostname`, `ip -d -j address show` and
// `ip -4 -j route show default`. Pure: text in, HostFacts pieces out.
import type { HostInterface } from '../live/state.js';
import type { IpAddrEntry, IpRouteEntry } from './api-types.js';

/** A command printed something the parser cannot read; the message says which command. */
export class HostOutputError extends Error {
  override readonly name = 'HostOutputError';
}

function json<T>(what: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    const excerpt = text.trim().slice(0, 120);
    throw new HostOutputError(`\`${what}\` did not print JSON${excerpt ? ` (got: ${excerpt})` : ' (empty output)'}`);
  }
}

export function parseHostname(stdout: string): string {
  const name = stdout.trim();
  if (!name) throw new HostOutputError('`hostname` printed nothing');
  return name;
}

const KINDS: Record<string, HostInterface['kind']> = { bridge: 'bridge', bond: 'bond', vlan: 'vlan' };

function kindOf(e: IpAddrEntry): HostInterface['kind'] {
  if (e.link_type === 'loopback') return 'loopback';
  const info = e.linkinfo?.info_kind;
  if (info) return KINDS[info] ?? 'other';
  return e.link_type === undefined || e.link_type === 'ether' ? 'physical' : 'other';
}

/**
 * `ip -d -j address show`. An interface is up when its administrative UP flag is set (what LXD's
 * network state and MicroCloud's uplink rule use), whatever the carrier says. iproute2 prints `{}`
 * for links filtered out; those are skipped.
 */
export function parseIpAddr(stdout: string): HostInterface[] {
  const entries = json<unknown>('ip -d -j address show', stdout);
  if (!Array.isArray(entries)) throw new HostOutputError('`ip -d -j address show` did not print a JSON list');
  return (entries as IpAddrEntry[])
    .filter((e) => typeof e?.ifname === 'string' && e.ifname !== '')
    .map((e) => ({
      name: e.ifname!,
      kind: kindOf(e),
      state: (e.flags ?? []).includes('UP') || e.operstate === 'UP' ? 'up' : 'down',
      addresses: (e.addr_info ?? [])
        .filter((a) => typeof a.local === 'string' && typeof a.prefixlen === 'number')
        .map((a) => `${a.local}/${a.prefixlen}`),
    }));
}

/**
 * Interface kinds `ip` cannot tell (without -d, or on an iproute2 that prints no linkinfo) from
 * LXD's view of the host's unmanaged interfaces (GET /1.0/networks: type bridge, bond, vlan…).
 */
export function refineKinds(interfaces: HostInterface[], lxdTypes: ReadonlyMap<string, string>): HostInterface[] {
  return interfaces.map((i) => {
    if (i.kind !== 'physical') return i;
    const t = lxdTypes.get(i.name);
    return t && t in KINDS ? { ...i, kind: KINDS[t]! } : i;
  });
}

/** `ip -4 -j route show default`: the first default route with a gateway, else null. */
export function parseDefaultRoute(stdout: string): { gateway: string; dev: string } | null {
  if (stdout.trim() === '') return null;
  const routes = json<unknown>('ip -4 -j route show default', stdout);
  if (!Array.isArray(routes)) throw new HostOutputError('`ip -4 -j route show default` did not print a JSON list');
  const r = (routes as IpRouteEntry[]).find((x) => x?.dst === 'default' && typeof x.gateway === 'string' && typeof x.dev === 'string');
  return r ? { gateway: r.gateway!, dev: r.dev! } : null;
}
