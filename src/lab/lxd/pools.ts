// /1.0/storage-pools: two-phase clustered creation (pending per member, then finalize), single-node
// creation, GET with/without ?target=, PUT/PATCH, DELETE (lxd/storage_pools.go, lxd/db/storage_pools.go).
import type { LabResponse } from '../types.js';
import { createdResponse, syncResponse } from '../envelope.js';
import { memberAddress, runMaybeAsync, withLock } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, forwardIfTargetRemote, isRecursion, q, str, strMap } from './context.js';
import { assertPoolConfig, createPoolLocal, createRemotePool, deleteRemotePool, isRemoteDriver, poolConfigError } from './drivers.js';
import { badRequest, plainError, statusError, toLxdError } from './errors.js';
import { etagCheck, etagHeader } from './etag.js';
import type { Router } from './router.js';
import { memberNames } from './state.js';
import type { DaemonState, Database, PoolRecord } from './state.js';

function getPool(db: Database, name: string): PoolRecord {
  const p = db.pools.get(name);
  if (!p) throw statusError(404, 'Storage pool not found');
  return p;
}

function merged(p: PoolRecord, member: string): Record<string, string> {
  return { ...p.config, ...(p.nodes.get(member)?.config ?? {}) };
}

function stripMember(d: DaemonState, config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  for (const k of d.flavor.memberStorageKeys) delete out[k];
  return out;
}

