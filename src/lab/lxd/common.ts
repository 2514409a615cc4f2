// Helpers shared by the route modules.
import type { LabResponse } from '../types.js';
import type { CertInfo } from './cert.js';
import type { Ctx, WorldApi } from './context.js';
import { Operation, purgeOperations } from './operations.js';
import type { OperationArgs } from './operations.js';
import type { DaemonState, Database, MemberRecord } from './state.js';

/** The certificate a daemon serves: the cluster's once clustered, else its own. */
export function servedCert(d: DaemonState): CertInfo {
  return d.db.clustered && d.db.clusterCert ? d.db.clusterCert : d.serverCert;
}

export function newOperation(d: DaemonState, args: OperationArgs): Operation {
  purgeOperations(d.operations);
  const op = new Operation(d.flavor, d.memberName, args);
  d.operations.set(op.id, op);
  return op;
}

/**
 * Run `work` the way the flavor exposes it: inline with `syncResp` on success (errors thrown become
 * error responses), or as a 202 task operation whose failure lands in the operation.
 */
export async function runMaybeAsync(c: Ctx, asyncMode: boolean, args: Omit<OperationArgs, 'class' | 'run'>,
  work: () => Promise<void>, syncResp: () => LabResponse): Promise<LabResponse> {
  if (!asyncMode) {
    await work();
    return syncResp();
  }
  return newOperation(c.d, { ...args, class: 'task', run: work }).response();
}

export function memberOf(db: Database, name: string): MemberRecord | undefined {
  return db.members.find((m) => m.name === name);
}

/** The address LXD shows for a member in "Peer cluster member %s at %s is down" and similar. */
export function memberAddress(db: Database, name: string): string {
  return memberOf(db, name)?.address ?? '0.0.0.0';
}

/** All operations visible from a daemon: its own plus, when clustered, those of members that are up. */
export function visibleOperations(world: WorldApi, from: DaemonState): Operation[] {
  const out: Operation[] = [];
  const daemons = from.db.clustered ? world.daemonsOf(from.db) : [from];
  for (const d of daemons) {
    if (d !== from && !world.lab.isUp(d.machine)) continue; // a member that is down cannot be asked
    purgeOperations(d.operations);
    out.push(...d.operations.values());
  }
  return out;
}

export function parseExpiry(expiry: string, now = new Date()): Date | undefined {
  // shared.GetExpiry: a sequence of <number><unit>, units S M H d w m y.
  const re = /(\d+)([SMHdwmy])/g;
  let total = 0;
  let matched = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(expiry)) !== null) {
    matched += m[0];
    const n = Number(m[1]);
    const unit = m[2];
    const mult = unit === 'S' ? 1 : unit === 'M' ? 60 : unit === 'H' ? 3600 : unit === 'd' ? 86400
      : unit === 'w' ? 7 * 86400 : unit === 'm' ? 30 * 86400 : 365 * 86400;
    total += n * mult;
  }
  if (matched !== expiry || expiry === '') return undefined;
  return new Date(now.getTime() + total * 1000);
}

const locks = new WeakMap<DaemonState, Map<string, Promise<void>>>();

/** A per-daemon named mutex (LXD's storagePoolCreateLock / networkCreateLock). */
export async function withLock<T>(d: DaemonState, name: string, fn: () => Promise<T>): Promise<T> {
  let m = locks.get(d);
  if (!m) { m = new Map(); locks.set(d, m); }
  const prev = m.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const tail = prev.then(() => mine);
  m.set(name, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (m.get(name) === tail) m.delete(name);
  }
}
