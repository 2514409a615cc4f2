// Per-request context handed to every route handler, and small request helpers.
import type { LabContext, LabRequest, LabResponse } from '../types.js';
import { badRequest, plainError, statusError } from './errors.js';
import type { DaemonState, Database, MemberRecord } from './state.js';

/** A `ceph` or `ovn-nbctl` run that failed: its exit status and stderr. */
export interface CliFailure { exitCode: number; stderr: string }

/**
 * The Ceph cluster LXD's ceph/cephfs drivers reach with the `ceph` CLI on one machine (what the
 * MicroCeph snap's content interface gives the LXD snap there). Implemented by MicroCephWorld;
 * lab-site.ts createWorlds wires it in.
 */
export interface CephAccess {
  /** Monitors answer: the OSDs that are up in the cluster. */
  osdsUp(): number;
  /** `ceph config get mon osd_pool_default_size`. */
  defaultPoolSize(): number;
  /** `ceph osd pool get <name> size` (undefined: exit status 2, no such pool); `lxdPlaceholder`:
   *  the pool holds LXD's placeholder image (it is some LXD's pool already). */
  pool(name: string): { size: number; lxdPlaceholder: boolean } | undefined;
  /** `ceph osd pool create <name> <pgNum>` (at osd_pool_default_size). */
  createPool(name: string, pgNum: number): void;
  /** `ceph osd pool set <name> size <n> --yes-i-really-mean-it`. */
  setPoolSize(name: string, size: number): void;
  /** The placeholder RBD image LXD creates (and removes) in its pool. */
  setLxdPlaceholder(name: string, present: boolean): void;
  /** `ceph osd pool delete <name> <name> --yes-i-really-really-mean-it`. */
  deletePool(name: string): void;
  /** `ceph fs get <name>`: the filesystem's pools, or undefined. */
  filesystem(name: string): { metaPool: string; dataPool: string } | undefined;
  /** `ceph fs new <name> <meta> <data>`. */
  createFilesystem(name: string, metaPool: string, dataPool: string): void;
}

export interface LxdCephPeer {
  /** The cluster `ceph --cluster <clusterName>` on `machine` talks to, or how the CLI fails there
   *  (no ceph.conf: no MicroCeph member on the machine; no monitor quorum: a RADOS timeout). */
  cephAt(machine: string, clusterName: string): CephAccess | CliFailure;
}

/** What LXD's OVN driver finds of MicroOVN: the snap connection's env file and the northbound databases. */
export interface LxdOvnPeer {
  /**
   * shared.IsMicroOVNUsed plus $SNAP_DATA/microovn/ovn-env/env/ovn.env on `machine`: 'absent' when
   * no MicroOVN is connected there, 'no-env' when it is but has not initialised (no env file yet),
   * else OVN_NB_CONNECT.
   */
  microovnEnv(machine: string): 'absent' | 'no-env' | { nbConnect: string };
  /** Whether an `ovn-nbctl --db <connection>` write from `machine` gets through: one endpoint of
   *  the connection string is a northbound ovsdb-server that is up and whose raft cluster has a leader. */
  northboundReachable(machine: string, connection: string): boolean;
}

/** The other daemons of the same lab an LXD talks to. Both default to "nothing there". */
export interface LxdPeers {
  ceph: LxdCephPeer;
  ovn: LxdOvnPeer;
}

/** A machine where no Ceph and no OVN are installed: what a bare LXD finds. */
export const NO_PEERS: LxdPeers = {
  ceph: { cephAt: () => ({ exitCode: 1, stderr: CEPH_NO_CONF }) },
  ovn: { microovnEnv: () => 'absent', northboundReachable: () => false },
};

/** The ceph CLI without /etc/ceph/<cluster>.conf (Ceph's own text, as src/lab/commands/ceph.ts has it). */
export const CEPH_NO_CONF = "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')";

/** What route handlers need from the world (implemented by LxdWorld). */
export interface WorldApi {
  readonly lab: LabContext;
  /** The MicroCeph / MicroOVN of the same lab, as LXD's drivers reach them. */
  readonly peers: LxdPeers;
  daemon(machine: string): DaemonState;
  /** The daemon running as member `name` of `db`, if any. */
  memberDaemon(db: Database, name: string): DaemonState | undefined;
  /** Every daemon that is a member of `db` (one for a standalone database). */
  daemonsOf(db: Database): DaemonState[];
  /** The daemon whose HTTPS listener answers on `address` ("ip:port"). */
  listenerAt(address: string): DaemonState | undefined;
  /** Re-dispatch the request on another daemon (what ?target= forwarding does). */
  dispatch(d: DaemonState, req: LabRequest): Promise<LabResponse>;
  /** Replace a member daemon with a fresh standalone one (after it leaves a cluster). */
  resetDaemon(d: DaemonState): void;
  /** Mark members seen up now (heartbeats). */
  heartbeat(db: Database): void;
  /** A member answers: its machine is up and its daemon still belongs to this cluster. */
  memberUp(db: Database, m: MemberRecord): boolean;
  /** While members run different versions after a refresh: whether this one is older or newer. */
  versionBlocked(db: Database, m: MemberRecord): 'older' | 'newer' | null;
}

