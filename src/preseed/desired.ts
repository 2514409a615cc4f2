// The normalized, fully defaulted DesiredState every later stage works from. Built only from a file
// that passed validation, so it can trust types and rules; defaults come from the schema (ajv
// useDefaults), the rest from MicroCloud's semantics (0 means default, local find_min 0 means 1).
import { isAbsolute, join, resolve } from 'node:path';
import { parseDiskFilter, type DiskFilter } from './disk-filter.js';
import type { DiskFilterInput, PreseedInput, SshSystemInput } from './input.js';
import { lxdConfigValue, secretRef, type LxdConfigValue } from './lxd-config.js';
import { canonicalIp } from './net.js';
import { isBootstrap } from './rules.js';
import { toDesiredRemovals, type DesiredRemoval } from './remove.js';
import { toDesiredSnaps, type DesiredSnaps } from './snaps.js';
import { Secret } from '../secrets.js';

export const DEFAULT_LOOKUP_TIMEOUT = 60;
export const DEFAULT_SESSION_TIMEOUT = 3600;

export interface JumpHost {
  user: string;
  host: string;
  port: number;
}

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Absolute path, or null: the agent, then the usual ~/.ssh keys. */
  identityFile: string | null;
  /** Pinned `SHA256:…` fingerprint; when null, knownHostsFile decides. */
  hostKey: string | null;
  knownHostsFile: string;
  jump: JumpHost | null;
  /** What the file itself sets (per system or in the top-level `ssh:`): ~/.ssh/config fills only the rest. */
  written: SshWritten;
}

export interface SshWritten {
  port: boolean;
  user: boolean;
  identityFile: boolean;
  knownHosts: boolean;
  /** The jump host as written: what it leaves out (user, port) may come from ~/.ssh/config. */
  jump: { host: string; user?: string; port?: number } | null;
}

export interface DesiredDisk {
  path: string;
  wipe: boolean;
  encrypt: boolean;
}

export interface DesiredSystem {
  name: string;
  address: string | null;
  uplinkInterface: string | null;
  underlayIp: string | null;
  localDisk: DesiredDisk | null;
  cephDisks: DesiredDisk[];
  ssh: SshEndpoint;
}

export interface DesiredDiskFilter {
  find: string;
  filter: DiskFilter;
  findMin: number;
  /** 0 means no maximum. */
  findMax: number;
  wipe: boolean;
  encrypt: boolean;
}

export interface DesiredOvn {
  /** MicroCloud sets up UPLINK + the OVN `default` network when an uplink or a gateway is given. */
  enabled: boolean;
  ipv4Gateway: string | null;
  ipv4Range: string | null;
  ipv6Gateway: string | null;
  dnsServers: string[];
}

export interface DesiredState {
  file: string;
  /** 'bootstrap': the initiator is listed and the file describes a whole cluster; 'add': it lists new machines for an existing one. */
  mode: 'bootstrap' | 'add';
  discovery: 'unicast' | 'multicast';
  /** `ssh`: how the initiator is reached when it is not listed (add mode): the top-level defaults applied to it. */
  initiator: { name: string | null; address: string | null; ssh: SshEndpoint };
  lookupSubnet: string | null;
  lookupTimeout: number;
  sessionTimeout: number;
  sessionPassphrase: Secret | null;
  systems: DesiredSystem[];
  ovn: DesiredOvn;
  ceph: { cephfs: boolean; publicNetwork: string | null; internalNetwork: string | null };
  filters: { local: DesiredDiskFilter[]; ceph: DesiredDiskFilter[] };
  /** `lxd.config`: cluster-wide LXD server config the file owns, values as LXD stores them; secret ones wrapped. */
  lxd: { config: Record<string, LxdConfigValue> };
  /** `snaps`: the snaps the file owns, by name; a snap not listed is left as it is. */
  snaps: DesiredSnaps;
  /** `remove`: the members to remove, in the file's order; empty: nothing is ever removed. */
  remove: DesiredRemoval[];
}

