// Where each machine of a preseed is reached: the SSH endpoint of every listed system and, for a
// file that adds machines to an existing cluster, of its initiator (not listed in `systems`), which
// gets the top-level `ssh:` defaults with host = initiator_address, else the initiator's name.
// With the operator's ~/.ssh/config (read by ssh-config.ts), the name the tool connects to (ssh.host,
// else address, else name) is looked up in it as `ssh <name>` would: HostName, User, Port,
// IdentityFile, UserKnownHostsFile and ProxyJump apply, except where the preseed sets the key
// itself, per system or in the top-level `ssh:` defaults (those always win). Order: preseed system
// ssh > preseed top-level ssh > ~/.ssh/config > built-in defaults (root, 22, ~/.ssh/known_hosts,
// the agent then ~/.ssh/id_*).
// Which keys the file sets is in each endpoint's `written` (src/preseed/desired.ts).
// Pure: the DesiredState and the parsed config in, remote-layer targets out.
import type { DesiredState, SshEndpoint } from '../preseed/desired.js';
import type { SshTarget } from '../remote/index.js';
import { initiatorKey } from '../plan/topology.js';
import { expandSshPath, lookupSshConfig, type JumpSpec, type PathTokens, type SshConfigFile } from './ssh-config.js';

export interface MachineTarget {
  /** The machine's key in LiveState: the system's name, or initiatorKey(desired). */
  key: string;
  target: SshTarget;
}

export function sshTarget(key: string, ep: SshEndpoint): SshTarget {
  const common = {
    ...(ep.identityFile !== null ? { identityFile: ep.identityFile } : {}),
    knownHostsFile: ep.knownHostsFile,
  };
  return {
    name: key,
    host: ep.host,
    port: ep.port,
    user: ep.user,
    ...common,
    ...(ep.hostKey !== null ? { hostKey: ep.hostKey } : {}),
    ...(ep.jump ? { jump: { name: `${key} (jump host ${ep.jump.host})`, host: ep.jump.host, port: ep.jump.port, user: ep.jump.user, ...common } } : {}),
  };
}

export interface SiteTargetOptions {
  /** ~/.ssh/config as readSshConfig read it; without it only the preseed counts. */
  sshConfig?: SshConfigFile | null;
  /** What of ~/.ssh/config was not used for a machine (ProxyCommand, unexpanded tokens), for the debug log. */
  onNote?: (key: string, note: string) => void;
}

function targetMaker(opts: SiteTargetOptions): (key: string, ep: SshEndpoint) => SshTarget {
  const cfg = opts.sshConfig && opts.sshConfig.lines.length > 0 ? opts.sshConfig : null;
  return (key, ep) => (cfg ? configuredTarget(key, ep, cfg, opts.onNote ?? (() => undefined)) : sshTarget(key, ep));
}

/** The listed machines only, in order (export reaches a site from a file of names and `ssh:`). */
export function systemTargets(systems: readonly { name: string; ssh: SshEndpoint }[], opts: SiteTargetOptions = {}): MachineTarget[] {
  const make = targetMaker(opts);
  return systems.map((s) => ({ key: s.name, target: make(s.name, s.ssh) }));
}

/** Every machine gather reads: the systems in file order, and in add mode the initiator first. */
export function siteTargets(desired: DesiredState, opts: SiteTargetOptions = {}): MachineTarget[] {
  const out = systemTargets(desired.systems, opts);
  const key = initiatorKey(desired);
  if (desired.systems.some((s) => s.name === key)) return out;
  return [{ key, target: targetMaker(opts)(key, desired.initiator.ssh) }, ...out];
}

function configuredTarget(key: string, ep: SshEndpoint, cfg: SshConfigFile, note: (key: string, note: string) => void): SshTarget {
  const explicit = ep.written;
  const c = lookupSshConfig(cfg, ep.host);
  for (const n of c.notes) note(key, n);
  const host = c.hostName ?? ep.host;
  const user = explicit.user ? ep.user : c.user ?? ep.user;
  const port = explicit.port ? ep.port : c.port ?? ep.port;
  const tokens = { host, originalHost: ep.host, port, user };
  const identityFile = explicit.identityFile ? ep.identityFile : firstPath(cfg, c.identityFiles, 'IdentityFile', tokens, (n) => note(key, n));
  const knownHostsFile = explicit.knownHosts ? ep.knownHostsFile
    : firstPath(cfg, c.knownHostsFiles, 'UserKnownHostsFile', tokens, (n) => note(key, n)) ?? ep.knownHostsFile;
  const base = { user, identityFile, knownHostsFile };
  const hops = explicit.jump ? [explicit.jump] : c.proxyJump ?? [];
  let jump: SshTarget | undefined;
  for (const hop of hops) jump = hopTarget(key, hop, base, jump, cfg, note);
  return {
    name: key,
    host,
    port,
    user,
    ...(identityFile !== null ? { identityFile } : {}),
    knownHostsFile,
    ...(ep.hostKey !== null ? { hostKey: ep.hostKey } : {}),
    ...(jump ? { jump } : {}),
  };
}

/** One jump host: what its spec leaves out from the config for its name, then from the machine's own settings. */
function hopTarget(
  key: string, hop: JumpSpec, base: { user: string; identityFile: string | null; knownHostsFile: string },
  via: SshTarget | undefined, cfg: SshConfigFile, note: (key: string, note: string) => void,
): SshTarget {
  const c = lookupSshConfig(cfg, hop.host);
  for (const n of c.notes) note(key, n);
  const host = c.hostName ?? hop.host;
  const user = hop.user ?? c.user ?? base.user;
  const port = hop.port ?? c.port ?? 22;
  const tokens = { host, originalHost: hop.host, port, user };
  const identityFile = firstPath(cfg, c.identityFiles, 'IdentityFile', tokens, (n) => note(key, n)) ?? base.identityFile;
  const knownHostsFile = firstPath(cfg, c.knownHostsFiles, 'UserKnownHostsFile', tokens, (n) => note(key, n)) ?? base.knownHostsFile;
  return {
    name: `${key} (jump host ${hop.host})`,
    host,
    port,
    user,
    ...(identityFile !== null ? { identityFile } : {}),
    knownHostsFile,
    ...(via ? { jump: via } : {}),
  };
}

/**
 * The first of a setting's paths the tool can expand; `none` for UserKnownHostsFile is /dev/null
 * (nothing known), for IdentityFile no file. The tool uses one file where ssh would try them all.
 */
function firstPath(cfg: SshConfigFile, paths: string[], what: 'IdentityFile' | 'UserKnownHostsFile', t: PathTokens, note: (n: string) => void): string | null {
  for (const p of paths) {
    if (p.toLowerCase() === 'none') return what === 'UserKnownHostsFile' ? '/dev/null' : null;
    const r = expandSshPath(cfg, p, t);
    if (!(r instanceof Error)) return r;
    note(`${cfg.path}: ${what} ${p} for ${t.originalHost} ignored: ${r.message}`);
  }
  return null;
}