export interface Ctx {
  world: WorldApi;
  d: DaemonState;
  req: LabRequest;
  params: Record<string, string>;
}

export function q(c: Ctx, name: string): string {
  return c.req.query.get(name) ?? '';
}

export function project(c: Ctx): string {
  return q(c, 'project') || 'default';
}

export function isRecursion(c: Ctx): boolean {
  const r = q(c, 'recursion');
  return r !== '' && r !== '0';
}

type FieldType = 'string' | 'bool' | 'object' | 'map' | 'array' | 'int';
const GO_TYPE: Record<FieldType, string> = {
  string: 'string', bool: 'bool', object: 'struct', map: 'map[string]string', array: '[]', int: 'int',
};

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** json.NewDecoder(r.Body).Decode(&req) as LXD does it: EOF on empty body, syntax and type errors → 400. */
export function decodeBody(c: Ctx, struct: string, fields: Record<string, FieldType>): Record<string, unknown> {
  const raw = c.req.rawBody ?? '';
  if (raw.trim() === '') {
    if (c.req.body !== undefined && typeof c.req.body === 'object' && c.req.body !== null) return checkFields(c.req.body as Record<string, unknown>, struct, fields);
    throw badRequest('EOF');
  }
  const body = c.req.body;
  if (body === undefined) {
    const ch = raw.trim()[0] ?? '';
    throw badRequest(`invalid character '${ch}' looking for beginning of value`);
  }
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    const kind = jsonKind(body);
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type api.${struct}`);
  }
  return checkFields(body as Record<string, unknown>, struct, fields);
}

function checkFields(body: Record<string, unknown>, struct: string, fields: Record<string, FieldType>): Record<string, unknown> {
  for (const [k, t] of Object.entries(fields)) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    const kind = jsonKind(v);
    const ok = (t === 'string' && kind === 'string') || (t === 'bool' && kind === 'bool')
      || ((t === 'object' || t === 'map') && kind === 'object') || (t === 'array' && kind === 'array')
      || (t === 'int' && kind === 'number');
    if (!ok) {
      throw badRequest(`json: cannot unmarshal ${kind} into Go struct field ${struct}.${k} of type ${GO_TYPE[t]}`);
    }
    if (t === 'map') {
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) {
        if (typeof mv !== 'string') {
          throw badRequest(`json: cannot unmarshal ${jsonKind(mv)} into Go struct field ${struct}.${k}.${mk} of type string`);
        }
      }
    }
  }
  return body;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = typeof val === 'string' ? val : String(val);
  }
  return out;
}

/** The member record for a name, or 404 "Cluster member not found". */
export function memberByName(db: Database, name: string): MemberRecord {
  const m = db.members.find((x) => x.name === name);
  if (!m) throw statusError(404, 'Cluster member not found');
  return m;
}

/** Connection failure to a member that is down, in the Go client's words. */
export function unreachable(address: string): Error {
  return plainError(`Unable to connect to: ${address} ([dial tcp ${address}: connect: no route to host])`);
}

/**
 * cluster.ResolveTarget + forwardedResponseToNode: `?target=` naming another member forwards the
 * whole request there. Returns undefined when the request is for this daemon.
 */
export async function forwardIfTargetRemote(c: Ctx): Promise<LabResponse | undefined> {
  const target = q(c, 'target');
  if (target === '' || target === c.d.memberName) return undefined;
  const other = resolveMember(c, target);
  if (other === c.d) return undefined;
  return c.world.dispatch(other, c.req);
}

/** Resolve a member name to its daemon (404 if unknown, connection error if down). */
export function resolveMember(c: Ctx, name: string): DaemonState {
  if (name === c.d.memberName) return c.d;
  const m = memberByName(c.d.db, name);
  const other = c.world.memberDaemon(c.d.db, m.name);
  if (!other || !c.world.memberUp(c.d.db, m)) throw unreachable(m.address);
  return other;
}