export function poolUsedBy(d: DaemonState, p: PoolRecord, memberSpecific: boolean): string[] {
  const out: string[] = [];
  const vols = d.db.volumes.filter((v) => v.pool === p.name
    && (!memberSpecific || v.location === '' || v.location === d.memberName));
  for (const v of vols.sort((a, b) => a.name.localeCompare(b.name))) {
    const target = d.db.clustered && v.location && v.location !== 'none' ? `?target=${v.location}` : '';
    out.push(`/1.0/storage-pools/${p.name}/volumes/custom/${v.name}${target}`);
  }
  for (const prof of [...d.db.profiles.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (Object.values(prof.devices).some((dev) => dev.type === 'disk' && dev.pool === p.name)) {
      out.push(prof.project === 'default' ? `/1.0/profiles/${prof.name}` : `/1.0/profiles/${prof.name}?project=${prof.project}`);
    }
  }
  return out;
}

function locations(db: Database, p: PoolRecord): string[] {
  return memberNames(db).filter((m) => p.nodes.has(m));
}

function renderPool(d: DaemonState, p: PoolRecord, memberSpecific: boolean): Record<string, unknown> {
  let config = merged(p, d.memberName);
  let status: string;
  if (d.db.clustered && !memberSpecific) {
    config = stripMember(d, config);
    status = p.state;
  } else {
    status = p.nodes.get(d.memberName)?.state ?? 'Unknown';
  }
  return {
    name: p.name, description: p.description, driver: p.driver, status, config,
    used_by: poolUsedBy(d, p, memberSpecific), locations: locations(d.db, p),
  };
}

function listPools(c: Ctx): LabResponse {
  const pools = [...c.d.db.pools.values()];
  if (!isRecursion(c)) return syncResponse(pools.map((p) => `/1.0/storage-pools/${p.name}`));
  return syncResponse(pools.map((p) => renderPool(c.d, p, false)));
}

async function getOne(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const p = getPool(c.d.db, c.params.pool ?? '');
  const obj = renderPool(c.d, p, q(c, 'target') !== '');
  return syncResponse(obj, 200, etagHeader([p.name, p.driver, p.description, obj.config]));
}

async function createPending(c: Ctx, target: string, name: string, driver: string, config: Record<string, string>): Promise<void> {
  const d = c.d;
  const db = d.db;
  const existing = db.pools.get(name);
  if (existing) {
    if (existing.driver !== driver) throw plainError('Storage pool already exists with a different driver');
    if (existing.state !== 'Pending') throw plainError('Storage pool is not in pending state');
  }
  if (!memberNames(db).includes(target)) throw statusError(404, 'Cluster member not found');
  if (existing?.nodes.has(target)) throw badRequest(d.flavor.msg.poolAlreadyDefinedOnMember(name, target));
  const pool: PoolRecord = existing ?? { name, driver, description: '', config: {}, state: 'Pending', nodes: new Map() };
  pool.nodes.set(target, { state: 'Pending', config: { ...config } });
  db.pools.set(name, pool);
}

/** The driver's Create against the Ceph cluster, on the member that received the request only:
 *  LXD creates a remote pool once (the other members only mount it). See drivers.ts createRemotePool. */
async function remoteCreate(c: Ctx, machine: string, driver: string, filled: Record<string, string>): Promise<Record<string, string>> {
  if (!isRemoteDriver(driver)) return {};
  const f = c.world.daemon(machine).flavor;
  return createRemotePool(f, c.world.peers.ceph, machine, driver, filled, () => c.world.lab.sleep(c.world.lab.durations.poolCreate));
}

/** storagePoolCreateLocal on one member: validate the merged config, run the driver, store results.
 *  `first`: the member that received the request, where a remote driver talks to the cluster. */
async function createOnMember(c: Ctx, pool: PoolRecord, member: string, first: boolean): Promise<void> {
  const db = c.d.db;
  const row = pool.nodes.get(member);
  if (row?.state === 'Created') return;
  const machine = db.clustered ? db.members.find((m) => m.name === member)?.machine ?? c.d.machine : c.d.machine;
  const daemon = c.world.daemon(machine);
  const f = daemon.flavor;
  const config = { ...pool.config, ...(row?.config ?? {}) };
  assertPoolConfig(f, pool.driver, config, false);
  const created = createPoolLocal(f, c.world.lab.spec(machine), pool.name, pool.driver, config);
  if (first) Object.assign(created, await remoteCreate(c, machine, pool.driver, created));
  const memberCfg: Record<string, string> = {};
  for (const [k, v] of Object.entries(created)) {
    if (f.memberStorageKeys.includes(k)) memberCfg[k] = v;
    else pool.config[k] = v;
  }
  pool.nodes.set(member, { state: 'Created', config: memberCfg });
}

async function finalizeCluster(c: Ctx, existing: PoolRecord | undefined, driver: string,
  description: string, config: Record<string, string>): Promise<void> {
  const d = c.d;
  const f = d.flavor;
  const db = d.db;
  for (const k of Object.keys(config)) {
    if (f.memberStorageKeys.includes(k)) throw plainError(`Config key ${JSON.stringify(k)} is cluster member specific`);
  }
  if (existing) {
    if (existing.state === 'Created') throw plainError('The storage pool is already created');
    if (existing.driver !== driver) throw plainError(f.msg.poolDriverMismatch(driver, existing.driver));
  }
  if (!existing) throw plainError('Pool not pending on any node (use --target <node> first)');
  const partial = existing.state === 'Errored' || Object.keys(existing.config).some((k) => !f.memberStorageKeys.includes(k));
  if (partial) {
    if (Object.keys(config).length > 0) {
      throw plainError('Storage pool already partially created. Please do not specify any global config when re-running create');
    }
  } else {
    const missing = memberNames(db).filter((m) => !existing.nodes.has(m));
    if (missing.length) throw plainError(`Pool not defined on cluster members: ${missing.join(', ')}`);
    existing.config = { ...config };
    existing.state = 'Errored';
  }
  if (description) existing.description = description;
  for (const m of db.members) {
    if (!c.world.memberUp(db, m)) throw plainError(`Peer cluster member ${m.name} at ${m.address} is down`);
  }
  await c.world.lab.sleep(c.world.lab.durations.poolCreate);
  await createOnMember(c, existing, d.memberName, true);
  const errors: string[] = [];
  for (const m of memberNames(db)) {
    if (m === d.memberName) continue;
    try {
      await createOnMember(c, existing, m, false);
    } catch (e) {
      errors.push(f.msg.notifyPeer(m, memberAddress(db, m), f.msg.poolCreateOnMember(m, toLxdError(e).message)));
    }
  }
  if (errors.length) throw plainError(errors[0] as string);
  existing.state = 'Created';
}

async function createSingle(c: Ctx, name: string, driver: string, description: string, config: Record<string, string>): Promise<void> {
  const d = c.d;
  const f = d.flavor;
  if (d.db.pools.has(name)) {
    const e = f.msg.singleNodePoolExists(name);
    throw statusError(e.code, e.message);
  }
  const err = poolConfigError(f, driver, config);
  if (err) throw plainError(err);
  await c.world.lab.sleep(c.world.lab.durations.poolCreate);
  const pool: PoolRecord = { name, driver, description, config: {}, state: 'Created', nodes: new Map() };
  pool.nodes.set(d.memberName, { state: 'Pending', config: {} });
  const created = createPoolLocal(f, c.world.lab.spec(d.machine), name, driver, config);
  Object.assign(created, await remoteCreate(c, d.machine, driver, created));
  const memberCfg: Record<string, string> = {};
  for (const [k, v] of Object.entries(created)) {
    if (f.memberStorageKeys.includes(k)) memberCfg[k] = v;
    else pool.config[k] = v;
  }
  pool.nodes.set(d.memberName, { state: 'Created', config: memberCfg });
  d.db.pools.set(name, pool);
}

async function postPool(c: Ctx): Promise<LabResponse> {
  const body = decodeBody(c, 'StoragePoolsPost', { name: 'string', driver: 'string', description: 'string', config: 'map' });
  const d = c.d;
  const f = d.flavor;
  const name = str(body.name);
  const driver = str(body.driver);
  const description = str(body.description);
  const config = strMap(body.config);
  if (name === '') throw badRequest('No name provided');
  if (name.includes('/')) throw badRequest('Storage pool names may not contain slashes');
  if (driver === '') throw badRequest('No driver provided');
  const target = q(c, 'target');
  const location = `/1.0/storage-pools/${name}`;
  const opArgs = { description: 'Creating storage pool', entityUrl: location };
  if (target !== '') {
    for (const k of Object.keys(config)) {
      if (!f.memberStorageKeys.includes(k)) throw plainError(`Config key ${JSON.stringify(k)} may not be used as member-specific key`);
    }
    const err = poolConfigError(f, driver, config);
    if (err) throw badRequest(err);
    return runMaybeAsync(c, f.asyncPoolsNetworks, opArgs,
      () => withLock(d, 'storagePoolCreate', () => createPending(c, target, name, driver, config)),
      () => createdResponse(location));
  }
  const work = async () => {
    const existing = d.db.pools.get(name);
    const count = d.db.clustered ? d.db.members.length : 1;
    if (count > 1 || (existing && existing.state !== 'Created')) {
      try {
        await finalizeCluster(c, existing, driver, description, config);
      } catch (e) {
        // 5.x renders this path with response.InternalError: always 500.
        throw f.asyncPoolsNetworks ? e : plainError(toLxdError(e).message);
      }
    } else {
      await createSingle(c, name, driver, description, config);
    }
  };
  return runMaybeAsync(c, f.asyncPoolsNetworks, opArgs, () => withLock(d, 'storagePoolCreate', work), () => createdResponse(location));
}

async function updatePool(c: Ctx, patch: boolean): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const f = d.flavor;
  const p = getPool(d.db, c.params.pool ?? '');
  const target = q(c, 'target');
  if (target === '' && p.state !== 'Created') throw badRequest('Cannot update storage pool global config when not in created state');
  let etagConfig = merged(p, d.memberName);
  if (target === '' && d.db.clustered) etagConfig = stripMember(d, etagConfig);
  etagCheck(c.req, [p.name, p.driver, p.description, etagConfig], f.msg.etagMismatch);
  const body = decodeBody(c, 'StoragePoolPut', { config: 'map', description: 'string' });
  const req = strMap(body.config);
  const description = str(body.description);
  const current = merged(p, d.memberName);
  if (d.db.clustered) {
    if (target === '') {
      for (const k of Object.keys(req)) {
        if (f.memberStorageKeys.includes(k)) throw badRequest(`Config key ${JSON.stringify(k)} is cluster member specific`);
      }
    } else {
      for (const [k, v] of Object.entries(req)) {
        if (!f.memberStorageKeys.includes(k) && current[k] !== v) {
          throw badRequest(`Config key ${JSON.stringify(k)} may not be used as cluster member specific key`);
        }
      }
    }
  }
  if (target === '' && !patch && d.db.clustered) {
    for (const [k, v] of Object.entries(current)) if (f.memberStorageKeys.includes(k)) req[k] = v;
  } else if (patch) {
    for (const [k, v] of Object.entries(current)) if (!(k in req)) req[k] = v;
  }
  const err = poolConfigError(f, p.driver, req);
  if (err) throw badRequest(err);
  const work = async () => {
    const row = p.nodes.get(d.memberName) ?? { state: 'Created' as const, config: {} };
    if (target === '' || !d.db.clustered) {
      const global: Record<string, string> = {};
      for (const [k, v] of Object.entries(req)) if (!f.memberStorageKeys.includes(k)) global[k] = v;
      p.config = global;
    }
    if (target !== '' || !d.db.clustered) {
      const mine: Record<string, string> = {};
      for (const [k, v] of Object.entries(req)) if (f.memberStorageKeys.includes(k)) mine[k] = v;
      row.config = mine;
      p.nodes.set(d.memberName, row);
    }
    if (target === '' && (!patch || description !== '')) p.description = description;
  };
  return runMaybeAsync(c, f.asyncPoolsNetworks, { description: 'Updating storage pool', entityUrl: `/1.0/storage-pools/${p.name}` },
    work, () => syncResponse({}));
}

async function deletePool(c: Ctx): Promise<LabResponse> {
  const d = c.d;
  const p = getPool(d.db, c.params.pool ?? '');
  if (poolUsedBy(d, p, false).length > 0) throw badRequest('The storage pool is currently in use');
  return runMaybeAsync(c, d.flavor.asyncPoolsNetworks, { description: 'Deleting storage pool', entityUrl: `/1.0/storage-pools/${p.name}` },
    async () => {
      deleteRemotePool(c.world.peers.ceph, d.machine, p.driver, merged(p, d.memberName));
      d.db.pools.delete(p.name);
    }, () => syncResponse({}));
}

export function registerPools(r: Router): void {
  r.add('/1.0/storage-pools', { GET: listPools, POST: postPool });
  r.add('/1.0/storage-pools/{pool}', {
    GET: getOne,
    PUT: (c) => updatePool(c, false),
    PATCH: (c) => updatePool(c, true),
    DELETE: deletePool,
  });
}

