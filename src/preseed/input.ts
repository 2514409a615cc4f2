// The preseed as written, key for key (schemas/preseed.schema.json). A test keeps these types and
// the schema in step. Semantic rules read it through `view()`, which drops values of the wrong type
// (the schema has already reported them) so that every rule can run on a partly invalid file.
import { SNAP_NAMES, type SnapName } from './snaps.js';

export interface DirectStorageInput {
  path?: string;
  wipe?: boolean;
  encrypt?: boolean;
}

export interface DiskFilterInput {
  find?: string;
  find_min?: number;
  find_max?: number;
  wipe?: boolean;
  encrypt?: boolean;
}

export interface SshDefaultsInput {
  port?: number;
  user?: string;
  identity_file?: string;
  known_hosts?: string;
  jump?: string;
}

export interface SshSystemInput extends SshDefaultsInput {
  host?: string;
  host_key?: string;
}

export interface SystemInput {
  name?: string;
  address?: string;
  ovn_uplink_interface?: string;
  ovn_underlay_ip?: string;
  storage?: { local?: DirectStorageInput; ceph?: DirectStorageInput[] };
  ssh?: SshSystemInput;
}

export interface PreseedInput {
  lookup_subnet?: string;
  lookup_timeout?: number;
  session_passphrase?: string;
  session_timeout?: number;
  initiator?: string;
  initiator_address?: string;
  systems?: SystemInput[];
  ovn?: { ipv4_gateway?: string; ipv4_range?: string; ipv6_gateway?: string; dns_servers?: string };
  ceph?: { cephfs?: boolean; internal_network?: string; public_network?: string };
  storage?: { local?: DiskFilterInput[]; ceph?: DiskFilterInput[] };
  ssh?: SshDefaultsInput;
  lxd?: { config?: Record<string, LxdConfigInput> };
  snaps?: Partial<Record<SnapName, SnapInput>>;
  remove?: RemovalInput[];
}

/** A `remove:` entry: the member's name, or a mapping with its options (src/preseed/remove.ts). */
export type RemovalInput = string | { name?: string; force?: boolean; evacuate?: boolean };

export interface SnapInput {
  channel?: string;
  revision?: number;
  cohort?: boolean;
  hold?: boolean;
  allow_downgrade?: boolean;
}

export type LxdConfigInput = string | number | boolean;

type Shape = 'string' | 'number' | 'boolean' | 'object' | 'array';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value if it has the expected shape, else undefined. */
export function as<T>(value: unknown, shape: Shape): T | undefined {
  switch (shape) {
    case 'object':
      return isRecord(value) ? (value as T) : undefined;
    case 'array':
      return Array.isArray(value) ? (value as T) : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? (value as T) : undefined;
    default:
      return typeof value === shape ? (value as T) : undefined;
  }
}

/** A best-effort typed view of a possibly invalid document: wrong-typed values become undefined. */
export function view(raw: unknown): PreseedInput {
  const root = as<Record<string, unknown>>(raw, 'object') ?? {};
  const str = (o: Record<string, unknown> | undefined, k: string) => as<string>(o?.[k], 'string');
  const num = (o: Record<string, unknown> | undefined, k: string) => as<number>(o?.[k], 'number');
  const bool = (o: Record<string, unknown> | undefined, k: string) => as<boolean>(o?.[k], 'boolean');
  const obj = (o: Record<string, unknown> | undefined, k: string) => as<Record<string, unknown>>(o?.[k], 'object');
  const list = (o: Record<string, unknown> | undefined, k: string) => as<unknown[]>(o?.[k], 'array');
  const direct = (o: Record<string, unknown> | undefined): DirectStorageInput | undefined =>
    o && { path: str(o, 'path'), wipe: bool(o, 'wipe'), encrypt: bool(o, 'encrypt') };
  const filter = (o: Record<string, unknown>): DiskFilterInput => ({
    find: str(o, 'find'),
    find_min: num(o, 'find_min'),
    find_max: num(o, 'find_max'),
    wipe: bool(o, 'wipe'),
    encrypt: bool(o, 'encrypt'),
  });
  const objects = (items: unknown[] | undefined) => (items ?? []).map((i) => as<Record<string, unknown>>(i, 'object') ?? {});
  const sshOf = (o: Record<string, unknown> | undefined): SshSystemInput | undefined =>
    o && {
      host: str(o, 'host'),
      port: num(o, 'port'),
      user: str(o, 'user'),
      identity_file: str(o, 'identity_file'),
      host_key: str(o, 'host_key'),
      known_hosts: str(o, 'known_hosts'),
      jump: str(o, 'jump'),
    };
  const ovn = obj(root, 'ovn');
  const ceph = obj(root, 'ceph');
  const storage = obj(root, 'storage');
  const lxd = obj(root, 'lxd');
  const lxdConfig = obj(lxd, 'config');
  const snaps = obj(root, 'snaps');
  const removals = list(root, 'remove');
  return {
    lookup_subnet: str(root, 'lookup_subnet'),
    lookup_timeout: num(root, 'lookup_timeout'),
    session_passphrase: str(root, 'session_passphrase'),
    session_timeout: num(root, 'session_timeout'),
    initiator: str(root, 'initiator'),
    initiator_address: str(root, 'initiator_address'),
    systems: list(root, 'systems') && objects(list(root, 'systems')).map((s) => {
      const st = obj(s, 'storage');
      return {
        name: str(s, 'name'),
        address: str(s, 'address'),
        ovn_uplink_interface: str(s, 'ovn_uplink_interface'),
        ovn_underlay_ip: str(s, 'ovn_underlay_ip'),
        storage: st && { local: direct(obj(st, 'local')), ceph: list(st, 'ceph') && objects(list(st, 'ceph')).map((d) => direct(d) ?? {}) },
        ssh: sshOf(obj(s, 'ssh')),
      };
    }),
    ovn: ovn && {
      ipv4_gateway: str(ovn, 'ipv4_gateway'),
      ipv4_range: str(ovn, 'ipv4_range'),
      ipv6_gateway: str(ovn, 'ipv6_gateway'),
      dns_servers: str(ovn, 'dns_servers'),
    },
    ceph: ceph && { cephfs: bool(ceph, 'cephfs'), internal_network: str(ceph, 'internal_network'), public_network: str(ceph, 'public_network') },
    storage: storage && {
      local: list(storage, 'local') && objects(list(storage, 'local')).map(filter),
      ceph: list(storage, 'ceph') && objects(list(storage, 'ceph')).map(filter),
    },
    ssh: sshOf(obj(root, 'ssh')),
    lxd: lxd && {
      config: lxdConfig && Object.fromEntries(Object.entries(lxdConfig)
        .filter((e): e is [string, LxdConfigInput] => ['string', 'number', 'boolean'].includes(typeof e[1]))),
    },
    snaps: snaps && Object.fromEntries(SNAP_NAMES.flatMap((name) => {
      const s = obj(snaps, name);
      return s ? [[name, { channel: str(s, 'channel'), revision: num(s, 'revision'), cohort: bool(s, 'cohort'), hold: bool(s, 'hold'), allow_downgrade: bool(s, 'allow_downgrade') }]] : [];
    })),
    // Kept one for one, so that a rule's path (remove[2]) names the entry as written.
    remove: removals && removals.map((r): RemovalInput => {
      if (typeof r === 'string') return r;
      const o = as<Record<string, unknown>>(r, 'object') ?? {};
      return { name: str(o, 'name'), force: bool(o, 'force'), evacuate: bool(o, 'evacuate') };
    }),
  };
}
