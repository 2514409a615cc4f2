// `lxd/storage-pool/<pool>@<member>`: POST /1.0/storage-pools?target=<member> with only that
// member's keys (source, source.wipe; source for ceph on LXD without storage_remote_drop_source).
// Nothing touches a disk yet. Sync on 5.21, an operation on ≥ 6.8: the remote layer awaits either.
import { MINUTE, hostOf, unlessAlreadyDone, withQuery, type PlanStepRunner } from './common.js';
import { getPool } from './lxd.js';

const ALREADY = [/already defined on member/, /not in pending state/];

export const lxdPoolPending: PlanStepRunner<'lxd-pool-pending'> = {
  timeoutMs: 3 * MINUTE,
  check: async (step, hosts) => (await getPool(hostOf(hosts, step.machine), step.inputs.pool))?.locations?.includes(step.inputs.target) ?? false,
  async act(step, hosts, ctx) {
    const { pool, target, driver, config } = step.inputs;
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', withQuery('/1.0/storage-pools', { target }), { name: pool, driver, config });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY, () => lxdPoolPending.check(step, hosts, ctx), ctx);
    }
  },
  async verify(step, hosts, ctx) {
    if (!(await lxdPoolPending.check(step, hosts, ctx))) throw new Error(`storage pool ${step.inputs.pool} is not defined on ${step.inputs.target} after creating it there`);
  },
};
