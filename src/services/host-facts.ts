// Reading a machine's host facts: three read-only commands, run by one shell on the machine so that
// they cost one session, not three (a session is a channel, an exec request and a process on both
// ends: more than the commands themselves). Each command's output is framed by a marker line with
// its exit status, so each is judged as if it had run alone. None needs root, so none goes through
// sudo. The script is a constant: nothing from the preseed reaches it. The snaps come from snapd's
// REST API (snapd.ts), read at the same time, not from `snap list`'s text.
import type { Host } from '../remote/index.js';
import { RemoteCommandFailed } from '../remote/index.js';
import type { HostFacts } from '../live/state.js';
import { HostOutputError, parseDefaultRoute, parseHostname, parseIpAddr } from './host-parse.js';
import { readSnapd, type SnapdChange, type SnapdRead } from './snapd.js';

const READ = { sudo: false, timeoutMs: 30_000, idempotent: true, check: false } as const;

export const FACT_COMMANDS = [
  ['hostname'],
  ['ip', '-d', '-j', 'address', 'show'],
  ['ip', '-4', '-j', 'route', 'show', 'default'],
] as const;

const MARK = '@@microcloud-apply@@';

/** `sh -c` script: each command between a start line and an end line carrying its exit status. */
export const FACTS_SCRIPT = FACT_COMMANDS.map((argv) =>
  `printf '%s\\n' '${MARK} ${argv.join(' ')}'; ${argv.join(' ')}; printf '\\n${MARK} %s\\n' "$?"`).join('\n');

interface Section { stdout: string; exitCode: number }

/** Splits the script's output into each command's stdout and exit status. Pure. */
export function splitSections(out: string): Section[] {
  const sections: Section[] = [];
  let pos = 0;
  for (const argv of FACT_COMMANDS) {
    const start = `${MARK} ${argv.join(' ')}\n`;
    const at = out.indexOf(start, pos);
    const bodyStart = at + start.length;
    const end = at < 0 ? -1 : out.indexOf(`\n${MARK} `, bodyStart);
    const lineEnd = end < 0 ? -1 : out.indexOf('\n', end + 1);
    const exitCode = lineEnd < 0 ? NaN : Number(out.slice(end + MARK.length + 2, lineEnd));
    if (!Number.isInteger(exitCode)) {
      throw new HostOutputError(`the host facts script stopped before \`${argv.join(' ')}\` finished (output ends: ${JSON.stringify(out.slice(-120))})`);
    }
    sections.push({ stdout: out.slice(bodyStart, end), exitCode });
    pos = lineEnd + 1;
  }
  return sections;
}

/**
 * Hostname, interfaces with addresses and state, the IPv4 default route, the installed snaps and
 * snapd's version. Interface kinds come from `ip -d`; gather refines them with LXD's view where
 * `ip` says none. A machine without snapd (Debian's LXD is a deb) has no snaps and snapd null.
 */
export async function readHostFacts(host: Host): Promise<HostFacts> {
  const [r, snapd] = await Promise.all([host.exec(['sh', '-c', FACTS_SCRIPT], READ), readSnapd(host)]);
  const stderr = r.stderr.toString('utf8');
  if (r.exitCode !== 0) {
    throw new RemoteCommandFailed(host.name, 'sh -c <host facts>', r.exitCode, r.signal, stderr.slice(-2000));
  }
  const [hostname, addrs, route] = splitSections(r.stdout.toString('utf8')).map((s, i) => {
    if (s.exitCode === 0) return s;
    // The script's stderr is every command's; the failing one wrote its own there.
    throw new RemoteCommandFailed(host.name, FACT_COMMANDS[i]!.join(' '), s.exitCode, null, stderr.slice(-2000));
  }) as [Section, Section, Section];
  return {
    hostname: parseHostname(hostname.stdout),
    interfaces: parseIpAddr(addrs.stdout),
    defaultRoute: parseDefaultRoute(route.stdout),
    ...snapdFacts(snapd),
  };
}

/** The host facts a read of snapd gives: its snaps and its version (null: no snapd). */
export function snapdFacts(snapd: SnapdRead | null): Pick<HostFacts, 'snaps' | 'snapd'> {
  return { snaps: snapd?.snaps ?? [], snapd: snapd ? { version: snapd.version } : null };
}

/** snapd's changes in progress as host facts (none: no field). */
export function snapChangeFacts(changes: readonly SnapdChange[]): Pick<HostFacts, 'snapChanges'> {
  return changes.length > 0 ? { snapChanges: changes.map((c) => ({ id: c.id, kind: c.kind, summary: c.summary, snaps: c.snapNames })) } : {};
}
