// Reading a machine's host facts: four read-only commands, run side by side on the one connection.
// None needs root, so none goes through sudo.
import type { Host } from '../remote/index.js';
import { RemoteCommandFailed } from '../remote/index.js';
import type { HostFacts } from '../plan/live.js';
import { parseDefaultRoute, parseHostname, parseIpAddr, parseSnapList } from './host-parse.js';

const READ = { sudo: false, timeoutMs: 30_000, idempotent: true } as const;

const text = (b: Buffer): string => b.toString('utf8');

/** `snap list`, or no snaps where snapd is missing (Debian's LXD is a deb). */
async function snaps(host: Host): Promise<HostFacts['snaps']> {
  const argv = ['snap', 'list'];
  const r = await host.exec(argv, { ...READ, check: false });
  if (r.exitCode === 0) return parseSnapList(text(r.stdout));
  if (r.exitCode === 127) return [];
  throw new RemoteCommandFailed(host.name, argv.join(' '), r.exitCode, r.signal, text(r.stderr).slice(-2000));
}

/**
 * Hostname, interfaces with addresses and state, the IPv4 default route and the installed snaps.
 * Interface kinds come from `ip -d`; gather refines them with LXD's view where `ip` says none.
 */
export async function readHostFacts(host: Host): Promise<HostFacts> {
  const [hostname, addrs, route, installed] = await Promise.all([
    host.exec(['hostname'], READ),
    host.exec(['ip', '-d', '-j', 'address', 'show'], READ),
    host.exec(['ip', '-4', '-j', 'route', 'show', 'default'], READ),
    snaps(host),
  ]);
  return {
    hostname: parseHostname(text(hostname.stdout)),
    interfaces: parseIpAddr(text(addrs.stdout)),
    defaultRoute: parseDefaultRoute(text(route.stdout)),
    snaps: installed,
  };
}
