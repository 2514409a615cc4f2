// `lxd/storage-pool/<pool>`: finalize, POST /1.0/storage-pools without target and with only global
// keys, once every member has its pending row. LXD marks the pool Errored, creates it on every
// member, then Created; a retry after a partial failure must carry no global config, so the pool
// is read first and the request shaped by what it shows.
import { MINUTE, hostOf, unlessAlreadyDone, type PlanStepRunner } from './common.js';
import { getPool, partiallyCreated } from './lxd.js';

/** Creating a Ceph-backed pool on every member can take minutes. */
const POOL_CREATE_MS = 10 * MINUTE;

export const lxdPool: PlanStepRunner<'lxd-pool'> = {
  timeoutMs: POOL_CREATE_MS + MINUTE,
  check: async (step, hosts) => (await getPool(hostOf(hosts, step.machine), step.inputs.pool))?.status === 'Created',
  async act(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    const { pool, driver, description, config } = step.inputs;
    const partial = partiallyCreated(await getPool(host, pool));
    if (partial) ctx.note('an earlier attempt created it part-way: finishing it without global config, as LXD requires');
    const body = partial ? { name: pool, driver, description } : { name: pool, driver, description, config };
    try {
      await host.request('lxd', 'POST', '/1.0/storage-pools', body, { timeoutMs: POOL_CREATE_MS, operationTimeoutMs: POOL_CREATE_MS });
    } catch (err) {
      await unlessAlreadyDone(err, [/already created/], () => lxdPool.check(step, hosts, ctx), ctx);
    }
  },
  async verify(step, hosts, ctx) {
    if (!(await lxdPool.check(step, hosts, ctx))) {
      const p = await getPool(hostOf(hosts, step.machine), step.inputs.pool);
      throw new Error(`storage pool ${step.inputs.pool} is ${p?.status ?? 'missing'} after creating it`);
    }
  },
};