export interface PathContext {
  /** Directory of the preseed file: relative paths in it are relative to the file, not the shell. */
  baseDir: string;
  homeDir: string;
}

export function resolvePath(path: string, ctx: PathContext): string {
  if (path === '~') return ctx.homeDir;
  if (path.startsWith('~/')) return join(ctx.homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(ctx.baseDir, path);
}

/** `[user@]host[:port]` as OpenSSH's -J reads it, IPv6 hosts in brackets: only what is written. */
export function jumpAsWritten(text: string): SshWritten['jump'] & object {
  const at = text.lastIndexOf('@');
  let rest = at >= 0 ? text.slice(at + 1) : text;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    rest = bracket[1] ?? rest;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      port = Number(rest.slice(colon + 1));
      rest = rest.slice(0, colon);
    }
  }
  return { host: rest, ...(at >= 0 ? { user: text.slice(0, at) } : {}), ...(port !== undefined ? { port } : {}) };
}

/** The jump host with OpenSSH's defaults for what is not written (the login's user, port 22). */
export function parseJump(text: string, defaultUser: string): JumpHost {
  const w = jumpAsWritten(text);
  return { user: w.user ?? defaultUser, host: w.host, port: w.port ?? 22 };
}

function sshEndpoint(p: PreseedInput, s: { name: string; address: string | null; ssh?: SshSystemInput }, ctx: PathContext,
  written: { d: PreseedInput['ssh']; own: SshSystemInput | undefined }): SshEndpoint {
  const d = p.ssh ?? {};
  const own = s.ssh ?? {};
  const wd = written.d ?? {};
  const wo = written.own ?? {};
  const jumpText = wo.jump ?? wd.jump;
  const user = own.user ?? d.user ?? 'root';
  const identity = own.identity_file ?? d.identity_file;
  const jump = own.jump ?? d.jump;
  return {
    host: own.host ?? s.address ?? s.name,
    port: own.port ?? d.port ?? 22,
    user,
    identityFile: identity !== undefined ? resolvePath(identity, ctx) : null,
    hostKey: own.host_key ?? null,
    knownHostsFile: resolvePath(own.known_hosts ?? d.known_hosts ?? '~/.ssh/known_hosts', ctx),
    jump: jump !== undefined ? parseJump(jump, user) : null,
    written: {
      port: wo.port !== undefined || wd.port !== undefined,
      user: wo.user !== undefined || wd.user !== undefined,
      identityFile: wo.identity_file !== undefined || wd.identity_file !== undefined,
      knownHosts: wo.known_hosts !== undefined || wd.known_hosts !== undefined,
      jump: jumpText !== undefined ? jumpAsWritten(jumpText) : null,
    },
  };
}

function filterOf(f: DiskFilterInput, kind: 'local' | 'ceph'): DesiredDiskFilter {
  const find = f.find ?? '';
  const findMin = f.find_min ?? 0;
  return {
    find,
    filter: parseDiskFilter(find),
    findMin: kind === 'local' && findMin === 0 ? 1 : findMin,
    findMax: f.find_max ?? 0,
    wipe: f.wipe ?? false,
    encrypt: kind === 'ceph' && (f.encrypt ?? false),
  };
}

