// `export`'s shell: reach the site, read it with gather (the readers `plan` uses), and hand the
// LiveState and the endpoints to the pure core (src/export/preseed.ts). Two ways in: a file's systems
// and ssh: settings (every machine where the file says), or one member, DEST, whose LXD cluster
// names the rest: they are reached at their cluster addresses with DEST's SSH settings, and
// ~/.ssh/config and the usual host-key rules apply to each. The host keys the connections accepted
// are pinned in the export. Prints nothing.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { connect as connectHost, type Host, type RemoteLogger, type SshTarget } from '../remote/index.js';
import { gather, type Gathered } from './gather.js';
import { destinationSystem, type ConnectSystem } from '../export/connect.js';
import { exportPreseed, hostOfUrl, type ExportEndpoint, type ExportResult } from '../export/preseed.js';
import { READ_CONNECT } from './pipeline.js';
import { readSshConfig } from './ssh-config.js';
import { systemTargets, type MachineTarget } from './targets.js';
import { toolVersion } from './version.js';
import { lxdClusterOf, recordOf } from '../live/state.js';
import { readEncapIp } from '../services/microovn-encap.js';
import type { EncapRead } from '../export/underlay.js';

export type ExportSource =
  | { kind: 'dest'; dest: { host: string; user?: string; port?: number }; text: string }
  | { kind: 'connect'; file: string; systems: ConnectSystem[] };

export interface ExportSiteOptions {
  parallelism: number | undefined;
  trustOnFirstUse: boolean;
  logger: RemoteLogger;
  /** For `~` and ~/.ssh/config; default: this user's home. */
  home?: string;
  /** Where relative paths of DEST's settings resolve; default: the process's. */
  cwd?: string;
  /** Replaces the remote layer's connect (tests). */
  connectFn?: typeof connectHost;
}

export type Exported =
  | { ok: true; result: ExportResult; systems: string[] }
  | { ok: false; unreachable: { name: string; reason: string }[] };

/** 24 random bytes: MicroCloud's rules want a passphrase, this tool never uses it. */
export const freshPassphrase = (): string => randomBytes(24).toString('base64url');

export async function exportSite(source: ExportSource, opts: ExportSiteOptions): Promise<Exported> {
  const home = opts.home || homedir();
  const sshConfig = await readSshConfig(home);
  for (const note of sshConfig.notes) opts.logger.debug(note);
  const targetOpts = { sshConfig, onNote: (machine: string, note: string) => opts.logger.debug(note, { machine }) };
  const keys = new Map<string, string>();
  const connect = { ...READ_CONNECT, trustOnFirstUse: opts.trustOnFirstUse, logger: opts.logger, onHostKey: (name: string, fp: string) => keys.set(name, fp) };
  const open = opts.connectFn ?? connectHost;
  const read = (targets: MachineTarget[], reuse?: { name: string; host: Host }): Promise<Gathered> => gather(targets, {
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    connect,
    connectFn: (t, o) => (reuse && t.name === reuse.name ? Promise.resolve(reuse.host) : open(t, o)),
  });

  let targets: MachineTarget[];
  let gathered: Gathered;
  if (source.kind === 'connect') {
    targets = systemTargets(source.systems, targetOpts);
    gathered = await read(targets);
  } else {
    const dest = destinationSystem(source.dest, { baseDir: opts.cwd ?? process.cwd(), homeDir: home });
    const [first] = systemTargets([dest], targetOpts);
    const probe = await read([first!]);
    const m = recordOf(probe.live, dest.name);
    const host = probe.hosts.get(dest.name);
    if (!m || !host) {
      await probe.close();
      const reason = probe.live.machines[dest.name];
      return { ok: false, unreachable: [{ name: source.text, reason: reason && !reason.reachable ? reason.reason : 'not read' }] };
    }
    if (!m.lxd) {
      await probe.close();
      return { ok: false, unreachable: [{ name: source.text, reason: 'LXD is not installed there (no LXD socket): there is no site to export' }] };
    }
    const self = m.lxd.serverName;
    const members = lxdClusterOf(probe.live, dest.name)?.members ?? [];
    // DEST first: it is the initiator of the export.
    const others = members.filter((x) => x.name !== self).map((x): ConnectSystem => ({ name: x.name, ssh: { ...dest.ssh, host: hostOfUrl(x.url) } }));
    targets = [{ key: self, target: { ...first!.target, name: self } }, ...systemTargets(others, targetOpts)];
    const fp = keys.get(dest.name);
    if (fp) keys.set(self, fp);
    gathered = await read(targets, { name: self, host });
  }
  try {
    const unreachable = Object.entries(gathered.live.machines).flatMap(([name, x]) => (x.reachable ? [] : [{ name, reason: x.reason }]));
    if (unreachable.length > 0) return { ok: false, unreachable };
    const endpoints = new Map(targets.map((t) => [t.key, endpointOf(t.target, keys.get(t.key) ?? null)] as const));
    const systems = targets.map((t) => t.key);
    const encapIps = await readEncapIps(gathered, systems);
    const result = exportPreseed({
      live: gathered.live, systems, endpoints, version: toolVersion(), passphrase: freshPassphrase(), encapIps,
      source: source.kind === 'connect' ? `the machines of ${source.file}` : source.text,
    });
    return { ok: true, result, systems };
  } finally {
    await gathered.close();
  }
}

/** MicroOVN's ovn-encap-ip on each machine whose MicroOVN is initialized: a read only export makes
 *  (plan does not need it), after gather, over the connections gather opened. */
async function readEncapIps(gathered: Gathered, systems: string[]): Promise<Map<string, EncapRead>> {
  const names = systems.filter((name) => recordOf(gathered.live, name)?.microovn?.initialized && gathered.hosts.has(name));
  const reads = await Promise.all(names.map(async (name): Promise<EncapRead> => {
    try {
      return { ip: await readEncapIp(gathered.hosts.get(name)!) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }));
  return new Map(names.map((name, i) => [name, reads[i]!]));
}

function endpointOf(t: SshTarget, hostKey: string | null): ExportEndpoint {
  return {
    host: t.host, port: t.port ?? 22, user: t.user ?? 'root', identityFile: t.identityFile ?? null, hostKey,
    jump: t.jump ? { user: t.jump.user ?? 'root', host: t.jump.host, port: t.jump.port ?? 22 } : null,
  };
}
