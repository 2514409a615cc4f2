// Per-request context handed to every route handler, and small request helpers.
import type { LabContext, LabRequest, LabResponse } from '../types.js';
import { badRequest, plainError, statusError } from './errors.js';
import type { DaemonState, Database, MemberRecord } from './state.js';

/** What route handlers need from the world (implemented by LxdWorld). */
export interface WorldApi {
  readonly lab: LabContext;
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