/** `p` must be a validated, defaulted document; `written` is the same document as written (no defaults). */
export function toDesiredState(p: PreseedInput, file: string, ctx: PathContext, written: PreseedInput = p): DesiredState {
  const systems = (p.systems ?? []).map((s, i): DesiredSystem => {
    const name = s.name ?? '';
    const address = s.address ?? null;
    return {
      name,
      address,
      uplinkInterface: s.ovn_uplink_interface ?? null,
      underlayIp: s.ovn_underlay_ip ?? null,
      localDisk: s.storage?.local?.path !== undefined ? { path: s.storage.local.path, wipe: s.storage.local.wipe ?? false, encrypt: false } : null,
      cephDisks: (s.storage?.ceph ?? []).map((d) => ({ path: d.path ?? '', wipe: d.wipe ?? false, encrypt: d.encrypt ?? false })),
      ssh: sshEndpoint(p, { name, address, ...(s.ssh ? { ssh: s.ssh } : {}) }, ctx, { d: written.ssh, own: written.systems?.[i]?.ssh }),
    };
  });
  const ovn = p.ovn ?? {};
  const bootstrap = isBootstrap(p);
  const initiatorIp = p.initiator_address !== undefined ? canonicalIp(p.initiator_address) : null;
  const initiatorName = p.initiator ?? systems.find((s) => s.address !== null && canonicalIp(s.address) === initiatorIp)?.name ?? null;
  return {
    file,
    mode: bootstrap ? 'bootstrap' : 'add',
    discovery: p.initiator_address !== undefined ? 'unicast' : 'multicast',
    initiator: {
      name: initiatorName,
      address: p.initiator_address ?? null,
      ssh: sshEndpoint(p, { name: initiatorName ?? p.initiator_address ?? '', address: p.initiator_address ?? null }, ctx, { d: written.ssh, own: undefined }),
    },
    lookupSubnet: p.lookup_subnet ?? null,
    // MicroCloud uses a timeout only when it is above 0 (cmd/microcloud/preseed.go, RunPreseed).
    lookupTimeout: (p.lookup_timeout ?? 0) > 0 ? p.lookup_timeout! : DEFAULT_LOOKUP_TIMEOUT,
    sessionTimeout: (p.session_timeout ?? 0) > 0 ? p.session_timeout! : DEFAULT_SESSION_TIMEOUT,
    sessionPassphrase: p.session_passphrase !== undefined ? new Secret(p.session_passphrase) : null,
    systems,
    ovn: {
      enabled: systems.some((s) => s.uplinkInterface !== null) || ovn.ipv4_gateway !== undefined || ovn.ipv6_gateway !== undefined,
      ipv4Gateway: ovn.ipv4_gateway ?? null,
      ipv4Range: ovn.ipv4_range ?? null,
      ipv6Gateway: ovn.ipv6_gateway ?? null,
      dnsServers: ovn.dns_servers !== undefined ? ovn.dns_servers.split(',').map((x) => x.trim()) : [],
    },
    ceph: {
      cephfs: p.ceph?.cephfs ?? false,
      publicNetwork: p.ceph?.public_network ?? null,
      internalNetwork: p.ceph?.internal_network ?? null,
    },
    filters: {
      local: (p.storage?.local ?? []).map((f) => filterOf(f, 'local')),
      ceph: (p.storage?.ceph ?? []).map((f) => filterOf(f, 'ceph')),
    },
    lxd: { config: Object.fromEntries(Object.entries(p.lxd?.config ?? {}).map(([k, v]) => [k, lxdConfigValue(k, v)])) },
    snaps: toDesiredSnaps(p),
    remove: toDesiredRemovals(p),
  };
}

/** Every secret the file holds: what logs, plans, journals and reports must never show. */
export function secretsOf(d: DesiredState): Secret[] {
  return [...namedSecrets(d).values()];
}

/** The secrets a plan refers to by name (it never holds them): apply is given them under these names. */
export function namedSecrets(d: DesiredState): Map<string, Secret> {
  const out = new Map<string, Secret>(d.sessionPassphrase ? [[SESSION_PASSPHRASE_REF, d.sessionPassphrase]] : []);
  for (const [k, v] of Object.entries(d.lxd.config)) if (v instanceof Secret) out.set(secretRef(k), v);
  return out;
}

/** The name apply is given the file's session_passphrase under (MicroCloud's trust sessions). */
export const SESSION_PASSPHRASE_REF = 'session_passphrase';
