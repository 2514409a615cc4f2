// MicroCeph's pools: PUT /1.0/pools-op (the replication factor, default and per pool), the pool
// list, and pool creation as LXD's ceph drivers do it.
import { syncResponse } from '../envelope.js';
import type { LabResponse } from '../types.js';
import type { AppRequest } from './core.js';
import { decodeStruct, plainError, type StructSpec } from './go.js';
import { CEPH_DEFAULT_POOL_SIZE, minSizeFor, type CephClusterState, type CephPoolView, type PoolRow } from './ceph-model.js';

const POOL_PUT: StructSpec = { goType: 'types.PoolPut', fields: { pools: 'stringArray', size: 'int64' } };

export function poolView(p: PoolRow): CephPoolView {
  return { pool: p.name, pool_id: p.id, size: p.size, min_size: p.minSize, crush_rule: p.crushRule };
}

/** PUT /1.0/pools-op: SetReplicationFactor. */
export function poolsPut(r: AppRequest<CephClusterState>): LabResponse {
  const req = decodeStruct(r.req.rawBody, POOL_PUT);
  const st = r.cluster.app;
  const size = req['size'] as number;
  let pools = (req['pools'] ?? []) as string[];
  const run = (args: string, status: number, stderr: string): string =>
    `Failed to run: ceph ${args}: exit status ${status} (${stderr})`;
  if (size < 0 || size > 10) {
    const limit = size < 0 ? 'value must be >= 0' : 'value must be <= 10';
    throw plainError(`failed to set pool size default: ${run(`config set global osd_pool_default_size ${size}`, 22, `Error EINVAL: error parsing value: ${limit}`)}`);
  }
  st.ceph.set('osd_pool_default_size', String(size));
  st.ceph.set('mon_allow_pool_size_one', size === 1 ? 'true' : 'false');
  if (pools.length === 1 && pools[0] === '*') pools = st.pools.map((p) => p.name);
  for (const raw of pools) {
    const name = raw.trim();
    if (name === '') continue;
    const args = `osd pool set ${name} size ${size} --yes-i-really-mean-it`;
    const pool = st.pools.find((p) => p.name === name);
    if (!pool) throw plainError(`failed to set pool size for ${name}: ${run(args, 2, `Error ENOENT: unrecognized pool '${name}'`)}`);
    if (size < 1) throw plainError(`failed to set pool size for ${name}: ${run(args, 22, 'Error EINVAL: pool size must be between 1 and 10')}`);
    pool.size = size;
    pool.minSize = minSizeFor(size);
  }
  return syncResponse({});
}

/** `ceph config get mon osd_pool_default_size`: what pools-op last set, else Ceph's default (3). */
export function defaultPoolSize(st: CephClusterState): number {
  const v = st.ceph.get('osd_pool_default_size');
  return v === undefined ? CEPH_DEFAULT_POOL_SIZE : Number(v);
}

/** `ceph osd pool create <name> <pg_num>` as LXD's ceph/cephfs drivers run it: osd_pool_default_size
 *  replicas and the default crush rule. Idempotent. */
export function ensurePoolRow(st: CephClusterState, name: string, pgNum = 32): PoolRow {
  let pool = st.pools.find((p) => p.name === name);
  if (!pool) {
    const size = defaultPoolSize(st);
    pool = { name, id: st.nextPoolId++, size, minSize: minSizeFor(size), crushRule: st.defaultRule, pgNum };
    st.pools.push(pool);
  }
  return pool;
}
