// `lxd/storage-pool/<pool>`: finalize, POST /1.0/storage-pools without target and with only global
// keys, once every member has its pending row. LXD marks the pool Errored, creates it on every
// member, then Created; a retry after a partial failure must carry no global config, so the pool
// is read first and the request shaped by what it shows.
import { reachable } from '../../plan/index.js';
import { MINUTE, hostOf, unlessAlreadyDone } from './common.js';
import { getPool, partiallyCreated } from './lxd.js';
import type { StepActor } from './runner.js';

/** Creating a Ceph-backed pool on every member can take minutes. */
const POOL_CREATE_MS = 10 * MINUTE;

export const lxdPool: StepActor<'lxd-pool'> = {
  timeoutMs: POOL_CREATE_MS + MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const host = hostOf(hosts, step.machine);
    const { pool, driver, description, config } = step.inputs;
    const partial = partiallyCreated(await getPool(host, pool));
    if (partial) ctx.note('an earlier attempt created it part-way: finishing it without global config, as LXD requires');
    const body = partial ? { name: pool, driver, description } : { name: pool, driver, description, config };
    try {
      await host.request('lxd', 'POST', '/1.0/storage-pools', body, { timeoutMs: POOL_CREATE_MS, operationTimeoutMs: POOL_CREATE_MS });
    } catch (err) {
      await unlessAlreadyDone(err, [/already created/], done, ctx);
    }
  },
  missing(step, live) {
    const p = reachable(live, step.machine)?.lxd?.pools.find((x) => x.name === step.inputs.pool);
    return `storage pool ${step.inputs.pool} is ${p?.status ?? 'missing'} after creating it`;
  },
};
